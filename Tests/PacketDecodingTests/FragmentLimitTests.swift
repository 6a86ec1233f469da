import AnalyzerCore
import PacketDecoding
import Testing

private typealias B = PacketBuilder

/// Two fragments of a 48-byte TCP segment (the default builder's header, 28 bytes of payload).
private func datagram(_ identification: UInt16) -> (first: [UInt8], last: [UInt8]) {
    let tcp = B.tcp(payload: Array(B.payload.prefix(28)))
    return (
        B.ipv4Fragment(offset: 0, bytes: Array(tcp.prefix(24)), isLast: false, identification: identification),
        B.ipv4Fragment(offset: 24, bytes: Array(tcp.dropFirst(24)), isLast: true, identification: identification)
    )
}

private let completed = Outcome.tcp(expectedSegment(payload: Array(B.payload.prefix(28))))

@Suite("IP fragment limits")
struct FragmentLimitTests {
    @Test("too many datagrams in progress drops the oldest, reports once, and decoding continues")
    func datagramsInProgress() {
        var limits = Limits.IPFragments()
        limits.maxDatagramsInProgress = 2
        let findings = FindingCollector()
        let decoder = PacketDecoder(limits: limits, findings: findings)
        for id: UInt16 in 1...4 {
            #expect(decoder.decode(datagram(id).first, linkType: .raw) == .fragmentHeld)
        }
        #expect(decoder.fragmentDatagramsInProgress == 2)
        #expect(decoder.statistics.fragmentDatagramsDropped == 2)
        #expect(findings.findings.count == 1)
        let finding = findings.findings.first
        #expect(finding?.code == .limitIPFragments)
        #expect(finding?.severity == .notice)
        #expect(finding?.message.contains("limit 2") == true)
        // The newest two still complete; the oldest two were dropped, so their last fragments wait alone.
        #expect(decoder.decode(datagram(3).last, linkType: .raw) == completed)
        #expect(decoder.decode(datagram(4).last, linkType: .raw) == completed)
        #expect(decoder.decode(datagram(1).last, linkType: .raw) == .fragmentHeld)
        #expect(decoder.decode(B.ipv4(payload: B.tcp()), linkType: .raw) == .tcp(expectedSegment()))
        #expect(decoder.statistics.outcomesAddUp)
    }

    @Test("too many bytes held drops the oldest datagrams")
    func bytesHeld() {
        var limits = Limits.IPFragments()
        limits.maxBytesHeld = 100
        let findings = FindingCollector()
        let decoder = PacketDecoder(limits: limits, findings: findings)
        // Each first fragment holds 24 data bytes + a 20-byte header = 44 bytes.
        #expect(decoder.decode(datagram(1).first, linkType: .raw) == .fragmentHeld)
        #expect(decoder.decode(datagram(2).first, linkType: .raw) == .fragmentHeld)
        #expect(decoder.fragmentBytesHeld == 88)
        #expect(decoder.decode(datagram(3).first, linkType: .raw) == .fragmentHeld)
        #expect(decoder.fragmentBytesHeld == 88)
        #expect(decoder.statistics.fragmentDatagramsDropped == 1)
        #expect(findings.findings.map(\.code) == [.limitIPFragments])
        #expect(findings.findings.first?.message.contains("100") == true)
        // Datagram 3 completes (its last fragment adds 24 bytes: 3's 44 + 2's 44 + 24 > 100 drops 2 first).
        #expect(decoder.decode(datagram(3).last, linkType: .raw) == completed)
        #expect(decoder.statistics.fragmentDatagramsDropped == 2)
        #expect(findings.findings.count == 1)
        #expect(decoder.fragmentBytesHeld == 0)
    }

    @Test("a fragment too large to hold at all drops only its own datagram")
    func fragmentLargerThanLimit() {
        var limits = Limits.IPFragments()
        limits.maxBytesHeld = 100
        let decoder = PacketDecoder(limits: limits, findings: FindingCollector())
        #expect(decoder.decode(datagram(1).first, linkType: .raw) == .fragmentHeld)
        let big = B.ipv4Fragment(offset: 0, bytes: [UInt8](repeating: 1, count: 200), isLast: false, identification: 2)
        #expect(decoder.decode(big, linkType: .raw) == .fragmentHeld)
        #expect(decoder.fragmentDatagramsInProgress == 1)
        #expect(decoder.decode(datagram(1).last, linkType: .raw) == completed)
    }

    @Test("too many fragments for one datagram drops it")
    func fragmentsPerDatagram() {
        var limits = Limits.IPFragments()
        limits.maxFragmentsPerDatagram = 4
        let findings = FindingCollector()
        let decoder = PacketDecoder(limits: limits, findings: findings)
        let tcp = B.tcp(payload: Array(B.payload.prefix(28)))
        let pieces = B.split(tcp, size: 8)  // 6 fragments
        for piece in pieces {
            #expect(decoder.fragment(piece.offset, piece.bytes, last: piece.isLast) == .fragmentHeld)
        }
        #expect(decoder.statistics.fragmentDatagramsDropped == 1)
        #expect(decoder.fragmentDatagramsInProgress == 1)  // The sixth fragment started over.
        #expect(findings.findings.count == 1)
        #expect(findings.findings.first?.message.contains("4 fragments") == true)
        // Duplicates count too: a flood of one fragment cannot be held forever.
        for _ in 0..<10 { _ = decoder.decode(datagram(9).first, linkType: .raw) }
        #expect(decoder.statistics.fragmentDatagramsDropped == 3)
        #expect(findings.findings.count == 1)
    }

    @Test("zero limits hold nothing and never trap")
    func zeroLimits() {
        var limits = Limits.IPFragments()
        limits.maxDatagramsInProgress = 0
        limits.maxBytesHeld = -5
        limits.maxFragmentsPerDatagram = 0
        limits.timeoutSeconds = -1
        let findings = FindingCollector()
        let decoder = PacketDecoder(limits: limits, findings: findings)
        #expect(decoder.decode(datagram(1).first, linkType: .raw) == .fragmentHeld)
        #expect(decoder.decode(datagram(1).last, linkType: .raw) == .fragmentHeld)
        #expect(decoder.fragmentDatagramsInProgress == 0)
        #expect(decoder.statistics.fragmentDatagramsDropped == 2)
        #expect(findings.findings.count == 1)
    }
}
