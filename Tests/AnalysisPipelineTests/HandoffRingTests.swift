import AnalysisPipeline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

/// The ring between two threads: every item and its bytes arrive, in order, whatever the sizes of
/// the ring and of the runs of bytes (including runs larger than a batch), and the consumer's notes
/// reach the producer.
@Suite struct HandoffRingTests {
    /// One item: its number, and where its bytes are.
    struct Item {
        var number: Int
        var start: Int
        var count: Int
    }

    /// Runs `items` items through a ring of `size`, item `n` keeping `n % 37` bytes of value `n`
    /// (every 50th keeping 5,000, more than some batches hold); returns what the consumer saw.
    static func run(items: Int, size: HandoffRing<Item>.Size, consumerNap: UInt32 = HandoffRing<Item>.consumerNapMicroseconds,
                    pauseEvery: Int = 0) -> (numbers: [Int], bytesOK: Bool, notes: [Int]) {
        let ring = HandoffRing<Item>(size: size, consumerNapMicroseconds: consumerNap)
        nonisolated(unsafe) var numbers: [Int] = []
        nonisolated(unsafe) var bytesOK = true
        ring.start(consume: { item, bytes in
            numbers.append(item.number)
            let kept = bytes[item.start..<(item.start + item.count)]
            if kept.count != item.count || kept.contains(where: { $0 != UInt8(truncatingIfNeeded: item.number) }) {
                bytesOK = false
            }
        }, afterBatch: { numbers.count })
        var notes: [Int] = []
        for number in 0..<items {
            let count = number % 50 == 49 ? 5_000 : number % 37
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: count)
            let start = count == 0 ? 0 : payload.withUnsafeBytes { ring.keep($0) }
            ring.append(Item(number: number, start: start, count: count))
            notes.append(ring.consumerNote)
            // A slow producer: the consumer has emptied the ring and naps when the next batch comes.
            if pauseEvery > 0, number % pauseEvery == 0 { usleep(3_000) }
        }
        ring.finish()
        return (numbers, bytesOK, notes)
    }

    @Test("every item and its bytes arrive in order", arguments: [
        HandoffRing<Item>.Size(batches: 2, itemsPerBatch: 1, bytesPerBatch: 1),
        HandoffRing<Item>.Size(batches: 2, itemsPerBatch: 3, bytesPerBatch: 10),
        HandoffRing<Item>.Size(batches: 3, itemsPerBatch: 7, bytesPerBatch: 100),
        HandoffRing<Item>.Size(batches: 8, itemsPerBatch: 256, bytesPerBatch: 4_096),
        HandoffRing<Item>.Size.packets,
    ])
    func inOrder(size: HandoffRing<Item>.Size) {
        let outcome = Self.run(items: 5_000, size: size)
        #expect(outcome.numbers == Array(0..<5_000))
        #expect(outcome.bytesOK)
        // The notes the producer read never go back and never run ahead of what was consumed.
        #expect(outcome.notes == outcome.notes.sorted())
        #expect(outcome.notes.enumerated().allSatisfy { $0.element <= $0.offset + 1 })
        if size.batches * size.itemsPerBatch < 5_000 { #expect(outcome.notes.last ?? 0 > 0) }
    }

    @Test("a consumer that naps long (as the timeline's writer does) still gets every item in order",
          arguments: [UInt32(1), 1_000])
    func longNaps(nap: UInt32) {
        let outcome = Self.run(items: 300, size: .init(batches: 2, itemsPerBatch: 4, bytesPerBatch: 64),
                               consumerNap: nap, pauseEvery: 25)
        #expect(outcome.numbers == Array(0..<300))
        #expect(outcome.bytesOK)
    }

    @Test("a ring finished without items, and finished twice, stops its thread")
    func emptyAndTwice() {
        let ring = HandoffRing<Item>(size: .init(batches: 2, itemsPerBatch: 4, bytesPerBatch: 16))
        nonisolated(unsafe) var consumed = 0
        ring.start(consume: { _, _ in consumed += 1 })
        ring.finish()
        ring.finish()
        #expect(consumed == 0)
    }

    @Test("consumed in place: every item where it lies, in order, its bytes intact after it was changed")
    func inPlace() {
        let size = HandoffRing<Item>.Size(batches: 3, itemsPerBatch: 5, bytesPerBatch: 64)
        let ring = HandoffRing<Item>(size: size)
        nonisolated(unsafe) var numbers: [Int] = []
        nonisolated(unsafe) var bytesOK = true
        ring.start(consumingInPlace: { item, bytes in
            // What the analysing thread does: point a field into the kept bytes, then read it back.
            item.pointee.start += item.pointee.count
            let end = item.pointee.start
            let kept = bytes[(end - item.pointee.count)..<end]
            if kept.contains(where: { $0 != UInt8(truncatingIfNeeded: item.pointee.number) }) { bytesOK = false }
            numbers.append(item.pointee.number)
        })
        for number in 0..<1_000 {
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: number % 23)
            let start = payload.isEmpty ? 0 : payload.withUnsafeBytes { ring.keep($0) }
            ring.append(Item(number: number, start: start, count: payload.count))
        }
        ring.finish()
        #expect(numbers == Array(0..<1_000))
        #expect(bytesOK)
    }

    /// Where a ``Counting`` consumer leaves what it saw (a class: the consumer itself is the
    /// consumer thread's copy).
    final class Log: @unchecked Sendable {
        var numbers: [Int] = []
        var bytesOK = true
        /// The consumer's own count at the end of each batch, and the items logged by then.
        var batchEnds: [(counted: Int, logged: Int)] = []
    }

    /// A consumer type (``HandoffRing/start(_:)``) with state of its own that each item changes.
    struct Counting: HandoffConsumer {
        let log: Log
        var counted = 0

        mutating func consume(_ item: UnsafeMutablePointer<Item>, bytes: UnsafeRawBufferPointer) {
            counted += 1
            let kept = bytes[item.pointee.start..<(item.pointee.start + item.pointee.count)]
            if kept.count != item.pointee.count || kept.contains(where: { $0 != UInt8(truncatingIfNeeded: item.pointee.number) }) {
                log.bytesOK = false
            }
            log.numbers.append(item.pointee.number)
        }

        mutating func afterBatch() -> Int {
            log.batchEnds.append((counted, log.numbers.count))
            return counted
        }
    }

    @Test("a consumer type gets every item in order with its bytes, keeps its state across items and batches, and its notes reach the producer",
          arguments: [
              HandoffRing<Item>.Size(batches: 2, itemsPerBatch: 1, bytesPerBatch: 1),
              HandoffRing<Item>.Size(batches: 3, itemsPerBatch: 7, bytesPerBatch: 100),
              HandoffRing<Item>.Size.packets,
          ])
    func consumerType(size: HandoffRing<Item>.Size) {
        let ring = HandoffRing<Item>(size: size)
        let log = Log()
        ring.start(Counting(log: log))
        var notes: [Int] = []
        for number in 0..<3_000 {
            let count = number % 50 == 49 ? 5_000 : number % 37
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: count)
            let start = count == 0 ? 0 : payload.withUnsafeBytes { ring.keep($0) }
            ring.append(Item(number: number, start: start, count: count))
            notes.append(ring.consumerNote)
        }
        ring.finish()
        #expect(log.numbers == Array(0..<3_000))
        #expect(log.bytesOK)
        #expect(!log.batchEnds.isEmpty)
        #expect(log.batchEnds.allSatisfy { $0.counted == $0.logged })
        #expect(log.batchEnds.last?.counted == 3_000)
        #expect(notes == notes.sorted())
        #expect(notes.enumerated().allSatisfy { $0.element <= $0.offset + 1 })
        if size.batches * size.itemsPerBatch < 3_000 { #expect(notes.last ?? 0 > 0) }
    }
}
