@testable import BITSAnalyzer
import Testing

/// The session-ID digest: case-blind, word-at-a-time folding equal to folding byte by byte.
@Suite struct CaseFoldedDigestTests {
    /// Every byte value in every lane of a word folds as the byte-by-byte rule folds it.
    @Test func wordFoldingMatchesByteFolding() {
        for byte in UInt8.min...UInt8.max {
            for lane in 0..<8 {
                // The byte in one lane, `Z` + 1 (`[`) and `@` (`A` - 1) around it to catch carries.
                var bytes: [UInt8] = [0x5B, 0x40, 0x5B, 0x40, 0x5B, 0x40, 0x5B, 0x40]
                bytes[lane] = byte
                let word = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
                let expected = bytes.map(String.lowerASCII).enumerated()
                    .reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
                #expect(String.lowerASCII(word: word) == expected, "byte \(byte) in lane \(lane)")
            }
        }
    }

    @Test func spellingsOfOneIDShareADigest() {
        let id = "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}"
        #expect(id.caseFoldedDigest == id.lowercased().caseFoldedDigest)
        #expect(id.caseFoldedDigest == "{9cebE8a6-d050-4D01-92a7-64fb66ABC9cf}".caseFoldedDigest)
    }

    @Test func differentIDsAndLengthsDiffer() {
        let id = "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}"
        // One character changed at every position, including the tail past the last whole word.
        for index in id.utf8.indices {
            var bytes = Array(id.utf8)
            let position = id.utf8.distance(from: id.utf8.startIndex, to: index)
            bytes[position] = bytes[position] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            #expect(String(decoding: bytes, as: UTF8.self).caseFoldedDigest != id.caseFoldedDigest, "at \(position)")
        }
        // A tail padded with zero bytes is another length, not the same digest.
        #expect("AB".caseFoldedDigest != "AB\u{0}".caseFoldedDigest)
        #expect("".caseFoldedDigest != "\u{0}".caseFoldedDigest)
    }
}
