import ReportOutput
import Testing

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
}
