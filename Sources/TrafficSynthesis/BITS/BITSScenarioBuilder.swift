import AnalyzerCore

/// Scripts a BITS upload over one or more generated TCP connections and keeps the ledger its
/// expected analysis is made from.
///
/// A script opens connections with ``connect(toSecondServer:midstream:)``, sends requests with
/// ``send(_:on:as:)`` or the BITS helpers (``createSession(on:response:)``,
/// ``fragment(on:_:total:omitSessionID:body:contentRange:response:)`` …), and answers them with
/// ``respond(on:with:)`` or an automatic IIS answer. Requests on a connection are answered in order
/// (HTTP/1.1 pairing); everything happens one step at a time on a global clock, each step about a
/// millisecond after the previous one, so the capture shows the steps in script order even across
/// connections.
///
/// All choices (file bytes, session ID, ports, sequence numbers) come from ``random``, seeded with
/// the scenario's seed, so a seed reproduces a scenario exactly.
public struct BITSScenarioBuilder: Sendable {
    /// How a scripted answer is chosen.
    public enum Response: Sendable {
        /// The server model's answer (see ``BITSScenarioBuilder`` and IIS behaviour in the reference §3.4).
        case automatic
        /// This message, whatever the model would say.
        case message(SyntheticHTTPMessage)
        /// No answer: the request stays unanswered.
        case none
    }

    /// Capture time between consecutive packets of a connection, in microseconds.
    static let packetInterval: Int64 = 1_000
    /// Capture time between the end of one step and the start of the next, in microseconds.
    static let stepGap: Int64 = 1_000
    /// Capture time of the scenario's first packet: 2026-01-01T00:00:00Z.
    static let baseSeconds: Int64 = 1_767_225_600

    /// The scenario's seed.
    public let seed: UInt64
    /// The source of every choice the script makes.
    public var random: SeededGenerator
    /// Builds the messages; scripts may change it (spelling, host) before sending.
    public var messages: BITSMessageBuilder
    /// The file the client uploads (set by ``makeFile(fragmentSizes:)`` or ``makeFile(length:)``).
    public private(set) var file: [UInt8] = []
    /// The session ID the server gives the first Create-Session.
    public let sessionID: String
    /// When set, the automatic Ack of the fragment that completes the upload carries this
    /// BITS-Reply-URL (an upload-reply job).
    public var replyURL: String?
    /// Whether the connections run over IPv6.
    public let isIPv6: Bool
    /// The client's address.
    public let clientAddress: IPAddress
    /// The upload server's address.
    public let serverAddress: IPAddress
    /// The second farm node's address (``connect(toSecondServer:midstream:)``).
    public let secondServerAddress: IPAddress

    /// The connections in order of opening.
    private(set) var connections: [ScriptedConnection] = []
    /// Every request in script order, with its answer once sent.
    private(set) var ledger: [ScriptedRequest] = []
    /// The server's view of the sessions.
    private(set) var server = BITSServerModel()
    /// Finding codes the script expects, by session index (order of first appearance).
    private(set) var expectedFindings: [Int: [String]] = [:]
    /// Finding codes the script expects without a session (e.g. on a notification connection).
    private(set) var expectedSessionlessFindings: [String] = []
    /// Session IDs issued so far by automatic Create-Session answers.
    private var issuedSessions = 0
    /// The global clock: microseconds since the first packet at which the next step starts.
    private var now: Int64 = 0
    /// The first client port; connection `i` uses `basePort + i`.
    private let basePort: UInt16

    /// Creates a builder for one scenario, drawing the session ID, file name and port from `seed`.
    public init(seed: UInt64, ipv6: Bool = false) {
        self.seed = seed
        var random = SeededGenerator(seed: seed)
        sessionID = BITSGUID.random(using: &random)
        let names = ["report.pdf", "crashdump.dmp", "inventory.csv", "photo-0042.jpg", "backup.zip", "trace.etl"]
        let name = names[random.integer(below: names.count)]
        messages = BITSMessageBuilder(host: "bits.example", path: "/upload/" + name, contentName: name)
        basePort = UInt16(49_152 + random.integer(below: 10_000))
        isIPv6 = ipv6
        if ipv6 {
            clientAddress = .v6(0x2001_0DB8_0000_0000, 0x10)  // 2001:db8::10
            serverAddress = .v6(0x2001_0DB8_0000_0000, 0x80)  // 2001:db8::80
            secondServerAddress = .v6(0x2001_0DB8_0000_0000, 0x81)  // 2001:db8::81
        } else {
            clientAddress = .v4(0xC000_020A)  // 192.0.2.10
            serverAddress = .v4(0xC633_6414)  // 198.51.100.20
            secondServerAddress = .v4(0xC633_6415)  // 198.51.100.21
        }
        self.random = random
    }

    // MARK: File

    /// Draws `count` fragment sizes of 5–8 KiB, makes a pseudo-random file of their total length
    /// and returns the fragments' byte ranges, in order.
    @discardableResult
    public mutating func makeFile(fragments count: Int) -> [Range<Int>] {
        // 5–8 KiB: within what Windows clients send (5 KB–13 MB), so `fragment-size-unusual` stays quiet.
        let sizes = (0..<max(1, count)).map { _ in random.integer(in: 5_120...8_192) }
        makeFile(length: sizes.reduce(0, +))
        var ranges: [Range<Int>] = []
        var offset = 0
        for size in sizes {
            ranges.append(offset..<(offset + size))
            offset += size
        }
        return ranges
    }

    /// Makes a pseudo-random file of `length` bytes.
    public mutating func makeFile(length: Int) {
        file = randomBytes(max(0, length))
    }

    /// `count` pseudo-random bytes.
    public mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    // MARK: Connections and time

    /// Opens a new TCP connection (handshake now) from the client to the upload server, or to the
    /// second farm node; returns its index. With `midstream`, the capture starts in the middle of
    /// it: the handshake and its first exchange (one request and its answer, each of which must fit
    /// one segment) are not captured.
    public mutating func connect(toSecondServer: Bool = false, midstream: Bool = false) -> Int {
        let index = connections.count
        let server = Endpoint(address: toSecondServer ? secondServerAddress : serverAddress, port: 80)
        let client = Endpoint(address: clientAddress, port: basePort &+ UInt16(truncatingIfNeeded: index))
        var conversation = TCPConversation(
            client: client, server: server,
            clientISN: UInt32(truncatingIfNeeded: random.next()), serverISN: UInt32(truncatingIfNeeded: random.next()),
            mss: isIPv6 ? 1_440 : 1_460, start: Self.timestamp(now)
        )
        conversation.packetIntervalMicroseconds = Self.packetInterval
        connections.append(ScriptedConnection(
            conversation: conversation, startMicroseconds: now, localMicroseconds: 3 * Self.packetInterval,
            midstream: midstream
        ))
        now += 3 * Self.packetInterval
        return index
    }

    /// Ends connection `index` now: FIN exchange, or a client RST. Ending it twice is an error.
    public mutating func close(_ index: Int, _ closing: TCPConversation.Closing = .fin) {
        precondition(!connections[index].closed, "connection \(index) is already closed")
        alignClock(of: index)
        connections[index].conversation.closing = closing
        connections[index].closed = true
        let packets: Int64 = closing == .fin ? 3 : (closing == .reset ? 1 : 0)
        finishStep(on: index, packets: packets)
    }

    /// Bytes the `direction` side has sent on connection `index` so far: the payload offset of the
    /// next byte it sends.
    public func bytesSent(on index: Int, _ direction: FlowDirection) -> Int {
        connections[index].conversation.payload(of: direction).count
    }

    /// Makes the capture miss the data segment of connection `index` that carries byte `offset` of
    /// the `direction` stream (capture loss: the peer received it).
    public mutating func captureMisses(on index: Int, _ direction: FlowDirection, byte offset: Int) {
        connections[index].missed.append(MissedSegment(direction, offset: offset))
    }

    /// Lets `milliseconds` of capture time pass before the next step.
    public mutating func pause(milliseconds: Int) {
        now += Int64(max(0, milliseconds)) * 1_000
    }

    // MARK: Requests and answers

    /// Sends `message` from the client on connection `index`; `meaning` is what the generator
    /// knows it to be (its packet type, the session ID it carries, its range).
    public mutating func send(_ message: SyntheticHTTPMessage, on index: Int, as meaning: BITSRequestMeaning) {
        let connection = connections[index]
        let captured = !(connection.midstream && connection.requestCount == 0)
        if !captured {
            let mss = connection.conversation.mss
            precondition(message.bytes.count <= mss, "mid-stream: first request over one segment")
        }
        ledger.append(ScriptedRequest(
            index: ledger.count, connection: index, captured: captured, meaning: meaning, response: nil
        ))
        connections[index].requestCount += 1
        connections[index].unanswered.append(ledger.count - 1)
        transmit(message.bytes, on: index, from: .clientToServer)
    }

    /// Answers the oldest unanswered request on connection `index` with `response` (nothing
    /// happens for ``Response/none``).
    public mutating func respond(on index: Int, with response: Response = .automatic) {
        guard let position = connections[index].unanswered.first else {
            preconditionFailure("no request to answer on connection \(index)")
        }
        let request = ledger[position]
        let message: SyntheticHTTPMessage
        switch response {
        case .none:
            connections[index].unanswered.removeFirst()
            return
        case .message(let given):
            message = given
        case .automatic:
            message = server.automaticAnswer(
                to: request.meaning, messages: messages, newSessionID: nextSessionID(), replyURL: replyURL
            )
        }
        if request.type == .createSession, message.value(of: "BITS-Session-Id") != nil,
           (200...299).contains(message.statusCode ?? 0) {
            issuedSessions += 1
        }
        connections[index].unanswered.removeFirst()
        if !request.captured {
            let mss = connections[index].conversation.mss
            precondition(message.bytes.count <= mss, "mid-stream: first answer over one segment")
        }
        ledger[position].response = message
        server.record(message, to: request.meaning)
        transmit(message.bytes, on: index, from: .serverToClient)
    }

    /// Sends `message` as `meaning` on connection `index` and answers it as `response` says.
    public mutating func exchange(
        _ message: SyntheticHTTPMessage,
        on index: Int,
        as meaning: BITSRequestMeaning,
        response: Response = .automatic
    ) {
        send(message, on: index, as: meaning)
        respond(on: index, with: response)
    }

    /// Makes the server lose the session `sessionID` (expired, or the node restarted): it answers
    /// later requests for it with 500 + BG_E_SESSION_NOT_FOUND.
    public mutating func serverForgets(_ sessionID: String) { server.forget(sessionID) }

    /// The server's next expected offset for ``sessionID``.
    public var expectedOffset: Int { server.expectedOffset(of: sessionID) }

    /// Expects finding `codes` for the session at `sessionIndex` (sessions counted in order of first
    /// appearance in the capture); they are sorted in the expectation.
    public mutating func expectFindings(_ codes: [String], session sessionIndex: Int = 0) {
        expectedFindings[sessionIndex, default: []] += codes
    }

    /// Expects finding `codes` that belong to no session (reported per connection).
    public mutating func expectSessionlessFindings(_ codes: [String]) {
        expectedSessionlessFindings += codes
    }

    // MARK: Rendering

    /// Ends every open connection with a FIN exchange, then renders the connections the capture
    /// sees and derives the expected analysis.
    func finish(
        encapsulation: LinkEncapsulation,
        impairments: Impairments
    ) -> (conversations: [RenderedConversation], expected: ExpectedBITSAnalysis) {
        var builder = self
        for index in builder.connections.indices where !builder.connections[index].closed { builder.close(index) }
        let conversations = builder.connections.enumerated().map { index, connection in
            var connectionImpairments = impairments
            if connection.midstream { connectionImpairments.dropHandshake = true }
            connectionImpairments.missedSegments += connection.missed
            // Each connection draws its impairments from its own generator, so that adding one
            // connection to a script does not change how the others are impaired.
            var random = SeededGenerator(seed: seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)))
            return connection.conversation.render(
                encapsulation: encapsulation, impairments: connectionImpairments, random: &random
            )
        }
        let expected = ExpectedBITSAnalysis(
            ledger: builder.ledger, expectedFindings: builder.expectedFindings,
            sessionlessFindings: builder.expectedSessionlessFindings, clientFile: builder.file
        )
        return (conversations, expected)
    }

    // MARK: Clock

    /// The session ID the next automatic Create-Session answer issues.
    private func nextSessionID() -> String {
        if issuedSessions == 0 { return sessionID }
        var extra = SeededGenerator(seed: seed &+ UInt64(issuedSessions))
        return BITSGUID.random(using: &extra)
    }

    /// Appends `bytes` sent in `direction` to connection `index` at the global clock.
    private mutating func transmit(_ bytes: [UInt8], on index: Int, from direction: FlowDirection) {
        precondition(!connections[index].closed, "connection \(index) is closed")
        alignClock(of: index)
        if direction == .clientToServer {
            connections[index].conversation.clientSends(bytes)
        } else {
            connections[index].conversation.serverSends(bytes)
        }
        finishStep(on: index, packets: Self.packetCount(bytes: bytes.count, mss: connections[index].conversation.mss))
    }

    /// Pauses connection `index` until the global clock, if it is behind.
    private mutating func alignClock(of index: Int) {
        let target = now - connections[index].startMicroseconds
        let behind = target - connections[index].localMicroseconds
        if behind > 0 {
            connections[index].conversation.pause(seconds: Double(behind) / 1_000_000)
            connections[index].localMicroseconds = target
        }
    }

    /// Moves connection `index` past `packets` packets and the global clock past them plus a gap.
    private mutating func finishStep(on index: Int, packets: Int64) {
        connections[index].localMicroseconds += packets * Self.packetInterval
        now = connections[index].startMicroseconds + connections[index].localMicroseconds + Self.stepGap
    }

    /// Packets the conversation planner emits for one send of `bytes` bytes: its segments and an
    /// acknowledgment after every second segment and after the last (see `ConversationPlanner`).
    static func packetCount(bytes: Int, mss: Int) -> Int64 {
        let segments = (bytes + mss - 1) / mss
        return Int64(segments + (segments + 1) / 2)
    }

    /// The capture time `microseconds` after the scenario's first packet.
    static func timestamp(_ microseconds: Int64) -> CaptureTimestamp {
        CaptureTimestamp(
            seconds: baseSeconds + microseconds / 1_000_000,
            nanoseconds: UInt32(microseconds % 1_000_000) * 1_000  // < 10^9
        )
    }
}

/// One TCP connection of a script and where its own timeline stands.
struct ScriptedConnection: Sendable {
    /// The conversation being scripted.
    var conversation: TCPConversation
    /// Global time of its first packet, in microseconds.
    var startMicroseconds: Int64
    /// The planner's time reached by the script so far, relative to the first packet.
    var localMicroseconds: Int64
    /// Whether the capture misses its handshake and first exchange.
    var midstream: Bool
    /// Whether it has been closed.
    var closed = false
    /// Requests sent on it so far.
    var requestCount = 0
    /// Ledger positions of its requests still waiting for an answer, oldest first.
    var unanswered: [Int] = []
    /// Data segments the capture misses on it.
    var missed: [MissedSegment] = []
}
