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

/// The text handed on in its storage (``JSONObjectStream/init(pretty:flushThreshold:handOff:)``,
/// the timeline's path to its writing thread): the pieces make the same text as the tree, at any
/// threshold, whether the receiver keeps the storage and gives back its own (larger, smaller or
/// the same size) or only reads it.
@Suite struct JSONObjectStreamHandOffTests {
    @Test("pieces handed off in their storage make the tree's text", arguments: [0, 1, 2, 3])
    func handedOffPiecesEqualTree(giveBack: Int) {
        var random = SplitMix(seed: 7)
        let elements = (0..<300).map { _ in JSONValueTests.randomValue(depth: 1, random: &random) }
        let expected = JSONValue.object([("head", .string("h")), ("items", .array(elements + [.uint(5)]))])
            .serializedUTF8() + [UInt8(ascii: "\n")]
        for threshold in [1, 7, 100, 1_000, 5_000, 1 << 20] {
            var text: [UInt8] = []
            var pieces = 0
            var stream = JSONObjectStream(flushThreshold: threshold) { store in
                text += store.text
                pieces += 1
                switch giveBack {
                case 1, 2, 3:
                    // The receiver keeps the storage and gives back its own: 16 bytes (smaller
                    // than the writer's: replaced), the same size, or past the kept capacity.
                    let capacity = [16, store.capacity, JSONTextWriter.keptCapacity + 1][giveBack - 1]
                    store.bytes.deallocate()
                    store.bytes = JSONTextStore.allocate(capacity: capacity)
                    store.capacity = capacity
                default: break
                }
            }
            stream.member("head", .string("h"))
            stream.beginArrayMember("items")
            for element in elements { stream.arrayElement(element) }
            stream.arrayElement { $0.uint(5) }
            stream.endArrayMember()
            stream.finish(trailer: [UInt8(ascii: "\n")])
            #expect(text == expected, "threshold \(threshold)")
            if threshold == 1 { #expect(pieces > 300) }
        }
    }
}
