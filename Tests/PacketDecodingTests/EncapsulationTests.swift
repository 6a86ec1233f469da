import AnalyzerCore
import PacketDecoding
import Testing
import TrafficSynthesis

private typealias B = PacketBuilder

/// One catalogue stack around the default test segment, IPv4 or IPv6 inside.
struct TunnelFrame: Sendable, CustomTestStringConvertible {
    var stack: EncapsulationStack
    var isV6: Bool
    var testDescription: String { "\(stack.name) \(isV6 ? "IPv6" : "IPv4")" }

    var linkType: LinkType { LinkType(rawValue: Int32(stack.linkTypeValue)) }

    var bytes: [UInt8] {
        let inner = isV6 ? B.ipv6(payload: B.tcp()) : B.ipv4(payload: B.tcp())
        return stack.frame(ipPacket: inner, isIPv6: isV6, from: .v4(0xC000_0201), to: .v4(0xC633_6402))
    }

    /// Bytes before the TCP payload (padding or an FCS may follow it).
    var headerBytes: Int {
        let bytes = bytes
        return (0...(bytes.count - B.payload.count)).first { bytes[$0..<($0 + B.payload.count)].elementsEqual(B.payload) }!
    }

    static let all: [TunnelFrame] = EncapsulationStack.catalog.flatMap {
        [TunnelFrame(stack: $0, isV6: false), TunnelFrame(stack: $0, isV6: true)]
    }
}

@Suite("Encapsulations")
struct EncapsulationTests {
    @Test("every tunnel and link framing yields the innermost TCP segment", arguments: TunnelFrame.all)
    func decodesInnermost(_ frame: TunnelFrame) {
        let decoder = PacketDecoder()
        #expect(decoder.decode(frame.bytes, linkType: frame.linkType) == .tcp(expectedSegment(v6: frame.isV6)))
        #expect(decoder.statistics.tcpSegments == 1)
        #expect(decoder.statistics.undecodedEncapsulations.isEmpty)
    }

    @Test("a tunnelled frame cut at every length is truncated in the headers and never traps",
          arguments: TunnelFrame.all)
    func cutEverywhere(_ frame: TunnelFrame) {
        let decoder = PacketDecoder()
        let bytes = frame.bytes
        let headerBytes = frame.headerBytes
        for cut in 0...bytes.count {
            let outcome = decoder.decode(Array(bytes.prefix(cut)), linkType: frame.linkType, originalLength: bytes.count)
            if cut < headerBytes {
                #expect(outcome == .truncated, "cut at \(cut)")
            } else {
                let payload = Array(B.payload.prefix(cut - headerBytes))
                let expected = expectedSegment(v6: frame.isV6, payload: payload, payloadLength: B.payload.count)
                #expect(outcome == .tcp(expected), "cut at \(cut)")
            }
            // The same bytes as the whole packet on the wire: shorter than the headers say.
            _ = decoder.decode(Array(bytes.prefix(cut)), linkType: frame.linkType)
        }
        #expect(decoder.statistics.outcomesAddUp)
    }

    @Test("IP in IP nests up to the depth limit; one more layer is malformed")
    func depthLimit() {
        var packet = B.ipv4(payload: B.tcp())
        for _ in 1..<Encapsulation.maxDepth { packet = B.ipv4(protocolNumber: 4, payload: packet) }
        let decoder = PacketDecoder()
        #expect(decoder.decode(packet, linkType: .raw) == .tcp(expectedSegment()))
        let deeper = B.ipv4(protocolNumber: 41, payload: B.ipv6(nextHeader: 4, payload: packet))
        #expect(decoder.decode(deeper, linkType: .raw) == .malformed(.encapsulationDepth))
        #expect(decoder.statistics.malformed == 1)
    }

    @Test("a fragmented outer tunnel packet is reassembled, then decoded to the inner segment")
    func fragmentedOuterTunnel() {
        let gre = [UInt8](arrayLiteral: 0, 0, 0x08, 0x00) + B.ipv4(payload: B.tcp())
        let first = B.ipv4(protocolNumber: 47, identification: 77, flagsAndOffset: 0x2000, payload: Array(gre[0..<24]))
        let second = B.ipv4(protocolNumber: 47, identification: 77, flagsAndOffset: 3, payload: Array(gre[24...]))
        let decoder = PacketDecoder()
        #expect(decoder.decode(B.ethernet(first, etherType: 0x0800), linkType: .ethernet) == .fragmentHeld)
        #expect(decoder.decode(B.ethernet(second, etherType: 0x0800), linkType: .ethernet) == .tcp(expectedSegment()))
        #expect(decoder.statistics.datagramsReassembled == 1)
    }

    /// An IPv4 GRE packet whose GRE header and body are `gre`.
    static func greFrame(_ gre: [UInt8]) -> [UInt8] { B.ipv4(protocolNumber: 47, payload: gre) }

    static let undecodable: [(String, LinkType, [UInt8], String)] = {
        let inner = B.ipv4(payload: B.tcp())
        let ethernetInner = B.ethernet(inner, etherType: 0x0800)
        let protected = EncapsulationStack("wifi-protected", [.wifi(WifiFraming(radio: .radiotap(fcs: false),
                                                                              protected: true))])
        let geneve = B.be16(49_152) + B.be16(6081) + B.be16(UInt16(16 + inner.count)) + [0, 0]
            + [0, 0] + B.be16(0x1234) + [0, 0, 9, 0] + inner
        return [
            ("GRE PPP (PPTP)", .raw, greFrame([0x30, 0x01, 0x88, 0x0B, 0, 0, 0, 0, 0, 0, 0, 1] + inner),
             "GRE version 1"),
            ("GRE unknown protocol", .raw, greFrame([0, 0, 0x88, 0x0B] + inner), "GRE protocol 0x880B"),
            ("GRE routing", .raw, greFrame([0x40, 0, 0x08, 0x00] + inner), "GRE with routing (RFC 1701)"),
            ("ERSPAN II bad version", .raw, greFrame([0x10, 0, 0x88, 0xBE, 0, 0, 0, 1, 0x30, 0, 0, 1, 0, 0, 0, 0]
                                                      + ethernetInner), "ERSPAN version 3"),
            ("ERSPAN III frame type 2", .raw, greFrame([0x10, 0, 0x22, 0xEB, 0, 0, 0, 1, 0x20, 0, 0, 1,
                                                        0, 0, 0, 0, 0, 0, 0x08, 0] + inner), "ERSPAN frame type 2"),
            ("GENEVE unknown protocol", .raw, B.ipv4(protocolNumber: 17, payload: geneve), "GENEVE protocol 0x1234"),
            ("MPLS unknown payload", .ethernet, B.ethernet([0, 0, 0x11, 64, 0x90] + inner, etherType: 0x8847),
             "MPLS payload starting with nibble 9"),
            ("802.11 protected", .ieee80211Radiotap,
             protected.frame(ipPacket: inner, isIPv6: false, from: .v4(1), to: .v4(2)), "802.11 encrypted"),
            ("NFLOG bridge family", .nflog, [7, 0, 0, 0, 8, 0, 9, 0, 0, 0, 0, 0], "NFLOG family 7"),
            ("NFLOG without payload", .nflog, [2, 0, 0, 0, 8, 0, 1, 0, 8, 0, 0, 0], "NFLOG without payload"),
            ("PPI of another link type", .ppi, [0, 0, 8, 0, 147, 0, 0, 0] + inner, "PPI link type 147"),
            ("unknown link type", LinkType(rawValue: 147), inner, "link type 147"),
        ]
    }()

    @Test("tunnels and links that cannot be opened are undecoded, named and counted")
    func undecoded() {
        for (name, linkType, bytes, description) in Self.undecodable {
            let decoder = PacketDecoder()
            let outcome = decoder.decode(bytes, linkType: linkType)
            if linkType.rawValue == 147 {
                #expect(outcome == .unsupportedLinkType, "\(name)")
            } else {
                guard case .undecoded(let what) = outcome else {
                    Issue.record("\(name): \(outcome)")
                    continue
                }
                #expect(what.description == description, "\(name)")
                #expect(decoder.statistics.undecoded == 1, "\(name)")
            }
            #expect(decoder.statistics.undecodedEncapsulations.summary == "\(description): 1 packet", "\(name)")
            #expect(decoder.statistics.outcomesAddUp, "\(name)")
        }
    }

    @Test("the undecoded table keeps eight kinds and lumps the rest into other")
    func tableOverflow() {
        let decoder = PacketDecoder()
        let inner = B.ipv4(payload: B.tcp())
        for type in UInt16(0x9000)..<0x900A {
            _ = decoder.decode(Self.greFrame([0, 0] + B.be16(type) + inner), linkType: .raw)
            _ = decoder.decode(Self.greFrame([0, 0] + B.be16(type) + inner), linkType: .raw)
        }
        let table = decoder.statistics.undecodedEncapsulations
        #expect(table.rows.count == UndecodedTable.capacity)
        #expect(table.rows.allSatisfy { $0.packets == 2 })
        #expect(table.otherPackets == 4)
        #expect(table.totalPackets == 20)
        #expect(table.summary.hasPrefix("GRE protocol 0x9000: 2 packets; GRE protocol 0x9001: 2 packets"))
        #expect(table.summary.hasSuffix("; other: 4 packets"))
    }

    @Test("non-IP payloads of known framings are ordinary non-IP traffic, not undecoded")
    func nonIPIsNotUndecoded() {
        let decoder = PacketDecoder()
        let arp = B.ethernet([UInt8](repeating: 1, count: 28), etherType: 0x0806)
        let vxlanARP = B.be16(49_152) + B.be16(4789) + B.be16(UInt16(16 + arp.count)) + [0, 0]
            + [0x08, 0, 0, 0, 0, 0, 1, 0] + arp
        #expect(decoder.decode(B.ipv4(protocolNumber: 17, payload: vxlanARP), linkType: .raw) == .notTCP)
        let otherUDP = B.be16(49_152) + B.be16(53) + B.be16(12) + [0, 0, 1, 2, 3, 4]
        #expect(decoder.decode(B.ipv4(protocolNumber: 17, payload: otherUDP), linkType: .raw) == .notTCP)
        #expect(decoder.decode([0xFF, 0x03, 0xC0, 0x21, 1, 1, 0, 4], linkType: .ppp) == .notTCP)  // LCP
        let stp: [UInt8] = [0x42, 0x42, 0x03, 0, 0, 0, 0, 0]  // an LLC frame that is not SNAP
        #expect(decoder.decode([0x08, 0x02] + [UInt8](repeating: 0, count: 22) + stp, linkType: .ieee80211) == .notTCP)
        #expect(decoder.decode([0x80, 0x00] + [UInt8](repeating: 0, count: 30), linkType: .ieee80211) == .notTCP)
        #expect(decoder.statistics.nonIP == 4)
        #expect(decoder.statistics.nonTCP == 1)
        #expect(decoder.statistics.undecodedEncapsulations.isEmpty)
    }

    @Test("IPv4 total length 0 on TCP is an offloaded segment running to the end of the frame")
    func offloadedSegment() {
        let decoder = PacketDecoder()
        let packet = B.ipv4(totalLength: 0, payload: B.tcp())
        #expect(decoder.decode(B.ethernet(packet, etherType: 0x0800), linkType: .ethernet)
                == .tcp(expectedSegment()))
        #expect(decoder.statistics.offloadedSegments == 1)
        // Only TCP, and only whole datagrams: a zero length elsewhere is still malformed.
        #expect(decoder.decode(B.ipv4(protocolNumber: 17, totalLength: 0, payload: B.tcp()), linkType: .raw)
                == .malformed(.ipv4TotalLength))
        #expect(decoder.decode(B.ipv4(flagsAndOffset: 0x2000, totalLength: 0, payload: B.tcp()), linkType: .raw)
                == .malformed(.ipv4TotalLength))
        // Inside a tunnel the inner packet runs to the end of the outer one.
        let tunnelled = B.ipv4(protocolNumber: 4, payload: packet)
        #expect(decoder.decode(tunnelled, linkType: .raw) == .tcp(expectedSegment()))
        #expect(decoder.statistics.offloadedSegments == 2)
        // A record claiming an absurd wire length: the segment is bounded, the rest uncaptured.
        let absurd = decoder.decode(packet, linkType: .raw, originalLength: Int.max)
        #expect(absurd.segment?.payloadLength == 262_144 - 40)
        #expect(absurd.segment?.payload == B.payload)
    }
}

@Suite("Hostile tunnels")
struct TunnelRandomInputTests {
    @Test("random damage to tunnelled frames never traps and every packet is counted once",
          arguments: EncapsulationStack.catalog)
    func randomDamage(_ stack: EncapsulationStack) {
        var generator = SeededGenerator(seed: UInt64(stack.name.utf8.count) &* 0x9E37 &+ UInt64(stack.layers.count))
        let linkType = LinkType(rawValue: Int32(stack.linkTypeValue))
        let tcp = B.tcp(options: [2, 4, 5, 0xB4, 1, 3, 3, 7])
        let inner = [(B.ipv4(payload: tcp), false), (B.ipv6(payload: tcp), true)]
            + B.split(tcp, size: 16).map { (B.ipv4Fragment(offset: $0.offset, bytes: $0.bytes, isLast: $0.isLast), false) }
        let valid = inner.map { stack.frame(ipPacket: $0.0, isIPv6: $0.1, from: .v4(1), to: .v4(2)) }
        let decoder = PacketDecoder(findings: FindingCollector())
        for _ in 0..<2_000 {
            var bytes = valid.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator))) }
            let originalLength: Int = switch Int.random(in: 0..<4, using: &generator) {
            case 0: bytes.count
            case 1: bytes.count + Int.random(in: 1...2_000, using: &generator)
            case 2: Int.max
            default: Int.random(in: Int.min...bytes.count, using: &generator)
            }
            if case .tcp(let segment) = decoder.decode(bytes, linkType: linkType, originalLength: originalLength) {
                #expect(segment.payload.count <= segment.payloadLength)
                #expect(segment.payloadLength <= 262_144)
            }
        }
        #expect(decoder.statistics.packets == 2_000)
        #expect(decoder.statistics.outcomesAddUp)
        // The damage must leave many packets decodable, or this test would prove little.
        #expect(decoder.statistics.tcpSegments > 100, "\(stack)")
    }
}
