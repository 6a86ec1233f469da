import AnalysisPipeline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
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

    /// An item that says when it is destroyed, and whether the consumer had seen it by then.
    final class Tracked: @unchecked Sendable {
        let number: Int
        let log: DestructionLog
        init(number: Int, log: DestructionLog) {
            self.number = number
            self.log = log
        }
        deinit { log.destroyed(number) }
    }

    /// What was consumed and destroyed, and where.
    final class DestructionLog: Sendable {
        struct Record {
            var order: [Int] = []
            var beforeConsumed = 0
            var offProducer = 0
        }
        let consumed = Atomic<Int>(0)
        let record = Mutex(Record())
        let producer = pthread_self()
        func destroyed(_ number: Int) {
            let early = consumed.load(ordering: .acquiring) <= number
            let elsewhere = pthread_equal(pthread_self(), producer) == 0
            record.withLock {
                $0.order.append(number)
                if early { $0.beforeConsumed += 1 }
                if elsewhere { $0.offProducer += 1 }
            }
        }
    }

    @Test("destroying gradually: each item once, in order, on the producer's thread, never before it was consumed, one per append",
          arguments: [
              HandoffRing<Tracked>.Size(batches: 2, itemsPerBatch: 1, bytesPerBatch: 1),
              HandoffRing<Tracked>.Size(batches: 2, itemsPerBatch: 5, bytesPerBatch: 1),
              HandoffRing<Tracked>.Size(batches: 4, itemsPerBatch: 3, bytesPerBatch: 1),
              HandoffRing<Tracked>.Size(batches: 8, itemsPerBatch: 64, bytesPerBatch: 1),
          ])
    func destroysGradually(size: HandoffRing<Tracked>.Size) {
        let log = DestructionLog()
        let count = 3_000
        var duringRun = DestructionLog.Record()
        do {
            let ring = HandoffRing<Tracked>(size: size, consumerNapMicroseconds: 1, destroysGradually: true)
            ring.start(consumingInPlace: { item, _ in
                // Consumed in order: the count is the next number.
                if item.pointee.number == log.consumed.load(ordering: .relaxed) {
                    log.consumed.add(1, ordering: .releasing)
                }
            })
            var destroyedWhileFilling = 0
            for number in 0..<count {
                let before = log.record.withLock { $0.order.count }
                ring.append(Tracked(number: number, log: log))
                // Not the appends that hand a batch over (they empty a whole batch being reused).
                if (number + 1) % size.itemsPerBatch != 0, log.record.withLock({ $0.order.count }) == before + 1 {
                    destroyedWhileFilling += 1
                }
                // A slow consumer now and then: the producer waits for it.
                if number % 500 == 0 { usleep(2_000) }
            }
            duringRun = log.record.withLock { $0 }
            ring.finish()
            if size.itemsPerBatch > 1 { #expect(destroyedWhileFilling > 0, "nothing was destroyed one by one") }
        }
        #expect(log.consumed.load(ordering: .acquiring) == count)
        #expect(duringRun.order == Array(0..<duringRun.order.count))
        #expect(duringRun.order.count >= count - size.batches * size.itemsPerBatch)
        #expect(duringRun.beforeConsumed == 0)
        #expect(duringRun.offProducer == 0)
        // The rest go with the ring, on whichever thread lets it go last.
        for _ in 0..<1_000 where log.record.withLock({ $0.order.count }) < count { usleep(1_000) }
        #expect(log.record.withLock { $0.order.sorted() } == Array(0..<count))
    }
}
