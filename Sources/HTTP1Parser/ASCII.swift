#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte constants and character classes of HTTP/1.1 syntax (RFC 9110 §5.6, RFC 9112).
enum ASCII {
    /// LF, the end of every line (a CR before it is optional on input).
    static let lineFeed: UInt8 = 0x0A
    /// CR.
    static let carriageReturn: UInt8 = 0x0D
    /// SP, the separator in start lines.
    static let space: UInt8 = 0x20
    /// HT, optional whitespace like SP.
    static let tab: UInt8 = 0x09
    /// `:` between a field name and its value.
    static let colon: UInt8 = 0x3A
    /// `;` before parameters and chunk extensions.
    static let semicolon: UInt8 = 0x3B
    /// `,` between list elements.
    static let comma: UInt8 = 0x2C
    /// `.` in versions.
    static let dot: UInt8 = 0x2E

    /// Whether `byte` may appear in a token (method, field name): RFC 9110 `tchar` (digits, letters
    /// and ``!#$%&'*+-.^_`|~``). One bit per byte below 128 (``tokenBitsLow`` for 0–63,
    /// ``tokenBitsHigh`` for 64–127): a shift and a mask, where a switch over ranges cost several
    /// compares on every byte of every field name.
    @inline(__always)
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        let bits = byte < 64 ? tokenBitsLow : byte < 128 ? tokenBitsHigh : 0
        return bits >> UInt64(byte & 63) & 1 != 0
    }

    /// Where the field name that starts `bytes[start..<end]` ends: the index of the first colon when
    /// every byte before it is a token character (``isTokenCharacter(_:)``) and there is at least
    /// one; `nil` when the line is not `name:` (no colon, an empty name, or any other byte first).
    /// Finds the colon and checks the name in one pass, eight bytes at a time while they are
    /// letters, digits and `-` (what field names are made of); other bytes, and the last few of the
    /// range, one at a time. Every field line of every head is read this way.
    static func fieldNameEnd(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        guard start >= 0, start <= end, end <= bytes.count, let raw = bytes.baseAddress else { return nil }
        var position = start
        while position < end {
            if end - position >= 8 {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                let others = ~nameLanes(word) & 0x8080_8080_8080_8080
                guard others != 0 else {
                    position += 8
                    continue
                }
                // Lanes are bytes in order: the lowest flagged lane is the first byte of another kind.
                position += others.trailingZeroBitCount >> 3
            }
            let byte = bytes[position]
            if byte == colon { return position > start ? position : nil }
            guard isTokenCharacter(byte) else { return nil }
            position += 1
        }
        return nil
    }

    /// Bit 7 of each lane of `word` (a little-endian load, so lanes are bytes in order) set when that
    /// byte is an ASCII letter, a digit or `-`. Exact for every lane up to and including the first
    /// byte from 0x80 up (itself never flagged); lanes after it may be wrong, so callers look at the
    /// first unflagged lane only.
    @inline(__always)
    private static func nameLanes(_ word: UInt64) -> UInt64 {
        let lanes: UInt64 = 0x0101_0101_0101_0101
        let high = 0x80 &* lanes
        // Below 0x80 in every lane, adding up to 0x7F carries into no other lane: bit 7 of a lane
        // of `x + (0x80 - bound)` says whether the byte is at least `bound`. A lane from 0x80 up may
        // carry into the lanes after it, never into those before.
        let lower = word | (0x20 &* lanes)
        let letter = (lower &+ (0x80 - 0x61) &* lanes) & ~(lower &+ (0x80 - 0x7B) &* lanes)
        let digit = (word &+ (0x80 - 0x30) &* lanes) & ~(word &+ (0x80 - 0x3A) &* lanes)
        let dashBits = word ^ (0x2D &* lanes)
        let dash = ~(((dashBits & (0x7F &* lanes)) &+ 0x7F &* lanes) | dashBits)
        return (letter | digit | dash) & ~word & high
    }

    /// The `tchar` bits for bytes 0–63.
    private static let tokenBitsLow: UInt64 = 0x03FF6CFA00000000
    /// The `tchar` bits for bytes 64–127 (bit `byte - 64`).
    private static let tokenBitsHigh: UInt64 = 0x57FFFFFFC7FFFFFE

    /// Whether `byte` is a control character other than tab (not allowed in start lines).
    @inline(__always)
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != tab) || byte == 0x7F
    }

    /// Where the first control byte (``isControl(_:)``) of `bytes[start..<end]` is, or `end` when
    /// there is none: eight bytes at a time (start lines are text of forty to a hundred bytes, each
    /// checked for control bytes), the last few one at a time. Bounds outside `bytes` (or `start`
    /// past `end`) give `start`: as if a control byte were there.
    static func firstControl(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        guard start >= 0, start <= end, end <= bytes.count, let base = bytes.baseAddress else { return start }
        var position = start
        while end - position >= 8 {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let control = controlLanes(word)
            // Lanes are bytes in order: the lowest flagged lane is the first control byte.
            if control != 0 { return position + control.trailingZeroBitCount >> 3 }
            position += 8
        }
        while position < end, !isControl(bytes[position]) { position += 1 }
        return position
    }

    /// Bit 7 of each lane of `word` (a little-endian load, so lanes are bytes in order) set exactly
    /// when that byte is a control byte (``isControl(_:)``). Computed on the low seven bits of each
    /// lane, which no sum below carries out of, and cleared for bytes from 0x80 up.
    @inline(__always)
    private static func controlLanes(_ word: UInt64) -> UInt64 {
        let lanes: UInt64 = 0x0101_0101_0101_0101
        let high = 0x80 &* lanes
        let low = word & ~high
        let below20 = ~(low &+ (0x80 - 0x20) &* lanes) & high
        let tabBits = low ^ (UInt64(tab) &* lanes)
        let isTab = ~((tabBits &+ 0x7F &* lanes) | tabBits) & high
        let isDelete = (low &+ lanes) & high
        return ((below20 & ~isTab) | isDelete) & ~word
    }

    /// Whether `byte` is optional whitespace (space or tab).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// The value of a decimal digit, or `nil`.
    @inline(__always)
    static func decimalValue(_ byte: UInt8) -> UInt8? {
        (0x30...0x39).contains(byte) ? byte - 0x30 : nil
    }

    /// The value of a hexadecimal digit (either case), or `nil`.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// `byte` lower-cased if it is an ASCII capital letter.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }

    /// Whether two byte sequences are equal ignoring ASCII case.
    static func equalsIgnoringCase<Left: Collection, Right: Collection>(_ lhs: Left, _ rhs: Right) -> Bool
    where Left.Element == UInt8, Right.Element == UInt8 {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// `bytes` with leading and trailing spaces and tabs removed.
    static func trimmingWhitespace(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        bytes[trimmedRange(bytes, bytes.startIndex..<bytes.endIndex)]
    }

    /// `range` of `bytes` without its leading and trailing spaces and tabs (the head parser trims
    /// field values in a raw buffer this way).
    @inline(__always)
    static func trimmedRange<Bytes: RandomAccessCollection>(_ bytes: Bytes, _ range: Range<Int>) -> Range<Int>
        where Bytes.Index == Int, Bytes.Element == UInt8 {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// Calls `body` with `string`'s UTF-8 bytes, borrowed in place (`withUTF8` needs a mutable copy,
    /// which costs a retain and a release); only a bridged string, which Linux never has, is copied.
    @inline(__always)
    static func withBytes<Result>(of string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return copy.withUTF8(body)
    }

    /// Text for a report, decoded as UTF-8 (invalid sequences replaced).
    static func string<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }

    /// ``string(_:)`` of `bytes`, or `usual` itself when `bytes` spell it exactly (a method or reason
    /// phrase nearly every message has: the literal is not decoded again for each head).
    static func string(_ bytes: ArraySlice<UInt8>, usually usual: String) -> String {
        bytes.withUnsafeBufferPointer { string($0, usually: usual) }
    }

    /// ``string(_:usually:)-(ArraySlice<UInt8>,_)`` of bytes lent in place (the head parser reads
    /// a head's start line parts so, without a slice of its storage to retain and release).
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, usually usual: String) -> String {
        let same = withBytes(of: usual) { theirs in
            guard bytes.count == theirs.count, let left = bytes.baseAddress, let right = theirs.baseAddress else {
                return bytes.isEmpty && theirs.isEmpty
            }
            return memcmp(left, right, bytes.count) == 0
        }
        return same ? usual : string(bytes)
    }

    /// At most `limit` bytes as text for an anomaly message, with `…` when cut.
    static func evidence<Bytes: Collection>(_ bytes: Bytes, limit: Int = 40) -> String where Bytes.Element == UInt8 {
        bytes.count > limit ? string(bytes.prefix(limit)) + "…" : string(bytes)
    }
}
