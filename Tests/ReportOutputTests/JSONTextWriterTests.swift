import AnalyzerCore
@testable import ReportOutput
import Testing

/// The streaming writer against the tree: same text, byte for byte, whether a member's prefix is
/// made, kept and copied (short keys, the same key at several levels, first members and later ones,
/// a writer used again) or too long to keep.
@Suite struct JSONTextWriterTests {
    /// Writes `levels` nested objects, each with three keys (short, 38 bytes, over the kept room)
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

    /// Starting indents whose levels are not kept (negative, or past 32,767), or only partly, are
    /// written as the tree writes them at that indent.
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

    /// IPv4 endpoints are written in place: the same text as their description.
    @Test func endpointsAreTheirDescriptions() {
        let endpoints: [Endpoint?] = [
            Endpoint(address: .v4(0), port: 0), Endpoint(address: .v4(0xFFFF_FFFF), port: 65_535),
            Endpoint(address: .v4(0x0A01_000A), port: 49_152), Endpoint(address: .v6(0x2001_0DB8 << 32, 1), port: 80), nil,
        ]
        var json = JSONTextWriter(pretty: false, capacity: 1)
        json.beginArray()
        for endpoint in endpoints { json.endpoint(endpoint) }
        json.endArray()
        let tree = JSONValue.array(endpoints.map { $0.map { .string($0.description) } ?? .null })
        json.withBytes { #expect(Array($0) == tree.serializedUTF8(pretty: false)) }
        #expect(endpoints[1]?.description == "255.255.255.255:65535")
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
}
