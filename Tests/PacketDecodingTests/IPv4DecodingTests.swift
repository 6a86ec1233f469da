import AnalyzerCore
import PacketDecoding
import Testing

@Suite("IPv4")
struct IPv4DecodingTests {
    @Test("header options are skipped", arguments: [4, 12, 40])
    func options(_ optionBytes: Int) {
        let decoder = PacketDecoder()
        // Record Route-like filler: NOPs then End of Options; contents are not interpreted.
        let options = [UInt8](repeating: 1, count: optionBytes - 1) + [0]
        let packet = PacketBuilder.ipv4(options: options, payload: PacketBuilder.tcp())
        #expect(decoder.decode(packet, linkType: .raw) == .tcp(expectedSegment()))
    }

    @Test("bytes after the total length (Ethernet padding, FCS) are ignored")
    func padding() {
        let decoder = PacketDecoder()
        let packet = PacketBuilder.ipv4(payload: PacketBuilder.tcp(payload: [0x41]))
        let frame = PacketBuilder.ethernet(packet, etherType: 0x0800) + [UInt8](repeating: 0xEE, count: 20)
        #expect(decoder.decode(frame, linkType: .ethernet) == .tcp(expectedSegment(payload: [0x41])))
        let empty = PacketBuilder.ethernet(PacketBuilder.ipv4(payload: PacketBuilder.tcp(payload: [])), etherType: 0x0800)
        #expect(decoder.decode(empty + [0, 0, 0, 0, 0, 0], linkType: .ethernet) == .tcp(expectedSegment(payload: [])))
    }

    @Test("protocols other than TCP and the tunnels are not TCP", arguments: [UInt8(1), 17, 50, 58, 132])
    func otherProtocols(_ protocolNumber: UInt8) {
        let decoder = PacketDecoder()
        let packet = PacketBuilder.ipv4(protocolNumber: protocolNumber, payload: PacketBuilder.tcp())
        #expect(decoder.decode(packet, linkType: .ipv4) == .notTCP)
        #expect(decoder.statistics.nonTCP == 1)
        #expect(decoder.statistics.nonIP == 0)
    }

    @Test("inconsistent header and total lengths are malformed", arguments: [
        // Header length below 5 words.
        (PacketBuilder.ipv4(headerWords: 4, payload: PacketBuilder.tcp()), MalformedReason.ipv4HeaderLength),
        (PacketBuilder.ipv4(headerWords: 0, payload: PacketBuilder.tcp()), .ipv4HeaderLength),
        // Total length shorter than the header (options included).
        (PacketBuilder.ipv4(totalLength: 19, payload: PacketBuilder.tcp()), .ipv4TotalLength),
        (PacketBuilder.ipv4(options: [1, 1, 1, 0], totalLength: 20, payload: PacketBuilder.tcp()), .ipv4TotalLength),
        // Total length longer than the packet was on the wire.
        (PacketBuilder.ipv4(totalLength: 20 + 20 + PacketBuilder.payload.count + 1, payload: PacketBuilder.tcp()),
         .ipv4TotalLength),
        (PacketBuilder.ipv4(totalLength: 65_535, payload: PacketBuilder.tcp()), .ipv4TotalLength),
        // Too short for an IPv4 header on the wire.
        (Array(PacketBuilder.ipv4(payload: []).prefix(19)), .ipv4HeaderLength),
    ])
    func malformedLengths(_ packet: [UInt8], _ reason: MalformedReason) {
        let decoder = PacketDecoder()
        #expect(decoder.decode(packet, linkType: .raw) == .malformed(reason))
        #expect(decoder.statistics.malformed == 1)
    }

    @Test("a total length beyond the capture but within the wire length is a truncated payload")
    func totalLengthBeyondCapture() {
        let decoder = PacketDecoder()
        let packet = PacketBuilder.ipv4(payload: PacketBuilder.tcp())
        let cut = Array(packet.prefix(packet.count - 10))
        let expected = expectedSegment(
            payload: Array(PacketBuilder.payload.dropLast(10)), payloadLength: PacketBuilder.payload.count
        )
        #expect(decoder.decode(cut, linkType: .raw, originalLength: packet.count) == .tcp(expected))
        #expect(decoder.statistics.truncated == 1)
        #expect(decoder.statistics.truncatedPayloads == 1)
        #expect(decoder.statistics.malformed == 0)
    }
}
