import AnalyzerCore
import Testing
import TrafficSynthesis

@Suite struct FragmentationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var ipv6: Bool
        var payloadLength: Int
        var limit: Int
        var withHeaders: Bool
        var testDescription: String { "\(ipv6 ? "v6" : "v4") payload \(payloadLength) limit \(limit) ext \(withHeaders)" }
    }

    static let cases: [Case] = [
        Case(ipv6: false, payloadLength: 3_000, limit: 1_480, withHeaders: false),
        Case(ipv6: false, payloadLength: 3_000, limit: 1_000, withHeaders: true),  // 1000 = 125 * 8
        Case(ipv6: false, payloadLength: 100, limit: 13, withHeaders: true),  // rounded down to 8
        Case(ipv6: false, payloadLength: 65, limit: 64, withHeaders: false),  // last fragment of 1 byte
        Case(ipv6: true, payloadLength: 3_000, limit: 1_232, withHeaders: false),
        Case(ipv6: true, payloadLength: 3_000, limit: 500, withHeaders: true),
        Case(ipv6: true, payloadLength: 77, limit: 8, withHeaders: true),
    ]

    /// Record Route with one empty slot (type 7: not copied), a NOP, then an option whose type 0x82
    /// has the copied bit, so that only the latter is repeated in later fragments.
    static let v4Options: [UInt8] = [0x07, 0x07, 0x04, 0, 0, 0, 0, 0x01, 0x82, 0x04, 0xAB, 0xCD]

    static func packet(_ testCase: Case) -> (packet: [UInt8], upper: [UInt8]) {
        let upper = Fixtures.bytes(testCase.payloadLength, seed: UInt64(testCase.payloadLength))
        if testCase.ipv6 {
            let headers: [IPv6ExtensionHeader] = testCase.withHeaders
                ? [.hopByHopOptions(), .destinationOptions(), .routing(), .destinationOptions([0x1E, 1, 9])] : []
            return (IPPacketBuilder.ipv6(source: Fixtures.clientV6.address, destination: Fixtures.serverV6.address,
                                         nextHeader: 17, payload: upper, extensionHeaders: headers), upper)
        }
        return (IPPacketBuilder.ipv4(source: 0x0A00_0001, destination: 0x0A00_0002, protocolNumber: 17, payload: upper,
                                     identification: 99, options: testCase.withHeaders ? v4Options : []), upper)
    }

    @Test(arguments: cases)
    func fragmentsRespectTheLimitAndReassembleToTheOriginal(_ testCase: Case) {
        let (packet, upper) = Self.packet(testCase)
        let fragments = IPPacketBuilder.fragment(packet, maxFragmentPayload: testCase.limit, identification: 0xBEEF_0042)
        let unit = max(8, testCase.limit / 8 * 8)
        #expect(fragments.count == (Self.fragmentablePart(packet, testCase).count + unit - 1) / unit)
        var reassembled: [UInt8] = []
        for (index, fragment) in fragments.enumerated() {
            guard let datagram = TestDecoder.datagram(fragment) else {
                Issue.record("fragment \(index) undecodable")
                return
            }
            let isLast = index == fragments.count - 1
            #expect(datagram.isFragment)
            #expect(datagram.payload.count <= unit)
            #expect(datagram.fragmentOffset % 8 == 0)
            #expect(datagram.fragmentOffset == reassembled.count)
            #expect(datagram.moreFragments == !isLast)
            #expect(datagram.identification == (testCase.ipv6 ? 0xBEEF_0042 : 0x0042))
            if testCase.ipv6 {
                // Per-fragment headers (Hop-by-Hop, the Destination Options before Routing, Routing)
                // precede the Fragment header in every fragment.
                #expect(datagram.extensionHeaderTypes == (testCase.withHeaders ? [0, 60, 43, 44] : [44]))
            } else {
                #expect(datagram.ipv4HeaderValid == true)
                #expect(!datagram.ipv4DontFragment)
                #expect(datagram.ipv4Options == (!testCase.withHeaders ? [] : index == 0 ? Self.v4Options
                    : [0x82, 0x04, 0xAB, 0xCD]))
            }
            reassembled += datagram.payload
        }
        if testCase.ipv6 {
            let (next, rest) = TestDecoder.skipExtensionHeaders(
                TestDecoder.datagram(fragments[0])!.nextHeader, reassembled) ?? (0, [])
            #expect(next == 17)
            expectSameBytes(rest, upper)
        } else {
            expectSameBytes(reassembled, upper)
        }
    }

    static func fragmentablePart(_ packet: [UInt8], _ testCase: Case) -> [UInt8] {
        if !testCase.ipv6 { return Array(packet[(Int(packet[0] & 0x0F) * 4)...]) }
        // Fixed header plus, with headers, Hop-by-Hop (8), Destination Options (8) and Routing (8).
        return Array(packet[(40 + (testCase.withHeaders ? 24 : 0))...])
    }

    @Test(arguments: [false, true])
    func aPacketThatFitsIsReturnedUnchanged(ipv6: Bool) {
        let (packet, _) = Self.packet(Case(ipv6: ipv6, payloadLength: 800, limit: 800, withHeaders: false))
        #expect(IPPacketBuilder.fragment(packet, maxFragmentPayload: 800, identification: 1) == [packet])
        #expect(IPPacketBuilder.fragment([0x12, 0x34], maxFragmentPayload: 8, identification: 1) == [[0x12, 0x34]])
    }
}
