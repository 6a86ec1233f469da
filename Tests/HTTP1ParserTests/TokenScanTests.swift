@testable import HTTP1Parser
import Testing

/// The word-at-a-time field-name scan against the byte predicate it stands for.
@Suite struct TokenScanTests {
    /// What ``ASCII/fieldNameEnd(_:from:to:)`` must find: the first colon of `bytes[range]` when
    /// it is not the first byte and every byte before it is a token character; `nil` otherwise.
    private static func referenceNameEnd(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard let colon = bytes[range].firstIndex(of: ASCII.colon), colon > range.lowerBound,
              bytes[range.lowerBound..<colon].allSatisfy(ASCII.isTokenCharacter)
        else { return nil }
        return colon
    }

    /// Every byte value at every position of names 1 to 19 bytes long (short ones, whole words and
    /// words cut by the colon) among letters, digits, `-` and other token characters, at an offset
    /// inside a larger buffer: followed by a colon and a value, or by nothing (the range ends
    /// there, with a colon just past it that must not be seen).
    @Test func agreesWithTheBytePredicate() {
        var disagreeing: [[UInt8]] = []
        var compared = 0
        for filler in Array("aZ0-_~".utf8) {
            for length in 1..<20 {
                for position in 0..<length {
                    for byte in UInt8.min...UInt8.max {
                        for colonFollows in [true, false] {
                            var buffer = [UInt8](repeating: UInt8(ascii: ":"), count: 3)
                            buffer += [UInt8](repeating: filler, count: length)
                            buffer[3 + position] = byte
                            let end: Int
                            if colonFollows {
                                buffer += Array(": v\u{80}lue, x:y".utf8)
                                end = buffer.count
                            } else {
                                end = buffer.count
                                buffer += Array(":".utf8)
                            }
                            let expected = Self.referenceNameEnd(buffer, 3..<end)
                            let found = buffer.withUnsafeBytes { ASCII.fieldNameEnd($0, from: 3, to: end) }
                            if found != expected { disagreeing.append(buffer) }
                            compared += 1
                        }
                    }
                }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        #expect(compared > 500_000)
    }

    /// Two odd bytes in one word (a byte from 0x80 up, whose lane may carry into the next, before or
    /// after a colon or a token character), and empty or out-of-bounds ranges.
    @Test func agreesOnPairsAndEdges() {
        var disagreeing: [[UInt8]] = []
        let odd: [UInt8] = [0x00, 0x09, 0x20, 0x2C, 0x2D, 0x3A, 0x41, 0x5F, 0x7E, 0x7F, 0x80, 0xC3, 0xE1, 0xFF]
        for first in 0..<10 {
            for second in (first + 1)..<12 {
                for a in odd {
                    for b in odd {
                        var buffer = Array("X-Name-Of-Field-12:".utf8)
                        buffer[first] = a
                        buffer[second] = b
                        let expected = Self.referenceNameEnd(buffer, 0..<buffer.count)
                        let found = buffer.withUnsafeBytes { ASCII.fieldNameEnd($0, from: 0, to: buffer.count) }
                        if found != expected { disagreeing.append(buffer) }
                    }
                }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        let line = Array("Host: x".utf8)
        line.withUnsafeBytes { bytes in
            #expect(ASCII.fieldNameEnd(bytes, from: 0, to: 7) == 4)
            #expect(ASCII.fieldNameEnd(bytes, from: 4, to: 7) == nil)
            #expect(ASCII.fieldNameEnd(bytes, from: 3, to: 3) == nil)
            #expect(ASCII.fieldNameEnd(bytes, from: 0, to: 8) == nil)
            #expect(ASCII.fieldNameEnd(bytes, from: 5, to: 2) == nil)
            #expect(ASCII.fieldNameEnd(bytes, from: -1, to: 7) == nil)
        }
    }

    /// ``ASCII/firstControl(_:from:to:)`` against ``ASCII/isControl(_:)`` byte by byte: every byte
    /// value at every position of runs 0 to 19 bytes long, with a second odd byte (one from 0x80
    /// up, whose lane may carry, a tab, DEL, a control byte) before or after it, at an offset inside
    /// a larger buffer whose bytes past the range are control bytes that must not be seen.
    @Test func firstControlAgreesWithTheBytePredicate() {
        var disagreeing: [[UInt8]] = []
        var compared = 0
        let second: [UInt8?] = [nil, 0x00, 0x09, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0xFF]
        for filler in Array("a ~".utf8) + [0x09, 0xC3] {
            for length in 0..<20 {
                for position in 0..<max(length, 1) {
                    for other in second {
                        for byte in UInt8.min...UInt8.max {
                            var buffer = [UInt8](repeating: 0x00, count: 3) + [UInt8](repeating: filler, count: length) + [0x00, 0x7F]
                            if length > 0 { buffer[3 + position] = byte }
                            if let other, length > 1 { buffer[3 + (position + length / 2) % length] = other }
                            let end = 3 + length
                            let expected = buffer[3..<end].firstIndex(where: ASCII.isControl) ?? end
                            let found = buffer.withUnsafeBytes { ASCII.firstControl($0, from: 3, to: end) }
                            if found != expected { disagreeing.append(buffer) }
                            compared += 1
                        }
                    }
                }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        #expect(compared > 500_000)
        let text = Array("GET /".utf8)
        text.withUnsafeBytes { bytes in
            #expect(ASCII.firstControl(bytes, from: 0, to: 5) == 5)
            #expect(ASCII.firstControl(bytes, from: 2, to: 1) == 2)
            #expect(ASCII.firstControl(bytes, from: 0, to: 6) == 0)
            #expect(ASCII.firstControl(bytes, from: -1, to: 3) == -1)
        }
    }

    /// ``ASCII/string(_:usually:)`` gives what decoding gives, for the usual spelling, every byte
    /// value at every position of it, its prefixes, longer runs and the empty slice, as slices that
    /// start past index 0.
    @Test func usualStringsAreTheDecodedOnes() {
        var disagreeing: [[UInt8]] = []
        for usual in ["BITS_POST", "OK", "", "Not Found"] {
            let spelled = Array(usual.utf8)
            var samples = (0...spelled.count).map { Array(spelled.prefix($0)) } + [spelled + [0x20], [0x20] + spelled]
            for position in spelled.indices {
                for byte in UInt8.min...UInt8.max {
                    var changed = spelled
                    changed[position] = byte
                    samples.append(changed)
                }
            }
            for sample in samples {
                let padded = [0x41] + sample + [0x42]
                let slice = padded[1..<(padded.count - 1)]
                let text = ASCII.string(slice, usually: usual)
                if text != ASCII.string(slice) || Array(text.utf8) != Array(String(decoding: sample, as: UTF8.self).utf8) {
                    disagreeing.append(sample)
                }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
    }
}
