/// Decimal numbers written straight into a byte buffer, for output built as UTF-8 bytes (the JSON
/// timeline, RFC 3339 timestamps) without an intermediate `String` per number, and read from wire
/// bytes (Content-Length, Content-Range, BITS-Received-Content-Range) without one either.
public enum DecimalText {
    /// Parses `1*DIGIT`, the whole of `digits`, as a `UInt64`; `nil` when empty, when any byte is not
    /// an ASCII digit, or when the value does not fit (the one decimal parser of wire values).
    @inlinable
    public static func parse<Digits: Collection<UInt8>>(_ digits: Digits) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(UInt64(byte &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// Appends `magnitude` in decimal, zero-padded to at least `minimumDigits` digits.
    public static func append(_ magnitude: UInt64, minimumDigits: Int = 1, to text: inout [UInt8]) {
        text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, minimumDigits - digitCount(magnitude))))
        // At most 20 digits: made on the stack, then copied in one piece.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumDigits) { digits in
            let count = write(magnitude, to: digits.baseAddress!)
            text.append(contentsOf: UnsafeBufferPointer(rebasing: digits[0..<count]))
        }
    }

    /// The most digits a `UInt64` has.
    public static let maximumDigits = 20

    /// Writes `magnitude` in decimal (no padding) at `out`, which must have room for
    /// ``maximumDigits`` bytes; returns how many it wrote.
    @inline(__always)
    public static func write(_ magnitude: UInt64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        write(magnitude, minimumDigits: 1, to: out)
    }

    /// Writes `magnitude` in decimal, zero-padded to at least `minimumDigits` digits, at `out`, which
    /// must have room for `max(minimumDigits, maximumDigits)` bytes; returns how many it wrote.
    /// Two digits a step, from the last: one division per pair and one two-byte store, where a
    /// digit at a time cost about twice as much (the JSON timeline writes some forty numbers and
    /// times a session).
    @inline(__always)
    public static func write(_ magnitude: UInt64, minimumDigits: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let count = max(digitCount(magnitude), minimumDigits)
        var remaining = magnitude
        var index = count
        while index >= 2 {
            index -= 2
            let pair = remaining % 100
            remaining /= 100
            // The tens digit first in memory whatever the machine's byte order.
            let text = UInt16(0x30 + pair / 10) | UInt16(0x30 + pair % 10) << 8
            UnsafeMutableRawPointer(out + index).storeBytes(of: text.littleEndian, as: UInt16.self)
        }
        if index == 1 { out[0] = UInt8(ascii: "0") + UInt8(remaining % 10) }
        return count
    }

    /// How many decimal digits `magnitude` has (1 for zero): from its bit length (times 1233/4096,
    /// just under log10 2, gives the count or one less) and one comparison with a power of ten,
    /// where a division per digit cost about five times as much for the six digits of a time's
    /// fraction.
    @inline(__always)
    public static func digitCount(_ magnitude: UInt64) -> Int {
        let nonZero = magnitude | 1
        let guess = ((64 &- nonZero.leadingZeroBitCount) &* 1233) >> 12
        return guess &+ (nonZero >= powersOfTen[guess] ? 1 : 0)
    }

    /// 10 to the powers 0 through 19 (the largest below 2^64).
    @usableFromInline
    static let powersOfTen: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
        10_000_000_000_000_000_000,
    ]

    /// Appends `value` in decimal (`-` first when negative), zero-padded to at least `minimumDigits`.
    public static func append(_ value: Int64, minimumDigits: Int = 1, to text: inout [UInt8]) {
        if value < 0 { text.append(UInt8(ascii: "-")) }
        append(value.magnitude, minimumDigits: minimumDigits, to: &text)
    }
}
