import Testing
@testable import UploadExtraction
import TestSupport

/// The range bookkeeping against a plain set of offsets.
@Suite struct ByteRangeSetTests {
    @Test("inserts merge, gaps and coverage match a set of offsets (seeded)")
    func matchesModel() {
        var random = SplitMix(seed: 0xAB5E7)
        for _ in 0..<300 {
            var set = ByteRangeSet()
            var model = Set<UInt64>()
            for _ in 0..<random.below(30) {
                let low = UInt64(random.below(500))
                let range = low..<(low + UInt64(random.below(40)))
                set.insert(range)
                model.formUnion(range)
                let query = UInt64(random.below(520))..<UInt64(520)
                #expect(set.covers(query) == query.allSatisfy(model.contains))
            }
            // Sorted, disjoint, never touching.
            for (left, right) in zip(set.ranges, set.ranges.dropFirst()) { #expect(left.upperBound < right.lowerBound) }
            #expect(set.ranges.allSatisfy { !$0.isEmpty })
            #expect(set.byteCount == UInt64(model.count))
            let gaps = set.gaps(in: 0..<540)
            #expect(Set(gaps.flatMap { Array($0) }) == Set(0..<540).subtracting(model))
            let cut = UInt64(random.below(540))
            set.truncate(at: cut)
            #expect(Set(set.ranges.flatMap { Array($0) }) == model.filter { $0 < cut })
        }
    }

    @Test("the range limit refuses a new range but always allows merging")
    func limit() {
        var set = ByteRangeSet()
        let results = [set.insert(0..<10, limit: 2), set.insert(20..<30, limit: 2), set.insert(40..<50, limit: 2)]
        #expect(results == [true, true, false])
        #expect(set.ranges == [0..<10, 20..<30])
        let joined = set.insert(10..<20, limit: 2)  // joins both
        #expect(joined)
        #expect(set.ranges == [0..<30])
        let addedEmpty = set.insert(5..<5, limit: 0)  // empty: nothing to add
        #expect(addedEmpty)
    }

    @Test("ranges at the top of the 64-bit space do not overflow")
    func extremes() {
        var set = ByteRangeSet()
        set.insert((UInt64.max - 10)..<UInt64.max)
        #expect(set.covers((UInt64.max - 5)..<UInt64.max))
        #expect(set.gaps(in: (UInt64.max - 20)..<UInt64.max) == [(UInt64.max - 20)..<(UInt64.max - 10)])
        #expect(set.byteCount == 10)
    }
}
