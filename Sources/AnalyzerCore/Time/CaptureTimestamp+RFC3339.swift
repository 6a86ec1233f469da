extension CaptureTimestamp {
    /// Formats the time as RFC 3339 in UTC, e.g. `2026-11-23T10:36:50.123456Z`, with as many
    /// fractional digits as `precision` says. Pure arithmetic: no Foundation, no locale, no clock.
    public func rfc3339(precision: TimestampPrecision) -> String {
        // Days since the epoch, floored, and the second within that day.
        let secondsPerDay: Int64 = 86_400
        var days = seconds / secondsPerDay
        var secondOfDay = seconds % secondsPerDay
        if secondOfDay < 0 {
            secondOfDay += secondsPerDay
            days -= 1
        }
        let (year, month, day) = Self.civilDate(fromDaysSinceEpoch: days)
        let hour = secondOfDay / 3600
        let minute = (secondOfDay % 3600) / 60
        let second = secondOfDay % 60
        var text = Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
        text += "T" + Self.pad(hour, 2) + ":" + Self.pad(minute, 2) + ":" + Self.pad(second, 2)
        let fraction = precision == .nanoseconds ? Int64(nanoseconds) : Int64(nanoseconds / 1000)
        text += "." + Self.pad(fraction, precision.rawValue) + "Z"
        return text
    }

    /// Howard Hinnant's days-to-civil algorithm (public domain), proleptic Gregorian calendar.
    /// Intermediate values stay far inside Int64 for any `days` derived from an Int64 of seconds.
    private static func civilDate(fromDaysSinceEpoch days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
