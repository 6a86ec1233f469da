import AnalyzerCore
import TrafficSynthesis

/// Endpoints, payloads and conversations shared by the tests.
enum Fixtures {
    static let clientV4 = Endpoint(address: .v4(0xC000_0201), port: 49152)  // 192.0.2.1
    static let serverV4 = Endpoint(address: .v4(0xC633_6402), port: 80)  // 198.51.100.2
    static let clientV6 = Endpoint(address: .v6(0x2001_0DB8_0000_0000, 0x10), port: 50_000)  // 2001:db8::10
    static let serverV6 = Endpoint(address: .v6(0x2001_0DB8_0000_0000, 0x20), port: 80)  // 2001:db8::20

    /// `count` pseudo-random bytes, so that misplaced bytes cannot go unnoticed.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    /// A request/response conversation: several sends each way of sizes that are not multiples of
    /// the MSS, with a pause in the middle.
    static func conversation(
        ipv6: Bool = false,
        clientISN: UInt32 = 0x1000_0000,
        serverISN: UInt32 = 0x8000_0000,
        mss: Int = 536,
        closing: TCPConversation.Closing = .fin
    ) -> TCPConversation {
        var conversation = TCPConversation(
            client: ipv6 ? clientV6 : clientV4, server: ipv6 ? serverV6 : serverV4,
            clientISN: clientISN, serverISN: serverISN, mss: mss,
            start: CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789)
        )
        conversation.clientSends(bytes(3_001, seed: 1))
        conversation.serverSends(bytes(700, seed: 2))
        conversation.pause(seconds: 1.5)
        conversation.clientSends(bytes(4_444, seed: 3))
        conversation.serverSends(bytes(123, seed: 4))
        conversation.clientSends(bytes(17, seed: 5))
        conversation.closing = closing
        return conversation
    }
}
