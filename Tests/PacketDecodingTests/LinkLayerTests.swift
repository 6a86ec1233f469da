import AnalyzerCore
import PacketDecoding
import Testing

/// One way of framing an IP packet, for table-driven tests.
struct LinkCase: Sendable, CustomTestStringConvertible {
    var name: String
    var linkType: LinkType
    var isV6: Bool
    var wrap: @Sendable ([UInt8]) -> [UInt8]
    var testDescription: String { name }
}

let ipv4Packet = PacketBuilder.ipv4(payload: PacketBuilder.tcp())
let ipv6Packet = PacketBuilder.ipv6(payload: PacketBuilder.tcp())

let linkCases: [LinkCase] = [
    LinkCase(name: "Ethernet IPv4", linkType: .ethernet, isV6: false) { PacketBuilder.ethernet($0, etherType: 0x0800) },
    LinkCase(name: "Ethernet IPv6", linkType: .ethernet, isV6: true) { PacketBuilder.ethernet($0, etherType: 0x86DD) },
    LinkCase(name: "Ethernet 802.1Q IPv4", linkType: .ethernet, isV6: false) {
        PacketBuilder.ethernet($0, etherType: 0x0800, tags: [0x8100])
    },
    LinkCase(name: "Ethernet QinQ 88A8 IPv6", linkType: .ethernet, isV6: true) {
        PacketBuilder.ethernet($0, etherType: 0x86DD, tags: [0x88A8, 0x8100])
    },
    LinkCase(name: "Ethernet QinQ 9100 IPv4", linkType: .ethernet, isV6: false) {
        PacketBuilder.ethernet($0, etherType: 0x0800, tags: [0x9100, 0x8100])
    },
    LinkCase(name: "Ethernet 8 tags IPv4", linkType: .ethernet, isV6: false) {
        PacketBuilder.ethernet($0, etherType: 0x0800, tags: [UInt16](repeating: 0x8100, count: 8))
    },
    LinkCase(name: "SLL IPv4", linkType: .linuxSLL, isV6: false) { PacketBuilder.linuxCooked($0, protocolType: 0x0800) },
    LinkCase(name: "SLL IPv6", linkType: .linuxSLL, isV6: true) { PacketBuilder.linuxCooked($0, protocolType: 0x86DD) },
    LinkCase(name: "SLL 802.1Q IPv4", linkType: .linuxSLL, isV6: false) {
        PacketBuilder.linuxCooked(PacketBuilder.be16(100) + PacketBuilder.be16(0x0800) + $0, protocolType: 0x8100)
    },
    LinkCase(name: "SLL2 IPv4", linkType: .linuxSLL2, isV6: false) { PacketBuilder.linuxCookedV2($0, protocolType: 0x0800) },
    LinkCase(name: "SLL2 IPv6", linkType: .linuxSLL2, isV6: true) { PacketBuilder.linuxCookedV2($0, protocolType: 0x86DD) },
    LinkCase(name: "RAW(12) IPv4", linkType: .raw, isV6: false) { $0 },
    LinkCase(name: "RAW(12) IPv6", linkType: .raw, isV6: true) { $0 },
    LinkCase(name: "RAW(14) IPv4", linkType: .rawOpenBSD, isV6: false) { $0 },
    LinkCase(name: "RAW(14) IPv6", linkType: .rawOpenBSD, isV6: true) { $0 },
    LinkCase(name: "RAW(101) IPv4", linkType: .linktypeRaw, isV6: false) { $0 },
    LinkCase(name: "RAW(101) IPv6", linkType: .linktypeRaw, isV6: true) { $0 },
    LinkCase(name: "IPV4(228)", linkType: .ipv4, isV6: false) { $0 },
    LinkCase(name: "IPV6(229)", linkType: .ipv6, isV6: true) { $0 },
    LinkCase(name: "NULL LE AF_INET", linkType: .null, isV6: false) { PacketBuilder.null($0, family: 2, bigEndian: false) },
    LinkCase(name: "NULL BE AF_INET", linkType: .null, isV6: false) { PacketBuilder.null($0, family: 2, bigEndian: true) },
    LinkCase(name: "LOOP AF_INET", linkType: .loop, isV6: false) { PacketBuilder.loop($0, family: 2) },
] + [10, 24, 28, 30].flatMap { (family: UInt32) -> [LinkCase] in
    [
        LinkCase(name: "NULL LE AF_INET6=\(family)", linkType: .null, isV6: true) {
            PacketBuilder.null($0, family: family, bigEndian: false)
        },
        LinkCase(name: "NULL BE AF_INET6=\(family)", linkType: .null, isV6: true) {
            PacketBuilder.null($0, family: family, bigEndian: true)
        },
        LinkCase(name: "LOOP AF_INET6=\(family)", linkType: .loop, isV6: true) { PacketBuilder.loop($0, family: family) },
    ]
}

@Suite("Link layers")
struct LinkLayerTests {
    @Test("every supported link type yields the same TCP segment", arguments: linkCases)
    func decodesThroughLinkType(_ link: LinkCase) {
        let decoder = PacketDecoder()
        let frame = link.wrap(link.isV6 ? ipv6Packet : ipv4Packet)
        #expect(decoder.decode(frame, linkType: link.linkType) == .tcp(expectedSegment(v6: link.isV6)))
        #expect(decoder.statistics.tcpSegments == 1)
        #expect(decoder.statistics.outcomesAddUp)
    }

    @Test("the payload borrows the packet's bytes instead of copying them")
    func payloadIsBorrowed() {
        let decoder = PacketDecoder()
        let frame = PacketBuilder.ethernet(ipv4Packet, etherType: 0x0800)
        frame.withUnsafeBytes { buffer in
            let packet = CapturedPacket(timestamp: .zero, linkType: .ethernet, originalLength: frame.count, bytes: buffer)
            guard case .tcp(let segment) = decoder.decode(packet) else {
                Issue.record("expected a TCP segment")
                return
            }
            #expect(segment.payload.baseAddress == buffer.baseAddress! + (frame.count - PacketBuilder.payload.count))
        }
    }

    @Test("frames that carry no IP are not TCP and count as non-IP", arguments: [
        (LinkType.ethernet, PacketBuilder.ethernet([0, 1, 8, 0, 6, 4, 0, 1] + Array(repeating: 0, count: 20), etherType: 0x0806)),
        (LinkType.ethernet, PacketBuilder.ethernet(ipv4Packet, etherType: 0x05DC)),  // 802.3 length field
        (LinkType.ethernet, PacketBuilder.ethernet(ipv4Packet, etherType: 0x88CC, tags: [0x8100])),
        (LinkType.linuxSLL, PacketBuilder.linuxCooked(ipv4Packet, protocolType: 0x0004)),
        (LinkType.linuxSLL2, PacketBuilder.linuxCookedV2(ipv4Packet, protocolType: 0x0806)),
        (LinkType.null, PacketBuilder.null(ipv4Packet, family: 7, bigEndian: false)),
        (LinkType.null, PacketBuilder.null(ipv4Packet, family: 23, bigEndian: true)),
        (LinkType.loop, PacketBuilder.loop(ipv4Packet, family: 0x0200_0000)),  // little-endian 2 is not valid for LOOP
    ])
    func nonIP(_ linkType: LinkType, _ frame: [UInt8]) {
        let decoder = PacketDecoder()
        #expect(decoder.decode(frame, linkType: linkType) == .notTCP)
        #expect(decoder.statistics.nonIP == 1)
        #expect(decoder.statistics.nonTCP == 0)
    }

    @Test("unknown link types are reported as unsupported", arguments: [Int32(147), 162, 275, 1_000, -1])
    func unsupported(_ dlt: Int32) {
        let decoder = PacketDecoder()
        #expect(decoder.decode(ipv4Packet, linkType: LinkType(rawValue: dlt)) == .unsupportedLinkType)
        #expect(decoder.statistics.unsupportedLinkType == 1)
    }

    @Test("more VLAN tags than the bound are malformed")
    func tooManyTags() {
        let decoder = PacketDecoder()
        let frame = PacketBuilder.ethernet(ipv4Packet, etherType: 0x0800, tags: [UInt16](repeating: 0x8100, count: 9))
        #expect(decoder.decode(frame, linkType: .ethernet) == .malformed(.linkTagDepth))
    }

    @Test("raw IP with a version other than 4 or 6, or the wrong version for DLT 228/229, is malformed")
    func wrongVersion() {
        let decoder = PacketDecoder()
        let v5 = PacketBuilder.ipv4(version: 5, payload: PacketBuilder.tcp())
        #expect(decoder.decode(v5, linkType: .raw) == .malformed(.ipVersion))
        #expect(decoder.decode(ipv6Packet, linkType: .ipv4) == .malformed(.ipVersion))
        #expect(decoder.decode(ipv4Packet, linkType: .ipv6) == .malformed(.ipVersion))
        let mismatched = PacketBuilder.null(ipv6Packet, family: 2, bigEndian: false)
        #expect(decoder.decode(mismatched, linkType: .null) == .malformed(.ipVersion))
    }

    @Test("frames shorter on the wire than their link header are malformed, not truncated", arguments: [
        (LinkType.ethernet, 13), (.linuxSLL, 15), (.linuxSLL2, 19), (.null, 3), (.loop, 2), (.raw, 0),
    ])
    func runtFrames(_ linkType: LinkType, _ length: Int) {
        let decoder = PacketDecoder()
        #expect(decoder.decode([UInt8](repeating: 0, count: length), linkType: linkType) == .malformed(.linkHeaderLength))
    }
}
