/// Sizes and durations in units a person reads at a glance.
public enum HumanUnits {
    /// `850 ms`, `12.4 s`, `3 min 5 s`, `2 h 7 min`, `3 d 4 h`; `-` for a negative or non-finite value.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 59.95 {
            let tenths = Int((seconds * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) s"
        }
        // Hostile timestamps can be ages apart; Int(_:) would trap past Int.max.
        guard seconds < 1e15 else { return "> 30 million years" }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        if whole < 86_400 { return "\(whole / 3600) h \((whole % 3600) / 60) min" }
        return "\(whole / 86_400) d \((whole % 86_400) / 3600) h"
    }

    /// `512 B`, `1.5 KiB`, `3.2 MiB`, `1.1 GiB`.
    public static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1023.95, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// Whole percent of `part` in `total`, at most 100 (a hostile Ack can claim more than the total);
    /// 100 for an empty total.
    public static func percent(_ part: UInt64, of total: UInt64) -> Int {
        guard total > 0 else { return 100 }
        return Int(Double(min(part, total)) / Double(total) * 100)
    }
}
