import AnalyzerCore
import TCPReassembly
import TestSupport
import TrafficSynthesis
import Testing

/// Whatever the order, duplication or overlap of segments, the delivered bytes are the bytes sent.
@Suite struct ReassemblyPropertyTests {
    enum Impairment: String, CaseIterable, CustomTestStringConvertible {
        case inOrder, reversed, shuffled, duplicated, overlapping, everything
        var testDescription: String { rawValue }
    }

    /// Builds the data segments of an exchange under one impairment.
    static func segments(for exchange: Exchange, _ impairment: Impairment, random: inout SeededGenerator) -> [TestSegment] {
        var data = exchange.dataSegments(fromClient: true, maxSize: 700, using: &random)
            + exchange.dataSegments(fromClient: false, maxSize: 700, using: &random)
        func addRecuts(_ count: Int, random: inout SeededGenerator) {
            for _ in 0..<count {
                let fromClient = Bool.random(using: &random)
                let size = fromClient ? exchange.clientData.count : exchange.serverData.count
                guard size > 1 else { continue }
                let start = Int.random(in: 0..<(size - 1), using: &random)
                let end = Int.random(in: (start + 1)...min(size, start + 1500), using: &random)
                data.append(exchange.recut(fromClient: fromClient, start: start, end: end))
            }
        }
        switch impairment {
        case .inOrder:
            break
        case .reversed:
            data.reverse()
        case .shuffled:
            data.shuffle(using: &random)
        case .duplicated:
            data += data.filter { _ in Bool.random(using: &random) }
            data.shuffle(using: &random)
        case .overlapping:
            addRecuts(20, random: &random)
            data.shuffle(using: &random)
        case .everything:
            data += data.filter { _ in Int.random(in: 0..<4, using: &random) == 0 }
            addRecuts(30, random: &random)
            data.shuffle(using: &random)
        }
        return exchange.handshake + data + exchange.fins
    }

    @Test("the same bytes arrive whatever the segment order", arguments: Impairment.allCases)
    func sameBytes(impairment: Impairment) {
        for seed in UInt64(1)...40 {
            var random = SeededGenerator(seed: seed &* 7919)
            let exchange = Exchange.random(maxClientBytes: 20_000, maxServerBytes: 6_000, using: &random)
            let factory = RecordingFactory()
            let reassembler = TCPReassembler(factory: factory)
            for segment in Self.segments(for: exchange, impairment, random: &random) { reassembler.feed(segment) }
            reassembler.finish()

            let consumer = try! #require(factory.consumers.first)
            #expect(factory.consumers.count == 1)
            #expect(consumer.stream(.clientToServer) == exchange.clientData, "seed \(seed)")
            #expect(consumer.stream(.serverToClient) == exchange.serverData, "seed \(seed)")
            #expect(consumer.gaps(.clientToServer).isEmpty && consumer.gaps(.serverToClient).isEmpty, "seed \(seed)")
            #expect(consumer.offsetsAreContiguous())
            let summary = try! #require(factory.summaries.first)
            #expect(summary.clientToServer.payloadBytes == UInt64(exchange.clientData.count))
            #expect(summary.serverToClient.payloadBytes == UInt64(exchange.serverData.count))
            #expect(summary.clientToServer.conflictingBytes == 0)
            #expect(summary.end == .fin)
            #expect(summary.info.client == clientEndpoint)
            #expect(consumer.events.filter { if case .ended = $0 { return true } else { return false } }.count == 2)
            if impairment == .inOrder || impairment == .reversed || impairment == .shuffled {
                #expect(summary.clientToServer.retransmittedBytes + summary.clientToServer.overlapBytes == 0)
            }
        }
    }

    @Test("lost segments become gaps of exactly their size, and everything else still arrives")
    func lostSegmentsBecomeGaps() {
        for seed in UInt64(1)...60 {
            var random = SeededGenerator(seed: seed)
            let exchange = Exchange.random(
                clientBytes: Int.random(in: 2_000...30_000, using: &random), serverBytes: 100,
                clientISN: UInt32.random(in: 0...UInt32.max, using: &random), serverISN: 77, using: &random
            )
            var data = exchange.dataSegments(fromClient: true, maxSize: 1460, using: &random)
            // Lose a few segments, never the first or last (so the loss is between seen bytes).
            var lost = Set<Int>()
            for _ in 0..<3 where data.count > 3 { lost.insert(Int.random(in: 1..<(data.count - 1), using: &random)) }
            var expected = exchange.clientData
            var expectedGap = 0
            for index in lost.sorted() {
                let offset = Int(data[index].sequence &- (exchange.clientISN &+ 1))
                for position in offset..<(offset + data[index].payload.count) { expected[position] = 0xEE }
                expectedGap += data[index].payload.count
            }
            data = data.enumerated().filter { !lost.contains($0.offset) }.map(\.element)
            data.shuffle(using: &random)

            let factory = RecordingFactory()
            let reassembler = TCPReassembler(factory: factory)
            for segment in exchange.handshake + data { reassembler.feed(segment) }
            reassembler.finish()
            let consumer = try! #require(factory.consumers.first)
            #expect(consumer.stream(.clientToServer, gapFill: 0xEE) == expected, "seed \(seed)")
            #expect(consumer.offsetsAreContiguous())
            let summary = try! #require(factory.summaries.first)
            #expect(summary.clientToServer.gapBytes == UInt64(expectedGap))
            #expect(summary.clientToServer.payloadBytes == UInt64(exchange.clientData.count - expectedGap))
            #expect(summary.end == .captureEnd)
        }
    }
}
