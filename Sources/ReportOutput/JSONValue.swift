import AnalyzerCore

/// A JSON value with object keys kept in the order they were added, so that output is stable and
/// reads in a sensible order (not alphabetically, as `JSONEncoder.sortedKeys` would give).
public indirect enum JSONValue: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer, written exactly.
    case int(Int64)
    /// An unsigned integer, written exactly (byte counts can exceed `Int64` only in theory).
    case uint(UInt64)
    /// A floating-point number; non-finite values are written as `null`.
    case double(Double)
    /// A string, escaped as RFC 8259 requires.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object with ordered keys.
    case object([(String, JSONValue)])

    /// Compares values; objects compare key by key in order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .int(let value): hasher.combine(value)
        case .uint(let value): hasher.combine(value)
        case .double(let value): hasher.combine(value)
        case .string(let value): hasher.combine(value)
        case .array(let values): hasher.combine(values)
        case .object(let pairs):
            for (key, value) in pairs {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }

    /// A string value, or `null` for `nil`.
    public static func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// The value as JSON text. `pretty` puts each member on its own line with two-space indents.
    public func serialized(pretty: Bool = true) -> String {
        String(decoding: serializedUTF8(pretty: pretty), as: UTF8.self)
    }

    /// The value as UTF-8 JSON text (what ``serialized(pretty:)`` returns, without the `String`).
    ///
    /// Written byte by byte into one growing buffer: appending to a `String` scalar by scalar cost
    /// about a thousand instructions per output byte (see docs/performance.md).
    public func serializedUTF8(pretty: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    /// Appends the value as JSON text to `out`, as it would appear nested `indent` levels deep in a
    /// pretty document (``JSONObjectStream`` writes documents piece by piece with it).
    func write(to out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): DecimalText.append(value, to: &out)
        case .uint(let value): DecimalText.append(value, to: &out)
        case .double(let value): out.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
        case .string(let value): Self.writeEscaped(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                Self.separate(index: index, to: &out, pretty: pretty, indent: indent + 1)
                value.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            Self.close(UInt8(ascii: "]"), empty: values.isEmpty, to: &out, pretty: pretty, indent: indent)
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in pairs.enumerated() {
                Self.separate(index: index, to: &out, pretty: pretty, indent: indent + 1)
                Self.writeEscaped(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                value.write(to: &out, pretty: pretty, indent: indent + 1)
            }
            Self.close(UInt8(ascii: "}"), empty: pairs.isEmpty, to: &out, pretty: pretty, indent: indent)
        }
    }

    /// Writes the comma before every member but the first and, when pretty, the member's new line.
    static func separate(index: Int, to out: inout [UInt8], pretty: Bool, indent: Int) {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        if pretty { newLine(indent: indent, to: &out) }
    }

    static func close(_ bracket: UInt8, empty: Bool, to out: inout [UInt8], pretty: Bool, indent: Int) {
        if pretty && !empty { newLine(indent: indent, to: &out) }
        out.append(bracket)
    }

    private static func newLine(indent: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        var remaining = 2 * indent
        while remaining > 0 {
            let step = min(remaining, spaces.count)
            out.append(contentsOf: spaces[0..<step])
            remaining -= step
        }
    }

    /// Indentation, copied in slices (appending a repeated element goes byte by byte).
    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 32)

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether `byte` must be escaped in a JSON string: a control character, `"` or `\\`.
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether any byte of `bytes` must be escaped (``needsEscape(_:)``), eight bytes at a time: a
    /// lane below 0x20, or equal to `"` or `\\`, found with the borrow tricks of "Bit Twiddling
    /// Hacks" (exact for the word as a whole). The tail is the last eight bytes read again as one
    /// word, and a text of 4 to 7 bytes is two overlapping halves of one, so that only texts
    /// shorter than 4 bytes go byte by byte. Every string of the timeline is asked this; session
    /// IDs are 38 bytes, most others under 16.
    @inline(__always)
    static func containsEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        guard count >= 8 else {
            guard count >= 4 else { return bytes.contains(where: needsEscape) }
            let head = UInt64(raw.loadUnaligned(as: UInt32.self))
            let tail = UInt64(raw.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self))
            return wordContainsEscape(head | tail << 32)
        }
        var offset = 0
        while offset &+ 8 <= count {
            if wordContainsEscape(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) { return true }
            offset &+= 8
        }
        return offset < count && wordContainsEscape(raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
    }

    /// Whether any of the eight bytes of `word` must be escaped (exact: a borrow only marks lanes
    /// above one already marked).
    @inline(__always)
    private static func wordContainsEscape(_ word: UInt64) -> Bool { escapeLanes(word) != 0 }

    /// Nonzero when any of the eight bytes of `word` must be escaped (high bits of lanes; a lane
    /// above a marked one may be marked too): the results of several words may be or-ed.
    @inline(__always)
    static func escapeLanes(_ word: UInt64) -> UInt64 {
        let lanes: UInt64 = 0x0101_0101_0101_0101
        let high = 0x80 &* lanes
        let below20 = (word &- 0x20 &* lanes) & ~word & high
        let quote = word ^ (0x22 &* lanes), backslash = word ^ (0x5C &* lanes)
        let isQuote = (quote &- lanes) & ~quote & high
        let isBackslash = (backslash &- lanes) & ~backslash & high
        return below20 | isQuote | isBackslash
    }

    static func writeEscaped(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: copy them whole.
        let needsEscape = text.utf8.withContiguousStorageIfAvailable(Self.containsEscape)
        if needsEscape == false {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
            default: out.append(byte)  // UTF-8 multi-byte sequences pass through unchanged.
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
