import Foundation
import ReportOutput
import Testing
import TestSupport

/// The JSON writer: exact text for the cases that matter (escapes, integer extremes, empty
/// containers, layout), and validity of everything it writes, checked by Foundation's parser.
@Suite struct JSONValueTests {
    @Test("strings are escaped as RFC 8259 requires; other UTF-8 passes through")
    func escaping() {
        let value = JSONValue.string("q\"b\\n\nr\rt\t\u{01}\u{1F}é✓")
        #expect(value.serialized() == #""q\"b\\n\nr\rt\t\u0001\u001fé✓""#)
    }

    @Test("integers are written exactly, extremes included")
    func integers() {
        #expect(JSONValue.int(0).serialized() == "0")
        #expect(JSONValue.int(-42).serialized() == "-42")
        #expect(JSONValue.int(.min).serialized() == "-9223372036854775808")
        #expect(JSONValue.int(.max).serialized() == "9223372036854775807")
        #expect(JSONValue.uint(.max).serialized() == "18446744073709551615")
        #expect(JSONValue.double(.nan).serialized() == "null")
    }

    @Test("pretty and compact layout, empty containers")
    func layout() {
        let value = JSONValue.object([("a", .array([.int(1), .null])), ("b", .object([])), ("c", .array([]))])
        #expect(value.serialized(pretty: false) == #"{"a":[1,null],"b":{},"c":[]}"#)
        #expect(value.serialized() == "{\n  \"a\": [\n    1,\n    null\n  ],\n  \"b\": {},\n  \"c\": []\n}")
        #expect(value.serializedUTF8() == Array(value.serialized().utf8))
    }

    @Test("whatever it writes parses back to the same values", arguments: 1...20)
    func roundTrip(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        let value = JSONValueTests.randomValue(depth: 0, random: &random)
        for pretty in [true, false] {
            let text = Data(value.serializedUTF8(pretty: pretty))
            let parsed = try JSONSerialization.jsonObject(with: text, options: [.fragmentsAllowed])
            #expect(JSONValueTests.matches(value, parsed), "seed \(seed), pretty \(pretty)")
        }
    }

    /// A random tree with hostile strings (control characters, quotes, multi-byte scalars).
    static func randomValue(depth: Int, random: inout SplitMix) -> JSONValue {
        let kind = depth > 3 ? random.next() % 4 : random.next() % 6
        switch kind {
        case 0: return .null
        case 1: return .int(Int64(bitPattern: random.next()) >> (random.next() % 64))
        case 2: return .string(randomString(random: &random))
        case 3: return .bool(random.next() % 2 == 0)
        case 4: return .array((0..<Int(random.next() % 5)).map { _ in randomValue(depth: depth + 1, random: &random) })
        default:
            return .object((0..<Int(random.next() % 5)).map { index in
                ("k\(index)" + randomString(random: &random), randomValue(depth: depth + 1, random: &random))
            })
        }
    }

    static func randomString(random: inout SplitMix) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "\"", "\\", "\n", "\u{0}", "\u{1B}", "\u{7F}", "é", "✓", "😀", "/"]
        var text = ""
        for _ in 0..<Int(random.next() % 12) { text.unicodeScalars.append(alphabet[Int(random.next() % 11)]) }
        return text
    }

    /// Compares a value with what JSONSerialization made of its text.
    static func matches(_ value: JSONValue, _ parsed: Any) -> Bool {
        switch value {
        case .null: return parsed is NSNull
        case .bool(let flag): return (parsed as? NSNumber)?.boolValue == flag
        case .int(let number): return (parsed as? NSNumber)?.int64Value == number
        case .uint(let number): return (parsed as? NSNumber)?.uint64Value == number
        case .double(let number): return (parsed as? NSNumber)?.doubleValue == number
        case .string(let text): return parsed as? String == text
        case .array(let values):
            guard let array = parsed as? [Any], array.count == values.count else { return false }
            return zip(values, array).allSatisfy { matches($0, $1) }
        case .object(let pairs):
            guard let object = parsed as? [String: Any], object.count == Set(pairs.map(\.0)).count else { return false }
            // A repeated key keeps its last value in Foundation's reading.
            var last: [String: JSONValue] = [:]
            for (key, member) in pairs { last[key] = member }
            return last.allSatisfy { key, member in object[key].map { matches(member, $0) } ?? false }
        }
    }
}
