@testable import BITSAnalyzer
import TestSupport
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

    /// The digest as it was computed before it borrowed the bytes and copied the tail at once:
    /// byte by byte into the tail word.
    static func oldDigest(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            var offset = 0
            while offset + 8 <= raw.count {
                hash = (hash ^ String.lowerASCII(word: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                    &* 0x0000_0100_0000_01B3
                offset += 8
            }
            if offset < raw.count {
                var tail: UInt64 = 0
                for index in offset..<raw.count { tail |= UInt64(raw[index]) << UInt64(8 * (index - offset)) }
                hash = (hash ^ String.lowerASCII(word: tail)) &* 0x0000_0100_0000_01B3
            }
            hash = (hash ^ UInt64(raw.count)) &* 0x0000_0100_0000_01B3
            return hash ^ (hash >> 32)
        }
    }

    @Test("the digest is what the byte-by-byte tail gave, for every length and many bytes")
    func digestMatchesOldDigest() {
        var generator = SplitMix(seed: 7)
        var disagreeing: [String] = []
        for length in 0...80 {
            for _ in 0..<40 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                // Small (inline) and large strings, ASCII and not, and a Substring made String.
                for text in [String(decoding: bytes, as: UTF8.self), String(decoding: bytes.map { $0 & 0x7F }, as: UTF8.self),
                             String(String(decoding: [0x41] + bytes.map { $0 & 0x7F }, as: UTF8.self).dropFirst())]
                where text.caseFoldedDigest != Self.oldDigest(text) {
                    disagreeing.append(text)
                }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
    }

    @Test("strings compare without ASCII case as the buffers do")
    func stringComparison() {
        let id = "{9CEBE8A6-D050-4D01-92A7-64FB66ABC9CF}"
        #expect(id.equalsIgnoringASCIICase(id.lowercased()) && id.lowercased().equalsIgnoringASCIICase(id))
        #expect(!id.equalsIgnoringASCIICase(String(id.dropLast())) && !id.equalsIgnoringASCIICase(id + " "))
        #expect("Ack".equalsIgnoringASCIICase("aCK") && !"Ack".equalsIgnoringASCIICase("Acj") && "".equalsIgnoringASCIICase(""))
        #expect(!"\u{C4}".equalsIgnoringASCIICase("\u{E4}"))
        #expect(id.withUTF8Bytes { $0.equalsIgnoringASCIICase(id.lowercased()) && !$0.equalsIgnoringASCIICase("x") })
    }
}
