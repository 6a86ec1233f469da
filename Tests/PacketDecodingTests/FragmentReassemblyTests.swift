import TrafficSynthesis
import AnalyzerCore
import PacketDecoding
import Testing

private typealias B = PacketBuilder

/// A long TCP payload so that datagrams split into many fragments.
private let longPayload: [UInt8] = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
private let longTCP = B.tcp(payload: longPayload)
private let reference = expectedSegment(payload: longPayload)
private let referenceV6 = expectedSegment(v6: true, payload: longPayload)

/// Fragment packets of one datagram, as (link-less) raw IP packets.
private func v4Fragments(size: Int = 64, options: [UInt8] = []) -> [[UInt8]] {
    B.split(longTCP, size: size).map {
        B.ipv4Fragment(offset: $0.offset, bytes: $0.bytes, isLast: $0.isLast, options: options)
    }
}

private func v6Fragments(size: Int = 64, hopByHop: Bool = false) -> [[UInt8]] {
    B.split(longTCP, size: size).map {
        B.ipv6Fragment(offset: $0.offset, bytes: $0.bytes, isLast: $0.isLast, hopByHop: hopByHop)
    }
}

private let zeros = [UInt8](repeating: 0, count: 8)

/// Feeds packets in order; expects exactly the last one to complete the datagram, and returns its outcome.
private func feed(_ decoder: PacketDecoder, _ packets: [[UInt8]], linkType: LinkType = .raw) -> Outcome? {
    var completed: Outcome?
    for (index, packet) in packets.enumerated() {
        let outcome = decoder.decode(packet, linkType: linkType)
        if index < packets.count - 1 {
            #expect(outcome == .fragmentHeld, "fragment \(index) of \(packets.count)")
        } else {
            completed = outcome
        }
    }
    return completed
}

@Suite("IP fragment reassembly")
struct FragmentReassemblyTests {
    @Test("IPv4 fragments in order, reversed and shuffled give the unfragmented segment", arguments: [0, 1, 2, 3, 4, 5])
    func ipv4Orders(_ order: Int) {
        var fragments = v4Fragments()
        if order == 1 { fragments.reverse() }
        if order >= 2 {
            var generator = SeededGenerator(seed: UInt64(order))
            fragments.shuffle(using: &generator)
        }
        let decoder = PacketDecoder()
        #expect(feed(decoder, fragments) == .tcp(reference))
        #expect(decoder.statistics.datagramsReassembled == 1)
        #expect(decoder.statistics.ipFragments == fragments.count)
        #expect(decoder.statistics.fragmentsHeld == fragments.count - 1)
        #expect(decoder.fragmentDatagramsInProgress == 0)
        #expect(decoder.fragmentBytesHeld == 0)
        #expect(decoder.statistics.outcomesAddUp)
    }

    @Test("IPv6 fragments, with or without a Hop-by-Hop header before the Fragment header", arguments: [false, true])
    func ipv6(_ hopByHop: Bool) {
        var fragments = v6Fragments(size: 72, hopByHop: hopByHop)
        var generator = SeededGenerator(seed: 99)
        fragments.shuffle(using: &generator)
        let decoder = PacketDecoder()
        #expect(feed(decoder, fragments) == .tcp(referenceV6))
    }

    @Test("fragments through a link layer; the reassembled payload stays valid until the next decode")
    func throughEthernet() {
        let decoder = PacketDecoder()
        let frames = v4Fragments(options: [1, 1, 1, 0]).map { B.ethernet($0, etherType: 0x0800, tags: [0x8100]) }
        #expect(feed(decoder, frames, linkType: .ethernet) == .tcp(reference))
    }

    @Test("duplicates and consistent overlaps give the identical datagram", arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func duplicatesAndOverlaps(_ seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        // Overlapping fragments: windows of 8-byte-aligned starts and lengths over the datagram, plus
        // a plain tiling so that everything is covered, plus duplicates of random ones.
        var pieces = B.split(longTCP, size: 48)
        for _ in 0..<12 {
            let start = Int.random(in: 0..<(longTCP.count / 8), using: &generator) * 8
            let length = Int.random(in: 1...12, using: &generator) * 8
            let end = min(start + length, longTCP.count)
            pieces.append((start, Array(longTCP[start..<end]), end == longTCP.count))
        }
        pieces += (0..<6).map { _ in pieces.randomElement(using: &generator)! }
        pieces.shuffle(using: &generator)
        let decoder = PacketDecoder()
        var completions: [Outcome] = []
        var index = 0
        // Feed until the datagram completes; fragments after that would start a new datagram.
        while index < pieces.count, completions.isEmpty {
            let piece = pieces[index]
            let outcome = decoder.fragment(piece.offset, piece.bytes, last: piece.isLast)
            if outcome != .fragmentHeld { completions.append(outcome) }
            index += 1
        }
        #expect(completions == [.tcp(reference)])
        #expect(decoder.statistics.fragmentOverlapConflicts == 0)
    }

    @Test("a conflicting overlap keeps the first copy and is counted")
    func conflictingOverlap() {
        let decoder = PacketDecoder()
        let fragments = B.split(longTCP, size: 64)
        // First a forged copy of the second fragment's first 16 bytes, overlapping the real fragment 1.
        let forged = B.ipv4Fragment(offset: 64, bytes: [UInt8](repeating: 0xEE, count: 16), isLast: false)
        #expect(decoder.decode(forged, linkType: .raw) == .fragmentHeld)
        var outcomes: [Outcome] = []
        for fragment in fragments {
            outcomes.append(decoder.fragment(fragment.offset, fragment.bytes, last: fragment.isLast))
        }
        #expect(outcomes[1] == .malformed(.fragmentOverlapConflict))
        #expect(decoder.statistics.fragmentOverlapConflicts == 1)
        var forgedPayload = longPayload
        // The payload starts 20 bytes into the TCP segment: fragment 1's bytes 64..<80 are payload 44..<60.
        forgedPayload.replaceSubrange(44..<60, with: [UInt8](repeating: 0xEE, count: 16))
        #expect(outcomes.last == .tcp(expectedSegment(payload: forgedPayload)))
    }

    @Test("absurd offsets, bad lengths and disagreeing ends are malformed")
    func malformedFragments() {
        let decoder = PacketDecoder()
        // Offset field at its maximum (65,528 bytes) plus data: past 65,535.
        let far = B.ipv4(flagsAndOffset: 0x1FFF, payload: [UInt8](repeating: 1, count: 16))
        #expect(decoder.decode(far, linkType: .raw) == .malformed(.fragmentOffset))
        let farV6 = B.ipv6(nextHeader: 44, payload: B.fragmentHeader(offset: 65_528, more: true, identification: 1)
            + [UInt8](repeating: 1, count: 16))
        #expect(decoder.decode(farV6, linkType: .raw) == .malformed(.fragmentOffset))
        // A fragment that is not the last must carry a multiple of 8 bytes.
        let odd = B.ipv4Fragment(offset: 0, bytes: [UInt8](repeating: 1, count: 20), isLast: false)
        #expect(decoder.decode(odd, linkType: .raw) == .malformed(.fragmentLength))
        // Two last fragments that disagree about the end.
        #expect(decoder.fragment(48, [1, 2, 3], last: true, id: 9) == .fragmentHeld)
        #expect(decoder.fragment(48, [1, 2, 3, 4], last: true, id: 9) == .malformed(.fragmentEndConflict))
        // A fragment past the end the last fragment set.
        #expect(decoder.fragment(48, [1, 2, 3], last: true, id: 10) == .fragmentHeld)
        #expect(decoder.fragment(48, zeros, last: false, id: 10) == .malformed(.fragmentEndConflict))
        // A last fragment ending before bytes already held.
        #expect(decoder.fragment(64, zeros, last: false, id: 11) == .fragmentHeld)
        #expect(decoder.fragment(8, [1], last: true, id: 11) == .malformed(.fragmentEndConflict))
        #expect(decoder.statistics.fragmentDatagramsRejected == 3)
        #expect(decoder.fragmentDatagramsInProgress == 0)
        #expect(decoder.statistics.outcomesAddUp)
    }

    @Test("a reassembled IPv4 datagram longer than 65,535 bytes is rejected")
    func oversizedDatagram() {
        var limits = Limits.IPFragments()
        limits.maxBytesHeld = 1 << 20
        let decoder = PacketDecoder(limits: limits)
        let options = [UInt8](repeating: 1, count: 40)  // 60-byte header on the first fragment
        let data = [UInt8](repeating: 0x5A, count: 65_512)  // ends at 65,512 <= 65,515, but 60 + 65,512 > 65,535
        var outcome: Outcome?
        for piece in B.split(data, size: 8_192) {
            let header = piece.offset == 0 ? options : []
            outcome = decoder.fragment(piece.offset, piece.bytes, last: piece.isLast, options: header)
        }
        #expect(outcome == .malformed(.fragmentOffset))
        #expect(decoder.statistics.fragmentDatagramsRejected == 1)
    }

    @Test("a nested Fragment header inside a reassembled IPv6 datagram is malformed")
    func nestedFragment() {
        let decoder = PacketDecoder()
        let inner = B.fragmentHeader(offset: 8, more: true, identification: 5) + [UInt8](repeating: 0, count: 8)
        let atomic = B.fragmentHeader(next: 44, offset: 0, more: false, identification: 6)
        let outer = B.ipv6(nextHeader: 44, payload: atomic + inner)
        // Offset 0 and M clear: an atomic fragment, stepped over; the inner header is then a real fragment.
        #expect(decoder.decode(outer, linkType: .raw) == .fragmentHeld)
        // Reassembling with Next Header 44 again: the datagram is itself a fragment.
        let firstHeader = B.fragmentHeader(next: 44, offset: 0, more: true, identification: 8)
        let lastHeader = B.fragmentHeader(next: 44, offset: 8, more: false, identification: 8)
        let first = B.ipv6(nextHeader: 44, payload: firstHeader + Array(inner.prefix(8)))
        let last = B.ipv6(nextHeader: 44, payload: lastHeader + Array(inner.dropFirst(8)))
        #expect(decoder.decode(first, linkType: .raw) == .fragmentHeld)
        #expect(decoder.decode(last, linkType: .raw) == .malformed(.fragmentNested))
    }

    @Test("a fragment the snapshot length cut is truncated and not held")
    func truncatedFragment() {
        let decoder = PacketDecoder()
        let fragment = v4Fragments()[0]
        #expect(decoder.decode(Array(fragment.prefix(40)), linkType: .raw, originalLength: fragment.count) == .truncated)
        #expect(decoder.fragmentDatagramsInProgress == 0)
        #expect(decoder.statistics.ipFragments == 1)
    }

    @Test("datagrams waiting longer than the timeout (capture time) are dropped")
    func timeout() {
        let decoder = PacketDecoder()
        let fragments = v4Fragments(size: 304)
        #expect(fragments.count == 3)
        let start = CaptureTimestamp(seconds: 1_000, nanoseconds: 500)
        // Exactly at the timeout the datagram is still alive.
        #expect(decoder.decode(fragments[0], linkType: .raw, time: start) == .fragmentHeld)
        #expect(decoder.decode(fragments[1], linkType: .raw, time: start.adding(seconds: 10)) == .fragmentHeld)
        #expect(decoder.decode(fragments[2], linkType: .raw, time: start.adding(seconds: 30)) == .tcp(reference))
        #expect(decoder.statistics.fragmentDatagramsExpired == 0)

        // Past it, the held fragments are gone and the late one starts a new datagram.
        #expect(decoder.decode(fragments[0], linkType: .raw, time: start) == .fragmentHeld)
        #expect(decoder.decode(fragments[1], linkType: .raw, time: start.adding(seconds: 1)) == .fragmentHeld)
        let late = CaptureTimestamp(seconds: 1_030, nanoseconds: 501)
        #expect(decoder.decode(fragments[2], linkType: .raw, time: late) == .fragmentHeld)
        #expect(decoder.statistics.fragmentDatagramsExpired == 1)
        #expect(decoder.fragmentDatagramsInProgress == 1)

        // Lazily, while decoding unrelated packets...
        let other = B.ipv4(payload: B.tcp())
        #expect(decoder.decode(other, linkType: .raw, time: late.adding(seconds: 31)) == .tcp(expectedSegment()))
        #expect(decoder.fragmentDatagramsInProgress == 0)
        #expect(decoder.statistics.fragmentDatagramsExpired == 2)

        // ...and explicitly.
        #expect(decoder.decode(fragments[1], linkType: .raw, time: late) == .fragmentHeld)
        decoder.expireFragments(now: late.adding(seconds: 30))
        #expect(decoder.fragmentDatagramsInProgress == 1)
        decoder.expireFragments(now: late.adding(seconds: 31))
        #expect(decoder.fragmentDatagramsInProgress == 0)
        #expect(decoder.fragmentBytesHeld == 0)
        #expect(decoder.statistics.fragmentDatagramsExpired == 3)
    }
}
