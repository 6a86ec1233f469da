import AnalyzerCore

/// A scripted TCP connection: handshake, the exchanges in the order given, then the chosen closing.
///
/// Build it with ``clientSends(_:)``, ``serverSends(_:)`` and ``pause(seconds:)``, then
/// ``render(encapsulation:impairments:random:)`` it into packets. Each send is cut into segments of
/// at most ``mss`` bytes; the receiver acknowledges every second segment and the last one of a send.
/// Sequence numbers wrap modulo 2^32, so an ISN near 2^32 gives a wrapping conversation.
public struct TCPConversation: Sendable {
    /// How the connection ends.
    public enum Closing: Hashable, Sendable {
        /// Client FIN, server FIN, client ACK.
        case fin
        /// The client resets the connection (RST+ACK); the server sends nothing more.
        case reset
        /// The connection is left open.
        case none
    }

    /// One step of the script.
    enum Step: Sendable {
        case send(FlowDirection, [UInt8])
        case pause(microseconds: Int64)
    }

    /// The side that sends the SYN. Must be of the same IP family as ``server``.
    public var client: Endpoint
    /// The side that answers.
    public var server: Endpoint
    /// The client's initial sequence number (its SYN's sequence number).
    public var clientISN: UInt32
    /// The server's initial sequence number.
    public var serverISN: UInt32
    /// The largest payload per segment, advertised in both SYNs (clamped to 1...65,000 when rendering).
    public var mss: Int
    /// Time of the first packet.
    public var start: CaptureTimestamp
    /// How the connection ends (default ``Closing/fin``).
    public var closing: Closing = .fin
    /// Window scale shift advertised in both SYNs, or `nil` for no Window Scale option.
    public var windowScale: UInt8? = 7
    /// Whether both SYNs carry SACK-Permitted.
    public var sackPermitted = true
    /// Capture time between consecutive packets, in microseconds (at least 1 is used).
    public var packetIntervalMicroseconds: Int64 = 100
    /// IPv4 options carried by every packet (IPv4 conversations only).
    public var ipv4Options: [UInt8] = []
    /// IPv6 extension headers carried by every packet (IPv6 conversations only).
    public var ipv6ExtensionHeaders: [IPv6ExtensionHeader] = []

    /// The script, in order (rewritten by ``TLS13Wrapping``, which keeps the rest of the conversation).
    var steps: [Step] = []

    /// Creates a conversation with an empty script. `client` and `server` must both be IPv4 or both
    /// IPv6 (anything else is a programming error and stops the program).
    public init(
        client: Endpoint,
        server: Endpoint,
        clientISN: UInt32,
        serverISN: UInt32,
        mss: Int = 1460,
        start: CaptureTimestamp = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0)
    ) {
        precondition(client.address.isV6 == server.address.isV6, "client and server must share an IP family")
        self.client = client
        self.server = server
        self.clientISN = clientISN
        self.serverISN = serverISN
        self.mss = mss
        self.start = start
    }

    /// Whether the conversation runs over IPv6 (taken from the endpoints).
    public var isIPv6: Bool { client.address.isV6 }

    /// Appends bytes the client sends next (nothing happens for an empty array).
    public mutating func clientSends(_ bytes: [UInt8]) {
        if !bytes.isEmpty { steps.append(.send(.clientToServer, bytes)) }
    }

    /// Appends bytes the server sends next (nothing happens for an empty array).
    public mutating func serverSends(_ bytes: [UInt8]) {
        if !bytes.isEmpty { steps.append(.send(.serverToClient, bytes)) }
    }

    /// Lets `seconds` of capture time pass before the next packet (negative values count as 0;
    /// rounded to whole microseconds).
    public mutating func pause(seconds: Double) {
        let microseconds = (max(0, seconds) * 1_000_000).rounded()
        // Clamp before converting so that an absurd pause cannot trap.
        steps.append(.pause(microseconds: Int64(min(microseconds, 1e15))))
    }

    /// Every payload byte the given side sends, in order.
    public func payload(of direction: FlowDirection) -> [UInt8] {
        var bytes: [UInt8] = []
        for case .send(let sender, let data) in steps where sender == direction { bytes += data }
        return bytes
    }

    /// The initial sequence number of the side sending in `direction`.
    func initialSequenceNumber(of direction: FlowDirection) -> UInt32 {
        direction == .clientToServer ? clientISN : serverISN
    }

    /// The sending endpoint of `direction`.
    func sender(of direction: FlowDirection) -> Endpoint {
        direction == .clientToServer ? client : server
    }
}
