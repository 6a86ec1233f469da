@testable import ReportOutput
import Testing

/// The word-at-a-time escape check against the byte predicate it stands for.
@Suite struct JSONEscapeScanTests {
    /// Every byte value at every position of buffers 1 to 19 bytes long (words and tails), among
    /// plain letters and among bytes of multi-byte UTF-8 (at or above 0x80, which a borrow could
    /// misread), and with two candidates in one word.
    @Test func agreesWithTheBytePredicate() {
        var disagreeing: [[UInt8]] = []
        for filler: UInt8 in [UInt8(ascii: "a"), 0xC3, 0xFF, 0x21, 0x23, 0x5B, 0x5D] {
            for length in 1..<20 {
                for position in 0..<length {
                    for byte in UInt8.min...UInt8.max {
                        var buffer = [UInt8](repeating: filler, count: length)
                        buffer[position] = byte
                        if length > 1 { buffer[(position + 3) % length] = byte &+ 1 }
                        let expected = buffer.contains(where: JSONValue.needsEscape)
                        if buffer.withUnsafeBufferPointer(JSONValue.containsEscape) != expected { disagreeing.append(buffer) }
                    }
                }
            }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        #expect(!JSONValue.containsEscape(UnsafeBufferPointer(start: nil, count: 0)))
    }
}
