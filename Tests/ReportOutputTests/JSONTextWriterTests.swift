import AnalyzerCore
@testable import ReportOutput
import Testing

/// The streaming writer against the tree: same text, byte for byte, for keys short and long, the
/// same key at several levels, first members and later ones, and a writer used again.
@Suite struct JSONTextWriterTests {
    /// Writes `levels` nested objects, each with three keys (short, 38 bytes, over 48 bytes)
    /// and an array of two objects with the same keys, and returns the same as a tree.
    private static func write(levels: Int, to json: inout JSONTextWriter) -> JSONValue {
        json.beginObject()
        var members: [(String, JSONValue)] = []
        json.key("id"); json.uint(UInt64(levels))
        members.append(("id", .uint(UInt64(levels))))
        json.key("a_key_of_thirty_eight_bytes_1234567890"); json.string("x\"y")
        members.append(("a_key_of_thirty_eight_bytes_1234567890", .string("x\"y")))
        json.key("a_key_far_too_long_to_keep_as_a_prefix_in_forty_eight_bytes"); json.null()
        members.append(("a_key_far_too_long_to_keep_as_a_prefix_in_forty_eight_bytes", .null))
        json.key("items"); json.beginArray()
        var items: [JSONValue] = []
        for index in 0..<2 {
            json.beginObject()
            json.key("id"); json.int(Int64(-index))
            json.key("a_key_of_thirty_eight_bytes_1234567890"); json.bool(index == 0)
            json.endObject()
            items.append(.object([("id", .int(Int64(-index))), ("a_key_of_thirty_eight_bytes_1234567890", .bool(index == 0))]))
        }
        json.endArray()
        members.append(("items", .array(items)))
        if levels > 1 {
            json.key("inner")
            members.append(("inner", write(levels: levels - 1, to: &json)))
        }
        json.key("empty"); json.beginObject(); json.endObject()
        members.append(("empty", .object([])))
        json.endObject()
        return .object(members)
    }

    /// Odd starting indents (negative, or past 32,767) are written as the tree writes them at that
    /// indent.
    @Test(arguments: [-3, 0, 5, 32_766, 40_000])
    func oddStartingIndentsWriteWhatTheTreeWrites(indent: Int) {
        var json = JSONTextWriter(indent: indent)
        let tree = Self.write(levels: 3, to: &json)
        var expected: [UInt8] = []
        tree.write(to: &expected, pretty: true, indent: indent)
        json.withBytes { #expect(Array($0) == expected, "indent \(indent)") }
    }

    /// A value larger than the storage a writer keeps, then the usual ones: each as the tree writes
    /// it (the grown storage is given back in between).
    @Test func aWriterUsedAgainAfterALargeValueWritesWhatTheTreeWrites() {
        var json = JSONTextWriter(indent: 0, capacity: 16)
        let large = String(repeating: "x", count: JSONTextWriter.keptCapacity + 10)
        json.beginArray()
        json.string(large)
        json.endArray()
        json.withBytes { #expect(Array($0) == JSONValue.array([.string(large)]).serializedUTF8(pretty: true)) }
        json.removeAll()
        let tree = Self.write(levels: 2, to: &json)
        json.withBytes { #expect(Array($0) == tree.serializedUTF8(pretty: true)) }
    }

    /// IPv4 endpoints are written in place, or copied when written just before (the same, after an
    /// IPv6 one or `null`, after one of another port): the same text as their description.
    @Test func endpointsAreTheirDescriptions() {
        let v4 = Endpoint(address: .v4(0x0A01_000A), port: 49_152)
        let endpoints: [Endpoint?] = [
            Endpoint(address: .v4(0), port: 0), Endpoint(address: .v4(0), port: 0), Endpoint(address: .v4(0xFFFF_FFFF), port: 65_535),
            v4, v4, v4, Endpoint(address: .v6(0x2001_0DB8 << 32, 1), port: 80), v4, nil, v4,
            Endpoint(address: .v4(0x0A01_000A), port: 49_153), v4, Endpoint(address: .v4(0x0A01_000B), port: 49_152), v4,
        ]
        var json = JSONTextWriter(pretty: false, capacity: 1)
        json.beginArray()
        for endpoint in endpoints { json.endpoint(endpoint) }
        json.endArray()
        let tree = JSONValue.array(endpoints.map { $0.map { .string($0.description) } ?? .null })
        json.withBytes { #expect(Array($0) == tree.serializedUTF8(pretty: false)) }
        #expect(endpoints[2]?.description == "255.255.255.255:65535")
    }

    @Test(arguments: [true, false])
    func writesWhatTheTreeWrites(pretty: Bool) {
        var json = JSONTextWriter(pretty: pretty, indent: 0, capacity: 16)
        for round in 0..<3 {
            // Deeper each round: the keys come at levels whose prefixes are not kept yet.
            json.removeAll()
            let tree = Self.write(levels: 2 + round, to: &json)
            let expected = tree.serializedUTF8(pretty: pretty)
            json.withBytes { written in
                #expect(Array(written) == expected, "round \(round):\n\(String(decoding: written, as: UTF8.self))")
            }
        }
    }

    /// Writes an object whose members come as `null` runs, single `null` members, optional members
    /// present and absent, and a run too long to keep, at `levels` levels, and returns the same as
    /// a tree.
    private static func writeNullRuns(levels: Int, present: Bool, to json: inout JSONTextWriter) -> JSONValue {
        json.beginObject()
        var members: [(String, JSONValue)] = []
        // A run as the first member: its kept text without the comma.
        json.nullMembers("error_code error_name error_meaning")
        members += [("error_code", .null), ("error_name", .null), ("error_meaning", .null)]
        json.key("id"); json.uint(UInt64(levels))
        members.append(("id", .uint(UInt64(levels))))
        json.nullMembers("range")
        members.append(("range", .null))
        json.member("received", present ? UInt64(339) : nil) { $0.uint($1) }
        members.append(("received", present ? .uint(339) : .null))
        json.member("reason", present ? "a \"quoted\"\nreason" : nil) { $0.string($1) }
        members.append(("reason", present ? .string("a \"quoted\"\nreason") : .null))
        // Over the room a run is kept in: written member by member every time.
        json.nullMembers("""
            a_first_rather_long_member_name a_second_rather_long_member_name a_third_rather_long_member_name \
            a_fourth_rather_long_member_name a_fifth_rather_long_member_name a_sixth_rather_long_member_name
            """)
        for ordinal in ["first", "second", "third", "fourth", "fifth", "sixth"] {
            members.append(("a_\(ordinal)_rather_long_member_name", .null))
        }
        json.key("items"); json.beginArray()
        var items: [JSONValue] = []
        for index in 0..<2 {
            json.beginObject()
            json.nullMembers("range")
            json.key("id"); json.int(Int64(-index))
            json.endObject()
            items.append(.object([("range", .null), ("id", .int(Int64(-index)))]))
        }
        json.endArray()
        members.append(("items", .array(items)))
        if levels > 1 {
            json.key("inner")
            members.append(("inner", writeNullRuns(levels: levels - 1, present: !present, to: &json)))
        }
        json.key("only"); json.beginObject(); json.nullMembers("range"); json.endObject()
        members.append(("only", .object([("range", .null)])))
        json.nullMembers("error_code error_name error_meaning")
        members += [("error_code", .null), ("error_name", .null), ("error_meaning", .null)]
        json.endObject()
        return .object(members)
    }

    /// Runs of `null` members and optional members, first or not, compact or pretty,
    /// at odd starting indents, with the writer used again: each as the tree writes it.
    @Test(arguments: [(true, 0), (false, 0), (true, 2), (true, -3), (true, 40_000), (false, 32_766)])
    func nullRunsWriteWhatTheTreeWrites(pretty: Bool, indent: Int) {
        var json = JSONTextWriter(pretty: pretty, indent: indent, capacity: 16)
        for round in 0..<3 {
            json.removeAll()
            let tree = Self.writeNullRuns(levels: 2 + round, present: round == 1, to: &json)
            var expected: [UInt8] = []
            tree.write(to: &expected, pretty: pretty, indent: indent)
            json.withBytes { written in
                #expect(Array(written) == expected, "round \(round):\n\(String(decoding: written, as: UTF8.self))")
            }
        }
    }

    /// Times of both precisions, at the ends of the second and of the representable range, and
    /// nanoseconds past a second (a timestamp changed in place): what the tree writes for their text.
    @Test(arguments: [TimestampPrecision.microseconds, .nanoseconds])
    func timesAreTheirText(precision: TimestampPrecision) {
        var times: [CaptureTimestamp?] = [nil]
        for seconds: Int64 in [0, 1_800_000_000, -1, -86_401, 253_402_300_799, Int64.max / 2, Int64.min / 2] {
            for nanoseconds: UInt32 in [0, 1, 9, 999, 1000, 60_000, 123_456_789, 999_999, 1_000_000, 999_999_999] {
                times.append(CaptureTimestamp(seconds: seconds, nanoseconds: nanoseconds))
            }
        }
        var outOfRange = CaptureTimestamp(seconds: 5, nanoseconds: 0)
        outOfRange.nanoseconds = 1_234_567_891
        times.append(outOfRange)
        var json = JSONTextWriter(pretty: true, indent: 1, capacity: 1)
        json.beginArray()
        for time in times { json.time(time, precision: precision) }
        json.endArray()
        let tree = JSONValue.array(times.map { $0.map { .string($0.rfc3339(precision: precision)) } ?? .null })
        var expected: [UInt8] = []
        tree.write(to: &expected, pretty: true, indent: 1)
        json.withBytes { #expect(Array($0) == expected) }
    }

    /// Numbers around each count of digits, and the ends of their types: what the tree writes.
    @Test func numbersAreTheirText() {
        var unsigned: [UInt64] = [UInt64.max, UInt64.max - 1]
        for digits in 0..<20 {
            let power = (0..<digits).reduce(UInt64(1)) { value, _ in value * 10 }
            unsigned += [power - 1, power, power + 1, power + power / 3]
        }
        unsigned += Array(0..<10_050)
        let signed: [Int64] = [Int64.min, Int64.min + 1, Int64.max, -1, -10, -9_999, -10_000, 0] + unsigned.lazy
            .filter { $0 <= UInt64(Int64.max) }.map { Int64($0) }
        var json = JSONTextWriter(pretty: false, capacity: 1)
        json.beginArray()
        for value in unsigned { json.uint(value) }
        for value in signed { json.int(value) }
        json.endArray()
        let tree = JSONValue.array(unsigned.map { .uint($0) } + signed.map { .int($0) })
        json.withBytes { #expect(Array($0) == tree.serializedUTF8(pretty: false)) }
    }

    /// Many keys (ten at each of 60 levels, twice): the text stays what the tree writes.
    @Test func moreKeysThanSlotsWriteWhatTheTreeWrites() {
        func nested(_ level: Int, to json: inout JSONTextWriter) -> JSONValue {
            json.beginObject()
            var members: [(String, JSONValue)] = []
            func add(_ key: StaticString, _ value: Int) {
                json.key(key); json.int(Int64(value))
                members.append((key.description, .int(Int64(value))))
            }
            add("alpha", level); add("bravo", 1); add("charlie", 2); add("delta", 3); add("echo", 4)
            if level < 60 {
                json.key("inner")
                members.append(("inner", nested(level + 1, to: &json)))
            }
            add("foxtrot", 5); add("golf", 6); add("hotel", 7); add("india", 8); add("juliett", 9)
            json.endObject()
            return .object(members)
        }
        var json = JSONTextWriter(indent: 0)
        for _ in 0..<2 {
            json.removeAll()
            let tree = nested(0, to: &json)
            json.withBytes { #expect(Array($0) == tree.serializedUTF8(pretty: true)) }
        }
    }

    /// Strings of every length up to 40 bytes, plain and with an escape at each end, and strings
    /// that are not native (bridged-like `Substring` copies, multi-byte text): what the tree writes.
    @Test func stringsAreTheirText() {
        var strings: [String] = ["", "é", "日本語のテキスト", "tab\there"]
        for length in 1...40 {
            let plain = String(repeating: "a", count: length)
            strings += [plain, "\"" + plain, plain + "\\", plain + "\u{1F}", String(plain.dropFirst()) + "é"]
        }
        var json = JSONTextWriter(pretty: true, indent: 3, capacity: 1)
        json.beginArray()
        for string in strings { json.string(string) }
        json.endArray()
        let tree = JSONValue.array(strings.map { .string($0) })
        var expected: [UInt8] = []
        tree.write(to: &expected, pretty: true, indent: 3)
        json.withBytes { #expect(Array($0) == expected) }
    }

    /// Strings checked and copied in one pass, word by word: every ASCII byte value (escaped or
    /// not) at every position of strings of every length up to 24 and from 33 to 40 (the short
    /// halves, the word loop and its overlapping last word), and a two-byte character at every
    /// position: what the tree writes.
    @Test func everyByteAtEveryPositionIsItsText() {
        var strings: [String] = []
        for length in Array(1...24) + Array(33...40) {
            for position in 0..<length {
                for byte in UInt8(0)...UInt8(0x7F) {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = byte
                    strings.append(String(decoding: bytes, as: UTF8.self))
                }
                strings.append(String(repeating: "b", count: position) + "é" + String(repeating: "c", count: length - position))
            }
        }
        var json = JSONTextWriter(pretty: false, capacity: 1)
        json.beginArray()
        for string in strings { json.string(string) }
        json.endArray()
        let expected = JSONValue.array(strings.map { .string($0) }).serializedUTF8(pretty: false)
        json.withBytes { #expect(Array($0) == expected) }
    }
}
