import AnalyzerCore
import Testing

@Suite struct DecimalTextTests {
    @Test("decimal digits, zero padding, signs and extremes")
    func digits() {
        func text(_ build: (inout [UInt8]) -> Void) -> String {
            var bytes: [UInt8] = Array("x".utf8)
            build(&bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(text { DecimalText.append(UInt64(0), to: &$0) } == "x0")
        #expect(text { DecimalText.append(UInt64(7), minimumDigits: 4, to: &$0) } == "x0007")
        #expect(text { DecimalText.append(UInt64(12345), minimumDigits: 2, to: &$0) } == "x12345")
        #expect(text { DecimalText.append(UInt64.max, to: &$0) } == "x18446744073709551615")
        #expect(text { DecimalText.append(Int64(-42), minimumDigits: 4, to: &$0) } == "x-0042")
        #expect(text { DecimalText.append(Int64.min, to: &$0) } == "x-9223372036854775808")
    }

    @Test("the wire-value parser: digits only, whole input, every value that fits, nothing past 64 bits")
    func parsing() {
        func parse(_ text: String) -> UInt64? { DecimalText.parse(Array(text.utf8)) }
        #expect(parse("0") == 0)
        #expect(parse("000123") == 123)
        #expect(parse("18446744073709551615") == UInt64.max)
        #expect(parse("18446744073709551616") == nil)
        #expect(parse("99999999999999999999999") == nil)
        for bad in ["", " 1", "1 ", "+1", "-1", "1a", "0x10", "1.5", "١"] { #expect(parse(bad) == nil, "\(bad)") }
        // Any split of the bytes into a slice parses the same.
        let bytes = Array("4096".utf8)
        #expect(DecimalText.parse(bytes[1...]) == 96)
    }

    @Test("saturating adds stop at the type's bounds instead of trapping")
    func saturating() {
        #expect(UInt64(5).saturatingAdding(7) == 12)
        #expect(UInt64.max.saturatingAdding(1) == .max)
        #expect((UInt64.max - 1).saturatingAdding(UInt64.max) == .max)
        #expect(Int64.max.saturatingAdding(1) == .max)
        #expect(Int64.min.saturatingAdding(-1) == .min)
        #expect(Int64(-5).saturatingAdding(3) == -2)
    }
}
