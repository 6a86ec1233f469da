/// A tiny JSON writer with ordered object keys, for expectation files that must not change from one
/// run (or toolchain) to the next.
enum JSONText {
    /// A JSON value; objects keep their keys in the order given.
    indirect enum Value {
        case object([(String, Value)])
        case array([Value])
        case string(String)
        case integer(Int64)
        case unsigned(UInt64)
        case bool(Bool)
        case null

        /// Whether the value has no nested object or array.
        var isScalar: Bool {
            switch self {
            case .object, .array: return false
            default: return true
            }
        }
    }

    /// `value` rendered with two-space indentation; objects and arrays whose members are all
    /// scalars stay on one line. Ends with a newline.
    static func render(_ value: Value) -> String {
        var text = ""
        write(value, indent: 0, into: &text)
        return text + "\n"
    }

    private static func write(_ value: Value, indent: Int, into text: inout String) {
        let inner = String(repeating: " ", count: indent + 2)
        switch value {
        case .object(let members):
            if members.isEmpty {
                text += "{}"
            } else if members.allSatisfy({ $0.1.isScalar }) {
                text += "{" + members.map { quoted($0.0) + ": " + scalar($0.1) }.joined(separator: ", ") + "}"
            } else {
                text += "{\n"
                for (position, member) in members.enumerated() {
                    text += inner + quoted(member.0) + ": "
                    write(member.1, indent: indent + 2, into: &text)
                    text += position + 1 < members.count ? ",\n" : "\n"
                }
                text += String(repeating: " ", count: indent) + "}"
            }
        case .array(let elements):
            if elements.isEmpty {
                text += "[]"
            } else if elements.allSatisfy(\.isScalar) {
                text += "[" + elements.map(scalar).joined(separator: ", ") + "]"
            } else {
                text += "[\n"
                for (position, element) in elements.enumerated() {
                    text += inner
                    write(element, indent: indent + 2, into: &text)
                    text += position + 1 < elements.count ? ",\n" : "\n"
                }
                text += String(repeating: " ", count: indent) + "]"
            }
        default:
            text += scalar(value)
        }
    }

    private static func scalar(_ value: Value) -> String {
        switch value {
        case .string(let string): return quoted(string)
        case .integer(let number): return String(number)
        case .unsigned(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .object, .array: return ""  // never called for these
        }
    }

    /// `string` as a JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    text += "\\u" + BITSGUID.hex(UInt64(scalar.value), width: 4)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text + "\""
    }
}
