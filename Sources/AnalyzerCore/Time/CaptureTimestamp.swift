/// A point in capture time: when a packet was captured, as the capture file or interface says.
///
/// bitsnoop never reads the wall clock for analysis. Expiry, idle timeouts and every time in the
/// output come from packet timestamps, so that the same capture always gives the same result.
public struct CaptureTimestamp: Hashable, Comparable, Sendable {
    /// Whole seconds since the Unix epoch (may be negative for broken captures).
    public var seconds: Int64
    /// Nanoseconds within the second, always in `0..<1_000_000_000`.
    public var nanoseconds: UInt32

    /// The epoch itself; used as "no time yet".
    public static let zero = CaptureTimestamp(seconds: 0, nanoseconds: 0)

    /// Creates a timestamp, carrying whole seconds out of `nanoseconds` so the invariant holds.
    public init(seconds: Int64, nanoseconds: UInt32) {
        let carry = Int64(nanoseconds / 1_000_000_000)
        // Saturate instead of trapping: a hostile capture can put any value in the seconds field.
        let (sum, overflow) = seconds.addingReportingOverflow(carry)
        self.seconds = overflow ? Int64.max : sum
        self.nanoseconds = nanoseconds % 1_000_000_000
    }

    /// Nanoseconds since the epoch, saturating at the ends of `Int64`'s range.
    public var totalNanoseconds: Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let (sum, overflow2) = scaled.addingReportingOverflow(Int64(nanoseconds))
        return overflow2 ? Int64.max : sum
    }

    /// Seconds elapsed from `earlier` to `self` as a `Double` (negative when `earlier` is later).
    public func seconds(since earlier: CaptureTimestamp) -> Double {
        (Double(seconds) - Double(earlier.seconds)) + (Double(nanoseconds) - Double(earlier.nanoseconds)) / 1e9
    }

    /// This time moved forward by `interval` seconds (saturating).
    public func adding(seconds interval: Int64) -> CaptureTimestamp {
        let (sum, overflow) = seconds.addingReportingOverflow(interval)
        return CaptureTimestamp(seconds: overflow ? (interval > 0 ? Int64.max : Int64.min) : sum, nanoseconds: nanoseconds)
    }

    /// Orders by seconds, then nanoseconds.
    public static func < (lhs: CaptureTimestamp, rhs: CaptureTimestamp) -> Bool {
        lhs.seconds != rhs.seconds ? lhs.seconds < rhs.seconds : lhs.nanoseconds < rhs.nanoseconds
    }
}

/// How finely a capture source records time; decides how many fractional digits output shows.
public enum TimestampPrecision: Int, Sendable, Comparable {
    /// Microseconds (classic pcap, pcapng's default).
    case microseconds = 6
    /// Nanoseconds (the nanosecond pcap magic, or a pcapng interface with finer resolution).
    case nanoseconds = 9

    /// Orders by number of fractional digits.
    public static func < (lhs: TimestampPrecision, rhs: TimestampPrecision) -> Bool { lhs.rawValue < rhs.rawValue }
}
