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
}
