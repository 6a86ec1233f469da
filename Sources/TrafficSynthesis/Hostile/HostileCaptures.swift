import AnalyzerCore

/// Captures built to hit bitsnoop's limits and to carry absurd values, for the tests that check
/// that such input is reported (as findings or `limit-*` notices) and never traps or exhausts memory.
public enum HostileCaptures {
    /// The server every hostile connection talks to.
    public static let server = Endpoint(address: .v4(0x0A63_0001), port: 80)

    /// The client of connection `index`: 10.(index / 60,000).x.x with ports from 1,024 on, so that
    /// no two of up to 16 million connections share addresses and ports.
    public static func client(_ index: Int) -> Endpoint {
        Endpoint(address: .v4(0x0A00_0000 | UInt32(truncatingIfNeeded: index / 60_000 + 1) << 8),
                 port: UInt16(truncatingIfNeeded: 1_024 + index % 60_000))
    }

    /// `count` half-open connections: a SYN, then `heldBytes` client bytes behind a 100-byte hole
    /// that never fills, and nothing else — no answer, no ACK, no FIN.
    public static func halfOpenConnectionsWithHoles(count: Int, heldBytes: Int = 10) -> [UInt8] {
        var capture = PcapBuffer()
        let payload = [UInt8](repeating: 0x41, count: heldBytes)
        for index in 0..<count {
            var flow = RawTCPFlow(client: client(index), server: server, isn: UInt32(truncatingIfNeeded: index))
            flow.syn(into: &capture)
            flow.clientSkips(100)
            flow.clientSends(payload, into: &capture)
        }
        return capture.bytes
    }

    /// `count` BITS sessions, each created (Create-Session and its Ack) and never used or closed,
    /// `perConnection` sessions on each connection (closed with FINs).
    public static func unclosedSessions(count: Int, perConnection: Int = 100) -> [UInt8] {
        var capture = PcapBuffer()
        let builder = BITSMessageBuilder(host: "uploads.example", path: "/upload/file.bin", contentName: "file.bin")
        let create = builder.createSession().bytes
        var index = 0
        var connection = 0
        while index < count {
            var flow = RawTCPFlow(client: client(connection), server: server)
            flow.handshake(into: &capture)
            for _ in 0..<min(max(1, perConnection), count - index) {
                let id = BITSGUID.format(high: 0x1111_0000_0000_0000, low: UInt64(index), upperCase: true)
                flow.clientSends(create, into: &capture)
                flow.serverSends(builder.createSessionAck(sessionID: id).bytes, into: &capture)
                index += 1
            }
            flow.close(into: &capture)
            connection += 1
        }
        return capture.bytes
    }

    /// One connection: handshake, each client message answered by the server message at the same
    /// index (a missing answer sends nothing), then FINs. Messages are raw bytes, so anything goes.
    public static func exchange(
        _ messages: [(client: [UInt8], server: [UInt8]?)], segmentSize: Int = 1_400
    ) -> [UInt8] {
        var capture = PcapBuffer()
        var flow = RawTCPFlow(client: client(0), server: server)
        flow.handshake(into: &capture)
        for message in messages {
            flow.clientSends(message.client, segmentSize: segmentSize, into: &capture)
            if let answer = message.server { flow.serverSends(answer, segmentSize: segmentSize, into: &capture) }
        }
        flow.close(into: &capture)
        return capture.bytes
    }
}
