import AnalyzerCore
@testable import HTTP1Parser
import Testing

/// `Content-Length` read through its slot (one field: its value lent in place) against a plain
/// reading of every field's values, for one to three fields, before and past the 255th field (where
/// the slot no longer holds the index), with values valid, listed, padded and wrong.
@Suite struct ContentLengthTests {
    /// The reading the slot path shortcuts: every value, every comma-separated element.
    private static func reference(_ values: [String]) -> MessageFraming.ContentLength {
        guard !values.isEmpty else { return .absent }
        var agreed: UInt64?
        var conflict = false
        for value in values {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = String(decoding: ASCII.trimmingWhitespace(ArraySlice(element.utf8)), as: UTF8.self)
                guard !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigit), let number = UInt64(trimmed) else {
                    return .invalid(value)
                }
                if let agreed, agreed != number { conflict = true }
                agreed = agreed ?? number
            }
        }
        return conflict ? .conflicting(values) : .length(agreed!)
    }

    @Test func slotReadingAgreesWithThePlainReading() throws {
        let values = ["5", "5, 5", "007", "x", "6", "18446744073709551616", "", "5 ,5", "1,2"]
        var wrong: [String] = []
        for padding in [0, 3, 260] {
            for count in 0...3 {
                for first in values.indices {
                    let chosen = (0..<count).map { values[(first + $0 * 4) % values.count] }
                    var headers = HTTPHeaders()
                    for index in 0..<padding { headers.append(name: "X-Pad-\(index)", value: "p") }
                    for value in chosen { headers.append(name: "content-length", value: value) }
                    let read = MessageFraming.contentLength(headers)
                    if read != Self.reference(chosen) { wrong.append("\(padding) \(chosen): \(read)") }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
