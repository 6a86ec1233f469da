import AnalyzerCore
@testable import HTTP1Parser
import Testing

/// Heads of many field counts (around the 16 places the field list reserves at first, and past
/// them), whole and cut at every index, give the headers that appending the same fields one by one
/// gives.
@Suite struct HeadFieldCountTests {
    /// A request head with `count` fields (a folded line and a malformed one among them when
    /// `odd`), and the headers appending its fields builds.
    private static func head(fields count: Int, odd: Bool) -> (bytes: [UInt8], headers: HTTPHeaders) {
        var headers = HTTPHeaders()
        var text = "BITS_POST /u HTTP/1.1\r\n"
        for index in 0..<count {
            let name = ["Host", "X-Field-\(index)", "BITS-Packet-Type", "Content-Length"][index % 4]
            var value = "v\(index)"
            text += "\(name): \(value)\r\n"
            if odd, index == count - 1 {
                text += " more\r\nnot a field\r\n"
                value += " more"
            }
            headers.append(name: name, value: value)
        }
        return (Array((text + "\r\n").utf8), headers)
    }

    private static func parsed(_ bytes: [UInt8], cutAt cut: Int? = nil) -> HTTPRequestHead? {
        var limits = Limits.HTTP()
        limits.maxHeaderCount = 100
        let harness = Harness(limits: limits)
        if let cut {
            harness.clientBytes(Array(bytes[..<cut]))
            harness.clientBytes(Array(bytes[cut...]))
        } else {
            harness.clientBytes(bytes)
        }
        return harness.firstRequestHead
    }

    @Test("heads of 0 to 40 fields give the headers their fields appended give")
    func everyCountAroundTheBoundary() {
        var wrong: [String] = []
        for count in 0...40 {
            for odd in [false, true] where count > 0 || !odd {
                let (bytes, expected) = Self.head(fields: count, odd: odd)
                let headers = Self.parsed(bytes)?.headers
                if headers != expected || headers?.fields != expected.fields { wrong.append("\(count) fields, odd \(odd)") }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test("heads with the boundary's field counts, cut at every index, give the same headers")
    func cutAtEveryIndex() {
        var wrong: [String] = []
        for count in [15, 16, 17, 33] {
            let (bytes, expected) = Self.head(fields: count, odd: true)
            for cut in 1..<bytes.count where Self.parsed(bytes, cutAt: cut)?.headers.fields != expected.fields {
                wrong.append("\(count) fields cut at \(cut)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test("a direction's heads one after another keep none of the previous head's fields")
    func headsInARow() throws {
        var limits = Limits.HTTP()
        limits.maxHeaderCount = 100
        let harness = Harness(limits: limits)
        let counts = [20, 3, 17, 0, 16]
        for count in counts { harness.clientBytes(Self.head(fields: count, odd: false).bytes) }
        var heads: [HTTPRequestHead] = []
        for case .requestHead(_, let head) in harness.recorder.events { heads.append(head) }
        try #require(heads.count == counts.count)
        for (head, count) in zip(heads, counts) {
            #expect(head.headers == Self.head(fields: count, odd: false).headers, "\(count) fields")
        }
    }
}
