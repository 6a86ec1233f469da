/// Decimal numbers written straight into a byte buffer, for output built as UTF-8 bytes (the JSON
/// timeline, RFC 3339 timestamps) without an intermediate `String` per number.
public enum DecimalText {
    /// Appends `magnitude` in decimal, zero-padded to at least `minimumDigits` digits.
    public static func append(_ magnitude: UInt64, minimumDigits: Int = 1, to text: inout [UInt8]) {
        var count = 1
        var rest = magnitude / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        let width = max(count, minimumDigits)
        let start = text.count
        text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        // Digits from the last position backwards; the padding stays zeros.
        var remaining = magnitude
        for index in stride(from: start + width - 1, through: start + width - count, by: -1) {
            text[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
    }

    /// Appends `value` in decimal (`-` first when negative), zero-padded to at least `minimumDigits`.
    public static func append(_ value: Int64, minimumDigits: Int = 1, to text: inout [UInt8]) {
        if value < 0 { text.append(UInt8(ascii: "-")) }
        append(value.magnitude, minimumDigits: minimumDigits, to: &text)
    }
}
