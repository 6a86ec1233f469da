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

    @Test("two digits a step give what Swift prints, for every digit count, odd and even, padded or not")
    func pairsMatchPrinting() {
        var values: [UInt64] = [0, 9, 10, 99, 100, 999, 1_000, 65_535, 999_999, 1_000_000_000, .max, .max - 1]
        var power: UInt64 = 1
        for _ in 0..<19 {
            power *= 10
            values += [power - 1, power, power + 1, power / 3]
        }
        for value in values {
            for minimumDigits in [1, 2, 3, 6, 9, 20] {
                var out = [UInt8](repeating: UInt8(ascii: "#"), count: 24)
                let count = out.withUnsafeMutableBufferPointer {
                    DecimalText.write(value, minimumDigits: minimumDigits, to: $0.baseAddress!)
                }
                let printed = String(value)
                let expected = String(repeating: "0", count: max(0, minimumDigits - printed.count)) + printed
                #expect(String(decoding: out[0..<count], as: UTF8.self) == expected, "\(value) \(minimumDigits)")
                // Nothing written past the digits.
                #expect(out[count...].allSatisfy { $0 == UInt8(ascii: "#") }, "\(value) \(minimumDigits)")
            }
        }
    }

    /// The count from the bit length against Swift's printing, at every power of ten and of two and
    /// on either side of each (where the guess from the bit length changes), and at the ends.
    @Test("digit counts at every power of ten and of two")
    func digitCounts() {
        var values: [UInt64] = [0, 1, .max, .max - 1]
        var power: UInt64 = 1
        for _ in 0..<20 {
            values += [power - 1, power, power + 1]
            if power <= .max / 10 { power *= 10 }
        }
        for shift in 0..<64 {
            let bit = UInt64(1) << UInt64(shift)
            values += [bit - 1, bit, bit + 1, bit | (bit - 1)]
        }
        for value in values { #expect(DecimalText.digitCount(value) == String(value).count, "\(value)") }
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
