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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maximumRFC3339Length) { scratch in
            let count = writeRFC3339(precision: precision, to: scratch.baseAddress!)
            text.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<count]))
        }
    }

    /// The longest text ``writeRFC3339(precision:to:)`` writes: a sign and 20 digits of year, the
    /// rest of the date and time, 9 fractional digits.
    public static let maximumRFC3339Length = 64

    /// Writes ``rfc3339(precision:)``'s text at `out`, which must have room for
    /// ``maximumRFC3339Length`` bytes; returns how many it wrote (the JSON timeline writes two times
    /// per request, straight into its output).
    public func writeRFC3339(precision: TimestampPrecision, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let count = writeRFC3339Second(to: out)
        return count + writeRFC3339Fraction(precision: precision, to: out + count)
    }

    /// Writes the start of ``rfc3339(precision:)``'s text, the date and time of day to the second
    /// and the `.` after it (`2026-11-23T10:36:50.`), at `out`, which must have room for
    /// ``maximumRFC3339Length`` bytes; returns how many it wrote. It depends on ``seconds`` only.
    public func writeRFC3339Second(to out: UnsafeMutablePointer<UInt8>) -> Int {
        // Days since the epoch, floored, and the second within that day.
        let secondsPerDay: Int64 = 86_400
        var days = seconds / secondsPerDay
        var secondOfDay = seconds % secondsPerDay
        if secondOfDay < 0 {
            secondOfDay += secondsPerDay
            days -= 1
        }
        let (year, month, day) = Self.civilDate(fromDaysSinceEpoch: days)
        var count = 0
        func put(_ byte: UInt8) {
            out[count] = byte
            count += 1
        }
        func number(_ value: UInt64, digits: Int) {
            count += DecimalText.write(value, minimumDigits: digits, to: out + count)
        }
        if year < 0 { put(UInt8(ascii: "-")) }
        number(year.magnitude, digits: 4)
        put(UInt8(ascii: "-"))
        number(UInt64(month), digits: 2)
        put(UInt8(ascii: "-"))
        number(UInt64(day), digits: 2)
        put(UInt8(ascii: "T"))
        number(UInt64(secondOfDay / 3600), digits: 2)
        put(UInt8(ascii: ":"))
        number(UInt64((secondOfDay % 3600) / 60), digits: 2)
        put(UInt8(ascii: ":"))
        number(UInt64(secondOfDay % 60), digits: 2)
        put(UInt8(ascii: "."))
        return count
    }

    /// Writes the end of ``rfc3339(precision:)``'s text, the fractional digits and `Z`, at `out`
    /// (with room for 11 bytes); returns how many it wrote. Times of the same second differ only here.
    public func writeRFC3339Fraction(precision: TimestampPrecision, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let fraction = precision == .nanoseconds ? UInt64(nanoseconds) : UInt64(nanoseconds / 1000)
        let count = DecimalText.write(fraction, minimumDigits: precision.rawValue, to: out)
        out[count] = UInt8(ascii: "Z")
        return count + 1
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
