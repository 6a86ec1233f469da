import AnalyzerCore

/// The benchmark's captures: many BITS uploads, `concurrency` at a time on their own TCP connections,
/// MSS 1460, Ethernet, classic pcap. The bulk workload (the defaults) sends files of 256 KiB–4 MiB in
/// fragments of 64–256 KiB, 16 at a time; the busy one (``busy(sessions:seed:)``) is a management
/// point's day: small files of 256–640 bytes in one fragment each, 1,000 at a time. Every upload is
/// clean (created, fully acknowledged, closed), so a correct analysis reports exactly `sessions`
/// completed sessions and no finding.
///
/// With ``tls13`` set, every connection is HTTPS instead: the same HTTP bytes wrapped in TLS 1.3 with
/// TLS_AES_128_GCM_SHA256 (``TLS13Wrapping``) to port 443, and their secrets written as an NSS key
/// log; the uploads, and so a correct analysis with that key log, are the same as without.
///
/// It is written wave by wave, so memory holds one wave of conversations, never the whole file.
public struct BenchmarkWorkload: Sendable {
    /// Uploads in the capture.
    public var sessions: Int
    /// Uploads running at once (one wave).
    public var concurrency = 16
    /// Sizes of the uploaded files, in bytes.
    public var fileSizes = (256 << 10)...(4 << 20)
    /// Sizes of the fragments, in bytes.
    public var fragmentSizes = (64 << 10)...(256 << 10)
    /// Seed of every random choice and byte.
    public var seed: UInt64
    /// Whether each connection is wrapped in TLS 1.3 (the TLS values come from their own generator,
    /// so the uploads are the same bytes either way).
    public var tls13 = false

    /// Creates a workload of `sessions` uploads.
    public init(sessions: Int, seed: UInt64 = 1) {
        self.sessions = max(1, sessions)
        self.seed = seed
    }

    /// A busy server's workload: `sessions` small uploads (256–640 bytes, one Fragment each), each on
    /// its own connection, 1,000 in flight at once.
    public static func busy(sessions: Int, seed: UInt64 = 1) -> BenchmarkWorkload {
        var workload = BenchmarkWorkload(sessions: sessions, seed: seed)
        workload.concurrency = 1_000
        workload.fileSizes = 256...640
        workload.fragmentSizes = 640...640
        return workload
    }

    /// The server's name: the Host header, and the TLS server name with ``tls13``.
    public static let serverName = "bits.example"

    /// What was written.
    public struct Summary: Hashable, Sendable {
        /// Uploads written.
        public var sessions = 0
        /// Bytes of all uploaded files.
        public var uploadedBytes: UInt64 = 0
        /// Packets written.
        public var packets = 0
        /// Bytes of the capture file.
        public var fileBytes: UInt64 = 0
    }

    /// Writes the whole capture, in order, through `write` (called with the file header, then with
    /// each wave's records). With ``tls13`` the key log is dropped: see ``write(_:keyLog:)``.
    public func write(_ write: ([UInt8]) throws -> Void) rethrows -> Summary {
        try self.write(write, keyLog: { _ in })
    }

    /// Writes the whole capture, in order, through `write` (called with the file header, then with
    /// each wave's records); with ``tls13``, each wave's key log lines go to `keyLog` first.
    public func write(_ write: ([UInt8]) throws -> Void, keyLog: (String) throws -> Void) rethrows -> Summary {
        let writer = PcapFileWriter(linkType: LinkEncapsulation.ethernet(vlanTags: []).linkTypeValue)
        var summary = Summary()
        let header = writer.fileHeader()
        try write(header)
        summary.fileBytes += UInt64(header.count)
        var random = SeededGenerator(seed: seed)
        var start = CaptureTimestamp(seconds: 1_800_000_000, nanoseconds: 0)
        var index = 0
        while index < sessions {
            let wave = min(max(1, concurrency), sessions - index)
            var conversations: [RenderedConversation] = []
            var keyLogLines = ""
            for slot in 0..<wave {
                // The uploads of a wave start a millisecond apart.
                let offset = CaptureTimestamp(
                    seconds: start.seconds + Int64(slot / 1_000), nanoseconds: UInt32(slot % 1_000) * 1_000_000)
                let (conversation, fileLength, lines) = upload(number: index + slot, start: offset, random: &random)
                conversations.append(conversation)
                keyLogLines += lines
                summary.uploadedBytes += UInt64(fileLength)
            }
            if !keyLogLines.isEmpty { try keyLog(keyLogLines) }
            var waveEnd = start
            for packet in CaptureScenario.interleave(conversations) {
                let record = writer.record(packet)
                try write(record)
                summary.packets += 1
                summary.fileBytes += UInt64(record.count)
                if waveEnd < packet.timestamp { waveEnd = packet.timestamp }
            }
            summary.sessions += wave
            index += wave
            start = waveEnd.adding(seconds: 1)
        }
        return summary
    }

    /// One upload on its own connection: Create-Session, the fragments, Close-Session, each Acked;
    /// with ``tls13`` wrapped in TLS, with its key log lines.
    private func upload(number: Int, start: CaptureTimestamp, random: inout SeededGenerator)
        -> (RenderedConversation, Int, String)
    {
        let client = Endpoint(address: .v4(0x0A01_0000 | UInt32(number % 60_000 + 10)),
                              port: UInt16(49_152 + number % 16_000))
        let server = Endpoint(address: .v4(0x0A02_0001 + UInt32(number % 4)), port: tls13 ? 443 : 80)
        var conversation = TCPConversation(
            client: client, server: server, clientISN: UInt32(truncatingIfNeeded: random.next()),
            serverISN: UInt32(truncatingIfNeeded: random.next()), mss: 1460, start: start
        )
        conversation.packetIntervalMicroseconds = 20
        let messages = BITSMessageBuilder(host: Self.serverName, path: "/upload/bench-\(number).bin",
                                          contentName: "bench-\(number).bin")
        let sessionID = BITSGUID.random(using: &random)
        let length = Int.random(in: fileSizes, using: &random)
        conversation.clientSends(messages.createSession().bytes)
        conversation.serverSends(messages.createSessionAck(sessionID: sessionID).bytes)
        var offset = 0
        while offset < length {
            let size = min(length - offset, Int.random(in: fragmentSizes, using: &random))
            var body = [UInt8](repeating: 0, count: size)
            body.withUnsafeMutableBytes { buffer in
                var position = 0
                while position < buffer.count {
                    let word = random.next()
                    for shift in stride(from: 0, to: 64, by: 8) where position < buffer.count {
                        buffer[position] = UInt8(truncatingIfNeeded: word >> UInt64(shift))
                        position += 1
                    }
                }
            }
            conversation.clientSends(messages.fragment(sessionID: sessionID, first: offset, last: offset + size - 1,
                                                       total: length, body: body).bytes)
            conversation.serverSends(messages.fragmentAck(sessionID: sessionID, received: offset + size).bytes)
            offset += size
        }
        conversation.clientSends(messages.closeSession(sessionID: sessionID).bytes)
        conversation.serverSends(messages.ack(sessionID: sessionID).bytes)
        var keyLog = ""
        if tls13 {
            // A generator of its own, so that the uploads stay those of the plain workload.
            var tlsRandom = SeededGenerator(seed: (seed &* 0x2545_F491_4F6C_DD1D) ^ UInt64(number))
            let wrapped = TLS13Wrapping(serverName: Self.serverName).wrap(conversation, random: &tlsRandom)
            conversation = wrapped.conversation
            keyLog = wrapped.keyLog
        }
        let rendered = conversation.render(encapsulation: .ethernet(vlanTags: []), impairments: .none,
                                           seed: seed &+ UInt64(number))
        return (rendered, length, keyLog)
    }
}
