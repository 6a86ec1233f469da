import AnalyzerCore

/// A set of upload offsets kept as sorted, disjoint, non-adjacent half-open ranges.
///
/// Uploads arrive mostly in order, so a set is usually one range and adding to its end costs
/// nothing; the number of ranges is bounded by the caller (see ``insert(_:limit:)``).
struct ByteRangeSet: Sendable {
    /// The ranges, sorted, disjoint and never touching.
    private(set) var ranges: [Range<UInt64>] = []

    /// Number of ranges.
    var count: Int { ranges.count }

    /// Whether no offset is in the set.
    var isEmpty: Bool { ranges.isEmpty }

    /// Number of offsets in the set (saturating at `UInt64.max`).
    var byteCount: UInt64 {
        var total: UInt64 = 0
        for range in ranges { total = total.saturatingAdding(UInt64(range.count)) }
        return total
    }

    /// Adds `range`, merging it with the ranges it overlaps or touches. Returns `false`, changing
    /// nothing, when the set would then hold more than `limit` ranges; an empty range is always added.
    @discardableResult
    mutating func insert(_ range: Range<UInt64>, limit: Int = .max) -> Bool {
        guard !range.isEmpty else { return true }
        // Fast path: at or past the end, as in-order uploads add.
        if let last = ranges.last, range.lowerBound >= last.lowerBound {
            if range.lowerBound <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
                return true
            }
            guard ranges.count < limit else { return false }
            ranges.append(range)
            return true
        }
        // First range that ends at or after the new one's start: it and the following ones that
        // start at or before the new one's end merge with it.
        let first = firstIndex(endingAtOrAfter: range.lowerBound)
        var end = first
        var merged = range
        while end < ranges.count, ranges[end].lowerBound <= range.upperBound {
            merged = min(merged.lowerBound, ranges[end].lowerBound)..<max(merged.upperBound, ranges[end].upperBound)
            end += 1
        }
        guard ranges.count - (end - first) + 1 <= limit else { return false }
        ranges.replaceSubrange(first..<end, with: CollectionOfOne(merged))
        return true
    }

    /// Whether every offset of `range` is in the set (true for an empty range).
    func covers(_ range: Range<UInt64>) -> Bool {
        guard !range.isEmpty else { return true }
        let index = firstIndex(endingAtOrAfter: range.lowerBound &+ 1)  // lowerBound < upperBound ≤ max
        return index < ranges.count && ranges[index].lowerBound <= range.lowerBound
            && ranges[index].upperBound >= range.upperBound
    }

    /// Calls `body` with each maximal piece of `range` that is not in the set, in order.
    func forEachGap(in range: Range<UInt64>, _ body: (Range<UInt64>) throws -> Void) rethrows {
        guard !range.isEmpty else { return }
        var cursor = range.lowerBound
        var index = firstIndex(endingAtOrAfter: cursor &+ 1)  // cursor < upperBound ≤ max
        while cursor < range.upperBound {
            guard index < ranges.count, ranges[index].lowerBound < range.upperBound else {
                try body(cursor..<range.upperBound)
                return
            }
            let covered = ranges[index]
            if covered.lowerBound > cursor { try body(cursor..<covered.lowerBound) }
            cursor = max(cursor, covered.upperBound)
            index += 1
        }
    }

    /// The pieces of `range` not in the set.
    func gaps(in range: Range<UInt64>) -> [Range<UInt64>] {
        var pieces: [Range<UInt64>] = []
        forEachGap(in: range) { pieces.append($0) }
        return pieces
    }

    /// Removes every offset at or past `end`.
    mutating func truncate(at end: UInt64) {
        while let last = ranges.last, last.upperBound > end {
            if last.lowerBound >= end {
                ranges.removeLast()
            } else {
                ranges[ranges.count - 1] = last.lowerBound..<end
            }
        }
    }

    /// Index of the first range whose upper bound is at least `offset` (binary search).
    private func firstIndex(endingAtOrAfter offset: UInt64) -> Int {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
