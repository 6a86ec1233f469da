import AnalyzerCore
import Testing
import TrafficSynthesis

@Suite struct LinkEncapsulationTests {
    static let ip: [UInt8] = [0x45] + [UInt8](repeating: 0xEE, count: 59)  // long enough to need no padding
    static let sourceMAC: [UInt8] = [0x02, 0x00, 0xC0, 0x00, 0x02, 0x01]
    static let destinationMAC: [UInt8] = [0x02, 0x00, 0xC6, 0x33, 0x64, 0x02]

    struct Case: Sendable, CustomTestStringConvertible {
        var encapsulation: LinkEncapsulation
        var isIPv6: Bool
        var outgoing: Bool
        var linkType: UInt32
        var header: [UInt8]
        var testDescription: String { "\(encapsulation) v6=\(isIPv6) out=\(outgoing)" }
    }

    static let cases: [Case] = [
        Case(encapsulation: .ethernet(vlanTags: []), isIPv6: false, outgoing: true, linkType: 1,
             header: destinationMAC + sourceMAC + [0x08, 0x00]),
        Case(encapsulation: .ethernet(vlanTags: [100]), isIPv6: true, outgoing: true, linkType: 1,
             header: destinationMAC + sourceMAC + [0x81, 0x00, 0x00, 0x64, 0x86, 0xDD]),
        Case(encapsulation: .ethernet(vlanTags: [0x2064, 200]), isIPv6: false, outgoing: true, linkType: 1,
             header: destinationMAC + sourceMAC + [0x88, 0xA8, 0x20, 0x64, 0x81, 0x00, 0x00, 0xC8, 0x08, 0x00]),
        Case(encapsulation: .linuxSLL, isIPv6: false, outgoing: true, linkType: 113,
             header: [0, 4, 0, 1, 0, 6] + sourceMAC + [0, 0, 0x08, 0x00]),
        Case(encapsulation: .linuxSLL, isIPv6: true, outgoing: false, linkType: 113,
             header: [0, 0, 0, 1, 0, 6] + sourceMAC + [0, 0, 0x86, 0xDD]),
        Case(encapsulation: .linuxSLL2, isIPv6: false, outgoing: true, linkType: 276,
             header: [0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6] + sourceMAC + [0, 0]),
        Case(encapsulation: .linuxSLL2, isIPv6: true, outgoing: false, linkType: 276,
             header: [0x86, 0xDD, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6] + sourceMAC + [0, 0]),
        Case(encapsulation: .raw, isIPv6: false, outgoing: true, linkType: 101, header: []),
        Case(encapsulation: .null(.big), isIPv6: false, outgoing: true, linkType: 0, header: [0, 0, 0, 2]),
        Case(encapsulation: .null(.big), isIPv6: true, outgoing: true, linkType: 0, header: [0, 0, 0, 24]),
        Case(encapsulation: .null(.little), isIPv6: false, outgoing: true, linkType: 0, header: [2, 0, 0, 0]),
        Case(encapsulation: .null(.little), isIPv6: true, outgoing: true, linkType: 0, header: [30, 0, 0, 0]),
        Case(encapsulation: .loop, isIPv6: false, outgoing: true, linkType: 108, header: [0, 0, 0, 2]),
        Case(encapsulation: .loop, isIPv6: true, outgoing: true, linkType: 108, header: [0, 0, 0, 24]),
    ]

    @Test(arguments: cases)
    func headerBytesAndLinkType(_ testCase: Case) {
        let frame = testCase.encapsulation.frame(
            ipPacket: Self.ip, isIPv6: testCase.isIPv6, from: Fixtures.clientV4.address,
            to: Fixtures.serverV4.address, outgoing: testCase.outgoing
        )
        #expect(frame == testCase.header + Self.ip)
        #expect(testCase.encapsulation.linkTypeValue == testCase.linkType)
        #expect(testCase.encapsulation.headerLength == testCase.header.count)
    }

    @Test func allCasesCoverEveryKind() {
        let all = LinkEncapsulation.allCases
        #expect(Set(all).count == all.count)
        #expect(Set(all.map(\.linkTypeValue)) == [0, 1, 101, 108, 113, 276])
        #expect(all.contains(.ethernet(vlanTags: [])))
        #expect(all.contains { if case .ethernet(let tags) = $0 { tags.count == 1 } else { false } })
        #expect(all.contains { if case .ethernet(let tags) = $0 { tags.count == 2 } else { false } })
        #expect(all.contains(.null(.big)) && all.contains(.null(.little)))
    }

    @Test func receivedShortEthernetFramesArePaddedOutgoingOnesAreNot() {
        let short: [UInt8] = [0x45] + [UInt8](repeating: 1, count: 39)
        let received = LinkEncapsulation.ethernet(vlanTags: []).frame(
            ipPacket: short, isIPv6: false, from: Fixtures.serverV4.address, to: Fixtures.clientV4.address,
            outgoing: false)
        let sent = LinkEncapsulation.ethernet(vlanTags: []).frame(
            ipPacket: short, isIPv6: false, from: Fixtures.clientV4.address, to: Fixtures.serverV4.address)
        #expect(received.count == 60)
        #expect(received[54...].allSatisfy { $0 == 0 })
        #expect(sent.count == 54)
    }

    @Test func macAddressesAreStableLocalUnicastAndDistinct() {
        let v6a = LinkEncapsulation.macAddress(for: Fixtures.clientV6.address)
        let v6b = LinkEncapsulation.macAddress(for: Fixtures.serverV6.address)
        #expect(v6a == LinkEncapsulation.macAddress(for: Fixtures.clientV6.address))
        #expect(v6a != v6b)
        #expect(v6a.count == 6 && v6a[0] == 0x02)
        #expect(LinkEncapsulation.macAddress(for: .v4(0x0A01_0203)) == [0x02, 0x00, 0x0A, 0x01, 0x02, 0x03])
    }
}
