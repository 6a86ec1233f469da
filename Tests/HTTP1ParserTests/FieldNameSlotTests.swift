import AnalyzerCore
@testable import HTTP1Parser
import Testing
import TestSupport

/// Known field names (``HTTPFieldName``): the hashed, word-at-a-time recogniser against a plain
/// case-insensitive comparison, and look-ups by slot against a plain scan of the fields.
@Suite struct FieldNameSlotTests {
    /// What ``HTTPFieldName/slot(of:)`` must say: the slot of the spelling `bytes` equals ignoring
    /// ASCII case, or `nil`.
    private static func referenceSlot(_ bytes: [UInt8]) -> Int? {
        HTTPFieldName.spellings.firstIndex { ASCII.equalsIgnoringCase(Array($0.utf8), bytes) }
    }

    private static func slot(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { HTTPFieldName.slot(of: $0) }
    }

    @Test func everyNameHasItsSlotAndSpelling() {
        let named: [(HTTPFieldName, String)] = [
            (.contentLength, "Content-Length"), (.transferEncoding, "Transfer-Encoding"),
            (.contentEncoding, "Content-Encoding"), (.contentRange, "Content-Range"), (.contentName, "Content-Name"),
            (.host, "Host"), (.userAgent, "User-Agent"), (.server, "Server"), (.authorization, "Authorization"),
            (.proxyAuthorization, "Proxy-Authorization"), (.wwwAuthenticate, "WWW-Authenticate"),
            (.proxyAuthenticate, "Proxy-Authenticate"), (.acceptEncoding, "Accept-Encoding"), (.pragma, "Pragma"),
            (.bitsPacketType, "BITS-Packet-Type"), (.bitsSessionID, "BITS-Session-Id"),
            (.bitsSupportedProtocols, "BITS-Supported-Protocols"), (.bitsProtocol, "BITS-Protocol"),
            (.bitsErrorCode, "BITS-Error-Code"), (.bitsError, "BITS-Error"), (.bitsErrorContext, "BITS-Error-Context"),
            (.bitsReceivedContentRange, "BITS-Received-Content-Range"), (.bitsHostID, "BITS-Host-Id"),
            (.bitsHostIDFallbackTimeout, "BITS-Host-Id-Fallback-Timeout"), (.bitsReplyURL, "BITS-Reply-URL"),
            (.bitsOriginalRequestURL, "BITS-Original-Request-URL"), (.bitsRequestDataFileName, "BITS-Request-DataFile-Name"),
            (.bitsRequestDataEntityName, "BITS-Request-DataEntity-Name"),
            (.bitsResponseDataFileName, "BITS-Response-DataFile-Name"),
            (.bitsResponseDataEntityName, "BITS-Response-DataEntity-Name"), (.accept, "Accept"),
            (.connection, "Connection"),
        ]
        #expect(named.count == HTTPFieldName.all.count)
        #expect(Set(named.map(\.0)).count == named.count)
        #expect(HTTPFieldName.all.count <= 32, "HTTPFieldSlots has one byte per slot, 32 in all")
        for (name, spelling) in named {
            #expect(name.description == spelling)
            #expect(HTTPFieldName(spelling) == name)
            #expect(HTTPFieldName(spelling.lowercased()) == name)
            #expect(HTTPFieldName(spelling.uppercased()) == name)
        }
        #expect(HTTPFieldName("X-Other") == nil)
        #expect(HTTPFieldName("") == nil)
    }

    /// Every byte value at every position of every known name, in three spellings (as written,
    /// lower and upper case), and each name one byte short, one byte long and with its case mixed at
    /// random: recognised exactly when equal to the name ignoring case. Catches a byte that `| 0x20`
    /// would fold wrongly (CR for `-`, `@` for `` ` ``, `[` for `{`).
    @Test func recogniserAgreesWithAPlainComparison() {
        var disagreeing: [String] = []
        var compared = 0
        var random = SplitMix(seed: 7230)
        func check(_ bytes: [UInt8]) {
            if Self.slot(bytes) != Self.referenceSlot(bytes) { disagreeing.append("\(bytes)") }
            compared += 1
        }
        for spelling in HTTPFieldName.spellings {
            for variant in [spelling, spelling.lowercased(), spelling.uppercased()].map({ Array($0.utf8) }) {
                for position in variant.indices {
                    for byte in UInt8.min...UInt8.max {
                        var bytes = variant
                        bytes[position] = byte
                        check(bytes)
                    }
                }
                check(Array(variant.dropLast()))
                check(Array(variant.dropFirst()))
                check(variant + [0x73])
                check([0x58] + variant)
            }
            for _ in 0..<50 {
                let lower = Array(spelling.lowercased().utf8)
                check(lower.map { (0x61...0x7A).contains($0) && Bool.random(using: &random) ? $0 - 0x20 : $0 })
            }
        }
        // Names of every length around the known ones, of assorted bytes.
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.~0123456789\r\t :".utf8)
        for length in 0...40 {
            for _ in 0..<200 { check((0..<length).map { _ in alphabet.randomElement(using: &random)! }) }
        }
        #expect(disagreeing.isEmpty, "\(disagreeing.prefix(3))")
        #expect(compared > 100_000)
    }

    /// The fields' values called `name` by a plain scan (ASCII case ignored), in order.
    private static func referenceValues(_ fields: [HTTPHeaderField], _ name: String) -> [String] {
        fields.filter { ASCII.equalsIgnoringCase(Array($0.name.utf8), Array(name.utf8)) }.map(\.value)
    }

    /// Every look-up, by known name and by `String`, agrees with a plain scan of the fields.
    private static func lookUpsAgree(_ headers: HTTPHeaders, _ names: [String]) -> [String] {
        var wrong: [String] = []
        let fields = headers.fields
        for name in names {
            let expected = referenceValues(fields, name)
            if headers[name] != expected.first || headers.values(for: name) != expected
                || headers.count(named: name) != expected.count || headers.contains(name) != !expected.isEmpty
                || headers.valueBytes(name).map({ String(decoding: $0, as: UTF8.self) }) != expected.first {
                wrong.append("\(name) by String")
            }
            guard let known = HTTPFieldName(name) else { continue }
            if headers[known] != expected.first || headers.values(for: known) != expected
                || headers.count(named: known) != expected.count || headers.contains(known) != !expected.isEmpty
                || headers.valueBytes(known).map({ String(decoding: $0, as: UTF8.self) }) != expected.first
                || headers.withValueBytes(known, { $0.map { String(decoding: $0, as: UTF8.self) } }) != expected.first {
                wrong.append("\(name) by slot")
            }
        }
        return wrong
    }

    /// Headers of known names in odd spellings, near-misses and others, repeated, built by `append`
    /// and parsed from a head (beyond 255 fields too, where a field's index no longer fits its
    /// slot's byte): look-ups by slot and by `String` give what a plain scan gives.
    @Test func lookUpsAgreeWithAPlainScan() throws {
        let pool = ["Content-Length", "content-length", "CONTENT-LENGTH", "Host", "hOST", "BITS-Session-Id",
                    "bits-session-id", "BITS-Packet-Type", "Content-Range", "Content-Rang", "Content-Ranges",
                    "X-Other", "Pragma", "Server", "BITS-Error", "BITS-Error-Code", "BITS-Host-Id-Fallback-Timeout",
                    "BITS-Response-DataEntity-Name", "WWW-Authenticate", "Transfer-Encodinh", "Hosts", "X"]
        let names = pool + HTTPFieldName.spellings + ["Missing", "content-type"]
        var random = SplitMix(seed: 259)
        var wrong: [String] = []
        for round in 0..<60 {
            let count = round % 10 == 0 ? Int.random(in: 250...300, using: &random) : Int.random(in: 0...12, using: &random)
            var headers = HTTPHeaders()
            var text = "GET / HTTP/1.1\r\n"
            for index in 0..<count {
                let name = pool.randomElement(using: &random)!
                headers.append(name: name, value: "v\(index)")
                text += "\(name): v\(index)\r\n"
            }
            wrong += Self.lookUpsAgree(headers, names).map { "round \(round) appended: \($0)" }
            var limits = Limits.HTTP()
            limits.maxHeaderCount = 400
            let harness = Harness(limits: limits)
            harness.clientBytes(Array((text + "\r\n").utf8))
            let parsed = try #require(harness.firstRequestHead)
            #expect(parsed.headers == headers)
            wrong += Self.lookUpsAgree(parsed.headers, names).map { "round \(round) parsed: \($0)" }
        }
        // A known name first sent at index 254, 255 and later.
        for first in [253, 254, 255, 256, 299] {
            var headers = HTTPHeaders()
            for index in 0..<300 { headers.append(name: index < first ? "X-\(index)" : "Host", value: "h\(index)") }
            wrong += Self.lookUpsAgree(headers, ["Host", "host"]).map { "first at \(first): \($0)" }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
