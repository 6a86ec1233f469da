import AnalyzerCore
import PacketDecoding
import Testing

@Suite("TCP")
struct TCPDecodingTests {
    typealias B = PacketBuilder

    @Test("header fields are decoded")
    func fields() {
        let decoder = PacketDecoder()
        let tcp = B.tcp(
            sourcePort: 3_389, destinationPort: 65_535, sequence: 0xFFFF_FFFF, acknowledgment: 0x0102_0304,
            flags: 0xC3, window: 0xFFFF, payload: []
        )
        let expected = SegmentSummary(
            source: Endpoint(address: .v4(0xC000_0201), port: 3_389),
            destination: Endpoint(address: .v4(0xC633_6402), port: 65_535),
            sequence: 0xFFFF_FFFF, acknowledgment: 0x0102_0304, flags: 0xC3, window: 0xFFFF, payload: [], payloadLength: 0
        )
        #expect(decoder.decode(B.ipv4(payload: tcp), linkType: .raw) == .tcp(expected))
    }

    @Test("well-formed options are parsed")
    func options() {
        let decoder = PacketDecoder()
        let options: [UInt8] = [2, 4, 0x05, 0xB4]  // MSS 1460
            + [1, 3, 3, 7]  // NOP, window scale 7
            + [4, 2, 1, 1]  // SACK permitted, NOP, NOP
            + [8, 10] + B.be32(0xAABB_CCDD) + B.be32(0x1122_3344) + [1, 1]  // timestamps
            + [5, 10] + [UInt8](repeating: 9, count: 8) + [1, 1]  // one SACK block
            + [0, 0, 0, 0]  // End of Option List and padding: 40 bytes in all
        let packet = B.ipv4(payload: B.tcp(options: options))
        #expect(decoder.decode(packet, linkType: .raw) == .tcp(expectedSegment()))
        var expected = TCPOptions()
        expected.maximumSegmentSize = 1_460
        expected.windowScale = 7
        expected.sackPermitted = true
        expected.sackBlockCount = 1
        expected.timestampValue = 0xAABB_CCDD
        expected.timestampEchoReply = 0x1122_3344
        #expect(decoder.lastTCPOptions == expected)
        #expect(decoder.statistics.tcpOptionErrors == 0)
    }

    @Test("malformed options still give the segment, flagged and counted", arguments: [
        [2, 3, 5, 0],  // MSS with length 3
        [3, 4, 7, 0],  // window scale with length 4
        [8, 10, 0, 0],  // timestamps running past the header
        [1, 1, 9, 1],  // unknown option with length 1
        [1, 1, 1, 30],  // length byte cut off... kind 30 at the last byte
        [5, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  // SACK with a partial block
        [4, 3, 0, 0],  // SACK permitted with length 3
    ] as [[UInt8]])
    func malformedOptions(_ options: [UInt8]) {
        let decoder = PacketDecoder()
        let packet = B.ipv4(payload: B.tcp(options: options))
        #expect(decoder.decode(packet, linkType: .raw) == .tcp(expectedSegment()))
        #expect(decoder.lastTCPOptions.isMalformed)
        #expect(decoder.statistics.tcpOptionErrors == 1)
        #expect(decoder.statistics.malformed == 0)
    }

    @Test("unknown options of valid length are skipped, End of Option List stops the walk")
    func unknownOptions() {
        let decoder = PacketDecoder()
        let options: [UInt8] = [30, 6, 1, 2, 3, 4, 0, 2, 4, 0]  // MPTCP-like, EOL, then garbage after EOL
        let packet = B.ipv4(payload: B.tcp(options: options + [0, 0]))
        #expect(decoder.decode(packet, linkType: .raw) == .tcp(expectedSegment()))
        #expect(!decoder.lastTCPOptions.isMalformed)
        #expect(decoder.lastTCPOptions.maximumSegmentSize == nil)
    }

    @Test("impossible data offsets and short segments are malformed", arguments: [
        (B.ipv4(payload: B.tcp(dataOffsetWords: 4)), MalformedReason.tcpDataOffset),
        (B.ipv4(payload: B.tcp(dataOffsetWords: 0)), .tcpDataOffset),
        (B.ipv4(payload: B.tcp(dataOffsetWords: 15, payload: [1, 2, 3])), .tcpDataOffset),
        (B.ipv4(payload: Array(B.tcp(payload: []).prefix(19))), .tcpHeaderLength),
        (B.ipv4(payload: []), .tcpHeaderLength),
        (B.ipv6(payload: B.tcp(dataOffsetWords: 15, payload: [])), .tcpDataOffset),
    ])
    func malformed(_ packet: [UInt8], _ reason: MalformedReason) {
        let decoder = PacketDecoder()
        #expect(decoder.decode(packet, linkType: .raw) == .malformed(reason))
    }

    @Test("a data offset past the captured bytes but within the segment is truncation")
    func dataOffsetPastCapture() {
        let decoder = PacketDecoder()
        let packet = B.ipv4(payload: B.tcp(options: [UInt8](repeating: 1, count: 40), payload: []))
        let cut = Array(packet.prefix(50))
        #expect(decoder.decode(cut, linkType: .raw, originalLength: packet.count) == .truncated)
        #expect(decoder.statistics.truncated == 1)
    }
}
