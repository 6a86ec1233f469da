@testable import HTTP1Parser
import Testing

/// The word-at-a-time field-name check against the byte predicate it stands for.
@Suite struct TokenScanTests {
    /// Every byte value at every position of names 1 to 19 bytes long (short ones, whole words,
    /// overlapping last words), among letters, digits, `-` and other token characters, at an
    /// offset inside a larger buffer.
    @Test func agreesWithTheBytePredicate() {
        var disagreeing: [[UInt8]] = []
        for filler in Array("aZ0-_".utf8) {
            for length in 1..<20 {
                for position in 0..<length {
                    for byte in UInt8.min...UInt8.max {
                        var buffer = [UInt8](repeating: UInt8(ascii: ":"), count: length + 6)
                        for index in 3..<(3 + length) { buffer[index] = filler }
                        buffer[3 + position] = byte
                        let range = 3..<(3 + length)
                        let expected = buffer[range].allSatisfy(ASCII.isTokenCharacter)
                        let found = buffer.withUnsafeBufferPointer { ASCII.allTokenCharacters($0, range) }
                        if found != expected { disagreeing.append(buffer) }
                    }
                }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
    }
}
