import AnalyzerCore
@testable import PacketDecoding
import Testing
import TrafficSynthesis

private typealias B = PacketBuilder

/// Ethernet + IPv4 + TCP packets around the shape ``PlainTCPv4`` takes: without and with IP and
/// TCP options, with and without payload, DF set or not.
private func plainSeeds() -> [[UInt8]] {
    let tcps = [
        B.tcp(), B.tcp(payload: []), B.tcp(options: [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]),
        B.tcp(options: [2, 4, 5, 0xB4], payload: Array(repeating: 0x41, count: 300)),
    ]
    var packets: [[UInt8]] = []
    for tcp in tcps {
        packets.append(B.ethernet(B.ipv4(payload: tcp), etherType: 0x0800))
        packets.append(B.ethernet(B.ipv4(flagsAndOffset: 0, payload: tcp), etherType: 0x0800))
        packets.append(B.ethernet(B.ipv4(options: [1, 1, 1, 0], payload: tcp), etherType: 0x0800))
        packets.append(B.ethernet(B.ipv4(payload: tcp), etherType: 0x0800, tags: [0x8100]))
    }
    return packets
}

@Suite("The plain IPv4/TCP shortcut")
struct PlainTCPv4Tests {
    /// Decodes every packet with and without the shortcut and expects the same outcome, the same
    /// TCP options and the same counters; damaged packets (bytes changed in the headers, cut short,
    /// odd lengths on the wire) reach every check of the shortcut.
    @Test("gives what the general path gives, packet by packet")
    func sameAsGeneralPath() {
        var generator = SeededGenerator(seed: 0x7C9_4)
        let shortcut = PacketDecoder(findings: nil, plainShortcut: true)
        let general = PacketDecoder(findings: nil, plainShortcut: false)
        let seeds = plainSeeds()
        var taken = 0, declined = 0
        for round in 0..<20_000 {
            var bytes = seeds[round % seeds.count]
            if round % 5 != 0 {
                // Damage the headers (the first 70 bytes), sometimes the length fields alone.
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let position = [12, 13, 14, 16, 17, 20, 21, 23, 46, 47].randomElement(using: &generator)!
                    let index = Bool.random(using: &generator) ? position : Int.random(in: 0..<min(70, bytes.count), using: &generator)
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
                if Int.random(in: 0..<4, using: &generator) == 0 {
                    bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
                }
            }
            let originalLength: Int = switch Int.random(in: 0..<4, using: &generator) {
            case 0, 1: bytes.count
            case 2: bytes.count + Int.random(in: 1...2_000, using: &generator)
            default: Int.random(in: 0...bytes.count, using: &generator)
            }
            let time = CaptureTimestamp(seconds: 1_700_000_000 + Int64(round), nanoseconds: 0)
            let wouldTake = bytes.withUnsafeBytes { buffer in
                var options = TCPOptions()
                return PlainTCPv4.decode(FrameBytes(bytes: buffer, originalLength: originalLength),
                                         timestamp: time, options: &options) != nil
            }
            if wouldTake { taken += 1 } else { declined += 1 }
            let fast = shortcut.decode(bytes, linkType: .ethernet, originalLength: originalLength, time: time)
            let slow = general.decode(bytes, linkType: .ethernet, originalLength: originalLength, time: time)
            #expect(fast == slow, "round \(round): \(bytes.prefix(60))")
            if fast.segment != nil { #expect(shortcut.lastTCPOptions == general.lastTCPOptions, "round \(round)") }
            if fast != slow { break }
        }
        #expect(shortcut.statistics == general.statistics)
        // Both ways were exercised: the comparison is not between two general paths.
        #expect(taken > 2_000 && declined > 2_000, "taken \(taken), declined \(declined)")
    }
}
