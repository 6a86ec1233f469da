import AnalyzerCore

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
        return (last - first).saturatingAdding(1)
    }

    /// Parses `bytes F-L/T` (unit case-insensitive, white space around parts tolerated).
    ///
    /// Returns `nil` for anything else: another unit, `*` ranges, an unknown total (`/*`), several
    /// ranges, signs, non-digits, numbers past 64 bits, or `L < F` — each a
    /// `malformed-content-range`. A range past the total parses (that is `range-beyond-total`).
    public init?(headerValue: String) {
        guard let parsed = headerValue.withUTF8Bytes(Self.parse) else { return nil }
        self = parsed
    }

    /// ``init(headerValue:)`` on a header value's bytes (``HTTPHeaders/withValueBytes(_:_:)``),
    /// without making a `String` of them: bytes that are not UTF-8 fail the parse either way (none
    /// is a digit, a separator or a letter of `bytes`).
    init?(headerBytes: UnsafeBufferPointer<UInt8>) {
        guard let parsed = Self.parse(headerBytes) else { return nil }
        self = parsed
    }

    /// Parses `bytes F-L/T` from a value's bytes.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ContentRange? {
        plainParse(bytes) ?? generalParse(bytes)
    }

    /// The longest number ``plainParse(_:)`` reads: 19 digits cannot pass `UInt64.max`.
    private static let plainMaxDigits = 19

    /// The range of a value spelt as clients send it, `bytes F-L/T` (lower-case unit, one space,
    /// at most ``plainMaxDigits`` digits a number, nothing else), read in one pass; `nil` for any
    /// other spelling (and for `L < F`), which ``generalParse(_:)`` then decides. On the values it
    /// reads it gives what ``generalParse(_:)`` gives.
    static func plainParse(_ bytes: UnsafeBufferPointer<UInt8>) -> ContentRange? {
        // "bytes 0-0/0" is the shortest; three numbers of the most digits, the longest.
        guard bytes.count >= 11, bytes.count <= 8 + 3 * plainMaxDigits,
              bytes[0] == UInt8(ascii: "b"), bytes[1] == UInt8(ascii: "y"), bytes[2] == UInt8(ascii: "t"),
              bytes[3] == UInt8(ascii: "e"), bytes[4] == UInt8(ascii: "s"), bytes[5] == UInt8(ascii: " ")
        else { return nil }
        var index = 6
        guard let first = plainNumber(bytes, from: &index, endingWith: UInt8(ascii: "-")),
              let last = plainNumber(bytes, from: &index, endingWith: UInt8(ascii: "/")),
              let total = plainNumber(bytes, from: &index, endingWith: nil),
              last >= first
        else { return nil }
        return ContentRange(first: first, last: last, total: total)
    }

    /// The run of 1 to ``plainMaxDigits`` ASCII digits at `index`, followed by `terminator` (read
    /// past) or, for `nil`, by the end of `bytes`; `nil` otherwise.
    @inline(__always)
    private static func plainNumber(_ bytes: UnsafeBufferPointer<UInt8>, from index: inout Int,
                                    endingWith terminator: UInt8?) -> UInt64? {
        let start = index
        var value: UInt64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            // Wraps only past plainMaxDigits digits, which are refused below.
            value = value &* 10 &+ UInt64(digit)
            index += 1
        }
        guard index > start, index - start <= plainMaxDigits else { return nil }
        if let terminator {
            guard index < bytes.count, bytes[index] == terminator else { return nil }
            index += 1
        } else if index != bytes.count {
            return nil
        }
        return value
    }

    /// Parses `bytes F-L/T` from a value's bytes in any spelling the format allows.
    static func generalParse(_ bytes: UnsafeBufferPointer<UInt8>) -> ContentRange? {
        // Rebased buffers start at index 0.
        let value = Self.trimmed(bytes)
        guard value.count >= 6, Self.isBytesUnit(UnsafeBufferPointer(rebasing: value[0..<5])) else { return nil }
        guard value[5] == UInt8(ascii: " ") || value[5] == UInt8(ascii: "=") else { return nil }
        let spec = Self.trimmed(UnsafeBufferPointer(rebasing: value[6...]))
        guard let dash = spec.firstIndex(of: UInt8(ascii: "-")), let slash = spec.firstIndex(of: UInt8(ascii: "/")),
              dash < slash,
              let first = Self.decimal(UnsafeBufferPointer(rebasing: spec[..<dash])),
              let last = Self.decimal(UnsafeBufferPointer(rebasing: spec[(dash + 1)..<slash])),
              let total = Self.decimal(UnsafeBufferPointer(rebasing: spec[(slash + 1)...])),
              last >= first
        else { return nil }
        return ContentRange(first: first, last: last, total: total)
    }

    /// Parses a non-empty run of ASCII digits (surrounding spaces allowed) into a `UInt64`, or `nil`
    /// on any other character or on overflow.
    static func decimal(_ text: Substring) -> UInt64? {
        String(text).withUTF8Bytes { decimal($0) }
    }

    /// `decimal` over UTF-8 bytes: header values are parsed in place, without intermediate strings.
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        let digits = trimmed(bytes)
        // Forty digits are past any 64-bit value even with leading zeros: longer runs are refused
        // unread, however many zeros they start with.
        guard digits.count <= 40 else { return nil }
        return DecimalText.parse(digits)
    }

    /// The bytes without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// Whether five bytes spell `bytes` in any letter case (the first five, of more; of fewer,
    /// whether they begin it).
    static func isBytesUnit(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Indexed, not zipped with the literal's UTF-8 view: that cost some 80 instructions a byte.
        for index in 0..<min(bytes.count, unitLetters.count) where bytes[index] | 0x20 != unitLetters[index] {
            return false
        }
        return true
    }

    /// The unit's letters, lower case.
    private static let unitLetters: [UInt8] = Array("bytes".utf8)

    /// `first-last/total`.
    public var text: String { "\(first)-\(last)/\(total)" }
}
