import AnalyzerCore

/// Sessions counted by the time they were first seen, in a fixed number of buckets whose width
/// doubles (merging neighbours in pairs) whenever a session falls outside the span they cover.
/// Bounded and deterministic: the result does not depend on the order sessions were added.
public struct SessionsOverTime: Sendable, Equatable {
    /// Most buckets; at least 2.
    public let capacity: Int
    /// Width of one bucket in milliseconds (1 ms times a power of two).
    public private(set) var bucketMilliseconds: Int64 = 1
    /// The bucket key (milliseconds since the epoch divided by the width, rounded down) of `counts[0]`.
    private var firstKey: Int64 = 0
    /// Sessions per bucket, from the earliest occupied bucket to the latest; empty before any.
    public private(set) var counts: [Int] = []

    /// An empty histogram of at most `capacity` buckets.
    public init(capacity: Int) {
        self.capacity = max(capacity, 2)
    }

    /// The start of bucket `index` of ``counts``.
    public func bucketStart(_ index: Int) -> CaptureTimestamp {
        let (product, overflow) = (firstKey + Int64(index)).multipliedReportingOverflow(by: bucketMilliseconds)
        let milliseconds = overflow ? Int64.max : product
        let seconds = milliseconds.floorDivided(by: 1000)
        return CaptureTimestamp(seconds: seconds, nanoseconds: UInt32(milliseconds - seconds * 1000) * 1_000_000)
    }

    /// The width of one bucket in seconds.
    public var bucketSeconds: Double { Double(bucketMilliseconds) / 1000 }

    /// Counts one session first seen at `time`.
    public mutating func add(_ time: CaptureTimestamp) {
        let (scaled, overflow) = time.seconds.multipliedReportingOverflow(by: 1000)
        let milliseconds = overflow ? (time.seconds < 0 ? Int64.min / 2 : Int64.max / 2)
            : scaled.addingReportingOverflow(Int64(time.nanoseconds / 1_000_000)).partialValue
        if counts.isEmpty {
            firstKey = milliseconds.floorDivided(by: bucketMilliseconds)
            counts = [1]
            return
        }
        while true {
            let key = milliseconds.floorDivided(by: bucketMilliseconds)
            let low = min(firstKey, key)
            let high = max(firstKey + Int64(counts.count) - 1, key)
            let fits = high - low < Int64(capacity)
            if fits || bucketMilliseconds >= Int64.max / 4 {
                // At the widest buckets (times centuries apart: hostile) the key is clamped to the span.
                let key = fits ? key : min(max(key, firstKey), firstKey + Int64(capacity) - 1)
                if key < firstKey {
                    counts.insert(contentsOf: repeatElement(0, count: Int(firstKey - key)), at: 0)
                    firstKey = key
                } else if key - firstKey >= Int64(counts.count) {
                    counts.append(contentsOf: repeatElement(0, count: Int(key - firstKey) - counts.count + 1))
                }
                let index = Int(min(max(key - firstKey, 0), Int64(counts.count - 1)))
                counts[index] += 1
                return
            }
            doubleWidth()
        }
    }

    /// Doubles the bucket width, merging each pair of buckets that now share one.
    private mutating func doubleWidth() {
        let newFirst = firstKey.floorDivided(by: 2)
        var merged: [Int] = []
        merged.reserveCapacity(counts.count / 2 + 1)
        for (offset, count) in counts.enumerated() {
            let index = Int((firstKey + Int64(offset)).floorDivided(by: 2) - newFirst)
            if index == merged.count { merged.append(count) } else { merged[index] += count }
        }
        firstKey = newFirst
        counts = merged
        bucketMilliseconds *= 2
    }
}

extension Int64 {
    /// Division rounding towards minus infinity (`-1 / 2` is `-1`), for bucket keys of times before 1970.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
