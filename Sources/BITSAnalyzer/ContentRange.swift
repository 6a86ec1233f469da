/// A `Content-Range: bytes first-last/total` value of a Fragment (0-based, inclusive).
public struct ContentRange: Hashable, Sendable {
    /// Offset of the first byte.
    public var first: UInt64
    /// Offset of the last byte (inclusive).
    public var last: UInt64
    /// Length of the whole upload.
    public var total: UInt64

    /// Creates a range.
    public init(first: UInt64, last: UInt64, total: UInt64) {
        self.first = first
        self.last = last
        self.total = total
    }

    /// Bytes the range covers (`last - first + 1`); 0 when `last < first`, and `UInt64.max` for
    /// `0-18446744073709551615`, whose 2^64 bytes do not fit the type.
    public var length: UInt64 {
        guard last >= first else { return 0 }
        let (length, overflow) = (last - first).addingReportingOverflow(1)
        return overflow ? .max : length
    }

    /// Parses `bytes F-L/T` (unit case-insensitive, white space around parts tolerated).
    ///
    /// Returns `nil` for anything else: another unit, `*` ranges, an unknown total (`/*`), several
    /// ranges, signs, non-digits, numbers past 64 bits, or `L < F` — each a
    /// `malformed-content-range`. A range past the total parses (that is `range-beyond-total`).
    public init?(headerValue: String) {
        var text = Substring(headerValue.trimmingASCIIWhitespace())
        guard text.count >= 6, text.prefix(5).lowercased() == "bytes" else { return nil }
        text = text.dropFirst(5)
        guard let space = text.first, space == " " || space == "=" else { return nil }
        text = Substring(String(text.dropFirst()).trimmingASCIIWhitespace())
        guard let dash = text.firstIndex(of: "-"), let slash = text.firstIndex(of: "/"), dash < slash else { return nil }
        guard let first = Self.decimal(text[..<dash]),
              let last = Self.decimal(text[text.index(after: dash)..<slash]),
              let total = Self.decimal(text[text.index(after: slash)...]),
              last >= first
        else { return nil }
        self.init(first: first, last: last, total: total)
    }

    /// Parses a non-empty run of ASCII digits (surrounding spaces allowed) into a `UInt64`, or `nil`
    /// on any other character or on overflow.
    static func decimal(_ text: Substring) -> UInt64? {
        let digits = String(text).trimmingASCIIWhitespace()
        guard !digits.isEmpty, digits.count <= 40 else { return nil }
        var value: UInt64 = 0
        for scalar in digits.unicodeScalars {
            guard scalar.value >= 48, scalar.value <= 57 else { return nil }
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(UInt64(scalar.value - 48))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    /// `first-last/total`.
    public var text: String { "\(first)-\(last)/\(total)" }
}
