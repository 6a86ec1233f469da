import TrafficSynthesis
import AnalyzerCore
import PacketDecoding
import Testing

private typealias B = PacketBuilder

private let allLinkTypes: [LinkType] = [
    .null, .ethernet, .raw, .rawOpenBSD, .linktypeRaw, .loop, .linuxSLL, .ipv4, .ipv6, .linuxSLL2, LinkType(rawValue: 147),
]

/// Valid seeds to mutate, so that random damage reaches the deeper layers, fragments included.
private func seeds(for linkType: LinkType) -> [[UInt8]] {
    let tcp = B.tcp(options: [2, 4, 5, 0xB4, 1, 3, 3, 7])
    let v4 = B.ipv4(options: [1, 1, 1, 0], payload: tcp)
    let v6 = B.ipv6(nextHeader: 0, payload: B.extensionHeader(next: 51) + B.authenticationHeader(next: 6) + tcp)
    let v4Fragments = B.split(tcp, size: 16).map { B.ipv4Fragment(offset: $0.offset, bytes: $0.bytes, isLast: $0.isLast) }
    let v6Fragments = B.split(tcp, size: 16).map { B.ipv6Fragment(offset: $0.offset, bytes: $0.bytes, isLast: $0.isLast) }
    // Whole packets three times over, so that about half the mutated seeds are not fragments.
    let whole = [(v4, false), (v6, true)]
    let packets = whole + whole + whole + v4Fragments.map { ($0, false) } + v6Fragments.map { ($0, true) }
    return packets.map { B.frame($0.0, isV6: $0.1, linkType: linkType) }
}

@Suite("Hostile input")
struct RandomInputTests {
    @Test("random bytes never trap and every packet is counted once", arguments: allLinkTypes)
    func randomBytes(_ linkType: LinkType) {
        var generator = SeededGenerator(seed: UInt64(bitPattern: Int64(linkType.rawValue)) &+ 0xB175)
        var limits = Limits.IPFragments()
        limits.maxDatagramsInProgress = 8
        limits.maxBytesHeld = 4_096
        limits.maxFragmentsPerDatagram = 6
        let decoder = PacketDecoder(limits: limits, findings: FindingCollector())
        let valid = seeds(for: linkType)
        var time = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0)
        for round in 0..<4_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                let count = Int.random(in: 0..<160, using: &generator)
                bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                bytes = valid.randomElement(using: &generator)!
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if Bool.random(using: &generator) {
                    bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
                }
            }
            // Original lengths: as captured, longer (a snapshot length), absurd, or (wrongly) shorter.
            let originalLength: Int = switch Int.random(in: 0..<4, using: &generator) {
            case 0: bytes.count
            case 1: bytes.count + Int.random(in: 1...2_000, using: &generator)
            case 2: Int.max
            default: Int.random(in: Int.min...bytes.count, using: &generator)
            }
            time = time.adding(seconds: Int64.random(in: -1...3, using: &generator))
            let outcome = decoder.decode(bytes, linkType: linkType, originalLength: originalLength, time: time)
            if case .tcp(let segment) = outcome {
                #expect(segment.payload.count <= segment.payloadLength)
            }
        }
        let statistics = decoder.statistics
        #expect(statistics.packets == 4_000)
        #expect(statistics.outcomesAddUp)
        #expect(decoder.fragmentDatagramsInProgress <= 8)
        #expect(decoder.fragmentBytesHeld <= 4_096)
        if linkType.rawValue == 147 {
            #expect(statistics.unsupportedLinkType == 4_000)
        } else {
            // The mutated seeds must reach TCP decoding, or this test would prove little.
            #expect(statistics.tcpSegments > 100)
            #expect(statistics.ipFragments > 100)
        }
    }
}
