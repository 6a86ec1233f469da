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
        var out = ""
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .uint(let value): out += String(value)
        case .double(let value): out += value.isFinite ? String(value) : "null"
        case .string(let value): Self.writeEscaped(value, to: &out)
        case .array(let values):
            writeContainer(values.map { (nil, $0) }, open: "[", close: "]", to: &out, pretty: pretty, indent: indent)
        case .object(let pairs):
            writeContainer(pairs.map { (Optional($0.0), $0.1) }, open: "{", close: "}", to: &out, pretty: pretty,
                           indent: indent)
        }
    }

    private func writeContainer(
        _ members: [(String?, JSONValue)],
        open: String,
        close: String,
        to out: inout String,
        pretty: Bool,
        indent: Int
    ) {
        out += open
        guard !members.isEmpty else {
            out += close
            return
        }
        let inner = String(repeating: "  ", count: indent + 1)
        for (index, (key, value)) in members.enumerated() {
            if index > 0 { out += "," }
            if pretty { out += "\n" + inner }
            if let key {
                Self.writeEscaped(key, to: &out)
                out += pretty ? ": " : ":"
            }
            value.write(to: &out, pretty: pretty, indent: indent + 1)
        }
        if pretty { out += "\n" + String(repeating: "  ", count: indent) }
        out += close
    }

    private static func writeEscaped(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
