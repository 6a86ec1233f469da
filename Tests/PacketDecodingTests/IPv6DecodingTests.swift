import AnalyzerCore
import PacketDecoding
import Testing

@Suite("IPv6")
struct IPv6DecodingTests {
    typealias B = PacketBuilder

    @Test("an extension-header chain is walked to TCP")
    func extensionChain() {
        let decoder = PacketDecoder()
        // Hop-by-Hop -> Destination Options -> Routing -> atomic Fragment -> AH -> Mobility -> Destination Options -> TCP
        let chain = B.extensionHeader(next: 60)
            + B.extensionHeader(next: 43, lengthField: 1)
            + B.extensionHeader(next: 44, lengthField: 2)
            + B.fragmentHeader(next: 51, offset: 0, more: false, identification: 7)
            + B.authenticationHeader(next: 135, lengthField: 4)
            + B.extensionHeader(next: 60)
            + B.extensionHeader(next: 6, lengthField: 3)
        let packet = B.ipv6(nextHeader: 0, payload: chain + B.tcp())
        #expect(decoder.decode(packet, linkType: .ipv6) == .tcp(expectedSegment(v6: true)))
        #expect(decoder.statistics.ipFragments == 0)
    }

    @Test("chains that end without TCP are not TCP", arguments: [
        B.ipv6(nextHeader: 59, payload: B.tcp()),
        B.ipv6(nextHeader: 59, payload: []),
        B.ipv6(nextHeader: 0, payload: B.extensionHeader(next: 59) + B.tcp()),
        B.ipv6(nextHeader: 60, payload: B.extensionHeader(next: 50) + [UInt8](repeating: 0x55, count: 40)),
        B.ipv6(nextHeader: 17, payload: [0, 53, 0, 53, 0, 8, 0, 0]),
        B.ipv6(nextHeader: 58, payload: [128, 0, 0, 0, 0, 1, 0, 1]),
    ])
    func notTCP(_ packet: [UInt8]) {
        let decoder = PacketDecoder()
        #expect(decoder.decode(packet, linkType: .raw) == .notTCP)
        #expect(decoder.statistics.nonTCP == 1)
    }

    @Test("inconsistent lengths and chains are malformed", arguments: [
        // Extension header length reaching past the payload.
        (B.ipv6(nextHeader: 0, payload: [6, 9, 0, 0, 0, 0, 0, 0] + B.tcp(payload: [])), MalformedReason.ipv6ExtensionChain),
        (B.ipv6(nextHeader: 51, payload: [6, 200] + B.tcp(payload: [])), .ipv6ExtensionChain),
        // Not even the two bytes of an extension header before the payload ends.
        (B.ipv6(nextHeader: 60, payload: [6]), .ipv6ExtensionChain),
        (B.ipv6(nextHeader: 44, payload: [6, 0, 0, 1]), .ipv6ExtensionChain),
        // A chain longer than the bound.
        (B.ipv6(nextHeader: 60, payload: (0..<20).flatMap { _ in B.extensionHeader(next: 60) } + B.tcp()),
         .ipv6ExtensionChain),
        // Jumbogram: payload length 0 with Hop-by-Hop.
        (B.ipv6(nextHeader: 0, payloadLength: 0, payload: B.extensionHeader(next: 6) + B.tcp()), .ipv6Jumbogram),
        // Payload length 0 with TCP: no room for a TCP header.
        (B.ipv6(nextHeader: 6, payloadLength: 0, payload: B.tcp()), .tcpHeaderLength),
        // Payload longer than the packet on the wire.
        (B.ipv6(payloadLength: 60_000, payload: B.tcp()), .ipv6PayloadLength),
        (Array(B.ipv6(payload: []).prefix(39)), .ipv6HeaderLength),
    ])
    func malformed(_ packet: [UInt8], _ reason: MalformedReason) {
        let decoder = PacketDecoder()
        #expect(decoder.decode(packet, linkType: .raw) == .malformed(reason))
    }

    @Test("the chain may contain exactly the bound of extension headers")
    func chainAtBound() {
        let decoder = PacketDecoder()
        let chain = (0..<15).flatMap { _ in B.extensionHeader(next: 60) } + B.extensionHeader(next: 6)
        let packet = B.ipv6(nextHeader: 60, payload: chain + B.tcp())
        #expect(decoder.decode(packet, linkType: .raw) == .tcp(expectedSegment(v6: true)))
    }
}
