extension CaptureTimestamp {
    /// Formats the time as RFC 3339 in UTC, e.g. `2026-11-23T10:36:50.123456Z`, with as many
    /// fractional digits as `precision` says. Pure arithmetic: no Foundation, no locale, no clock.
    public func rfc3339(precision: TimestampPrecision) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(32)
        appendRFC3339(precision: precision, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends ``rfc3339(precision:)``'s text to `text` as UTF-8, without making a `String` (the JSON
    /// timeline writes two times per request).
    public func appendRFC3339(precision: TimestampPrecision, to text: inout [UInt8]) {
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
        let fraction = precision == .nanoseconds ? Int64(nanoseconds) : Int64(nanoseconds / 1000)
        // Written as bytes: string concatenation cost ~10 times more per timestamp.
        DecimalText.append(year, minimumDigits: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        DecimalText.append(month, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        DecimalText.append(day, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: "T"))
        DecimalText.append(hour, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        DecimalText.append(minute, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        DecimalText.append(second, minimumDigits: 2, to: &text)
        text.append(UInt8(ascii: "."))
        DecimalText.append(fraction, minimumDigits: precision.rawValue, to: &text)
        text.append(UInt8(ascii: "Z"))
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
}
