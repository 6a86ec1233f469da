import ReportOutput
import Testing
import TestSupport

/// The streamed writer must give exactly the text of the whole-tree writer, however the pieces fall.
@Suite struct JSONObjectStreamTests {
    @Test("streamed object equals the serialized tree", arguments: 1...10)
    func equalsTree(seed: UInt64) {
        var random = SplitMix(seed: seed)
        // Enough elements to cross the flush threshold several times for the larger seeds.
        let elements = (0..<Int(seed) * 400).map { _ in JSONValueTests.randomValue(depth: 1, random: &random) }
        let head = JSONValueTests.randomValue(depth: 1, random: &random)
        let tree = JSONValue.object([("head", head), ("items", .array(elements)), ("empty", .array([]))])

        var pieces: [[UInt8]] = []
        var stream = JSONObjectStream { pieces.append($0) }
        stream.member("head", head)
        stream.arrayMember("items", elements) { $0 }
        stream.arrayMember("empty", [JSONValue]()) { $0 }
        stream.finish()

        #expect(pieces.flatMap { $0 } == tree.serializedUTF8())
        if seed == 10 { #expect(pieces.count > 1, "a large array is handed on in several pieces") }
    }

    @Test("an object without members")
    func emptyObject() {
        var text: [UInt8] = []
        var stream = JSONObjectStream { text += $0 }
        stream.finish()
        #expect(String(decoding: text, as: UTF8.self) == "{}")
    }

    /// Elements written through the stream's ``JSONTextWriter`` (the timeline's sessions): the
    /// first without a comma, the others after the separator made once, compact or pretty, an
    /// empty array member closed as the tree closes it.
    @Test("elements written through the text writer equal the serialized tree", arguments: [true, false])
    func writtenElementsEqualTree(pretty: Bool) {
        for count in [0, 1, 2, 5] {
            var text: [UInt8] = []
            var stream = JSONObjectStream(pretty: pretty) { text += $0 }
            stream.beginArrayMember("items")
            for index in 0..<count {
                stream.arrayElement { json in
                    json.beginObject()
                    json.key("index"); json.int(Int64(index))
                    json.nullMembers("error_code error_name")
                    json.endObject()
                }
            }
            stream.endArrayMember()
            stream.finish()
            let items = (0..<count).map { JSONValue.object([("index", .int(Int64($0))), ("error_code", .null), ("error_name", .null)]) }
            #expect(text == JSONValue.object([("items", .array(items))]).serializedUTF8(pretty: pretty), "\(count) elements")
        }
    }
}
