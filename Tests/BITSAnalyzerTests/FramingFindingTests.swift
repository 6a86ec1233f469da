import AnalyzerCore
@testable import BITSAnalyzer
import Foundation
import HTTP1Parser
import Testing

/// The framing, negotiation and identity findings (§5 #1, #6, #7, #9, #10, #13, #15, #16, #20,
/// #26, #30, #47, #50, #72, #73, #79, #80), each triggered by one change to the canonical exchange.
@Suite struct FramingFindingTests {
    typealias Case = AdditionalFindingTests.Case

    static let guid = "{A0FF5911-4144-45B3-BF27-27AFC8EC8A67}"
    static let manyGUIDs = (0..<110).map { String(format: "{%08X-0000-4000-8000-000000000000}", $0) }.joined(separator: " ")

    static let cases: [Case] = [
        Case(code: "non-bits-post-method", replace: "BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1\nBITS-Packet-Type: Ping",
             with: "POST /upload/2000mb-rfc2119.txt HTTP/1.1\nBITS-Packet-Type: Ping"),
        Case(code: "ack-missing-content-length", replace: "BITS-Packet-Type: Ack\nContent-Length: 0\n\n",
             with: "BITS-Packet-Type: Ack\n\n"),
        Case(code: "ack-has-body", replace: "Content-Length: 0\nBITS-Received-Content-Range: 4892\n\n",
             with: "Content-Length: 4\nBITS-Received-Content-Range: 4892\n\nok"),
        Case(code: "missing-content-length", replace: "BITS-Packet-Type: Ping\nContent-Length: 0\n", with: "BITS-Packet-Type: Ping\n"),
        Case(code: "oversized-header", replace: "BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}",
             with: "BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931} " + manyGUIDs),
        Case(code: "missing-supported-protocols", replace: "BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}\n",
             with: ""),
        Case(code: "unknown-protocol-offer", replace: "BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}",
             with: "BITS-Supported-Protocols: {11111111-2222-3333-4444-555555555555},{7df0354d-249b-430f-820d-3d2a9bef4932}"),
        Case(code: "malformed-session-id", replace: guid, with: "-5381917586464254327"),
        Case(code: "impersonated-iis-server", replace: "Pragma: no-cache\n", with: ""),
        Case(code: "unsupported-encoding", replace: "Content-Range: bytes 0-4891/4892\n",
             with: "Content-Range: bytes 0-4891/4892\nContent-Encoding: gzip\n"),
        Case(code: "missing-content-range", replace: "Content-Range: bytes 0-4891/4892\n", with: ""),
        Case(code: "content-name-anomaly", replace: "BITS-Session-Id: \(guid)\nContent-Name: rfc2119.txt",
             with: "BITS-Session-Id: \(guid)\nContent-Name: other.txt"),
        Case(code: "basic-auth-cleartext", replace: "Accept: */*\n", with: "Accept: */*\nAuthorization: basic dXNlcjpzZWNyZXQ=\n"),
        Case(code: "non-windows-client", replace: "User-Agent: Microsoft BITS/6.7", with: "User-Agent: curl/8.5.0"),
    ]

    /// The codes of this group.
    static let groupCodes = Set(BITSFindingKind.requestKinds.map(\.code.rawValue))

    static func run(_ transcript: String) -> TranscriptHarness {
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(transcript))
        harness.tracker.finish()
        return harness
    }

    @Test("each code fires on the exchange made to contain it", arguments: cases)
    func fires(testCase: Case) throws {
        let transcript = canonicalExchange.replacingOccurrences(of: testCase.replace, with: testCase.with)
        #expect(transcript != canonicalExchange, "the replacement must change the exchange")
        let harness = Self.run(transcript)
        #expect(harness.codes.contains(testCase.code), "\(harness.codes)")
        let finding = try #require(harness.findings.findings.first { $0.code.rawValue == testCase.code })
        #expect(!finding.message.isEmpty)
        #expect(FindingAdvice.advice(for: finding.code) != nil)
    }

    @Test("the canonical Windows exchange shows none of them, and every kind is catalogued once")
    func canonicalIsClean() {
        #expect(Self.run(canonicalExchange).codes.filter(Self.groupCodes.contains).isEmpty)
        let codes = BITSFindingKind.catalogue.map(\.code.rawValue)
        #expect(Set(codes).count == codes.count)
        #expect(Self.groupCodes.isSubset(of: Set(codes)))
    }

    @Test("only an absent Content-Range is missing-content-range; a bad one stays malformed-content-range")
    func contentRangeCodesSplit() {
        let absent = Self.run(canonicalExchange.replacingOccurrences(of: "Content-Range: bytes 0-4891/4892\n", with: ""))
        #expect(absent.codes.contains("missing-content-range"))
        #expect(!absent.codes.contains("malformed-content-range"))
        let bad = Self.run(canonicalExchange.replacingOccurrences(of: "bytes 0-4891/4892", with: "bytes 4891-0/4892"))
        #expect(bad.codes.contains("malformed-content-range"))
        #expect(!bad.codes.contains("missing-content-range"))
    }

    @Test("Basic credentials never appear in the finding")
    func basicCredentialsStayOut() throws {
        let harness = Self.run(canonicalExchange.replacingOccurrences(
            of: "Accept: */*\n", with: "Accept: */*\nProxy-Authorization: Basic dXNlcjpzZWNyZXQ=\n"))
        let finding = try #require(harness.findings.findings.first { $0.code.rawValue == "basic-auth-cleartext" })
        #expect(finding.message.contains("Proxy-Authorization"))
        #expect(!finding.message.contains("dXNlcjpzZWNyZXQ="))
        // Negotiate and NTLM tokens are not Basic.
        let negotiate = Self.run(canonicalExchange.replacingOccurrences(
            of: "Accept: */*\n", with: "Accept: */*\nAuthorization: Negotiate YIIBasic\n"))
        #expect(!negotiate.codes.contains("basic-auth-cleartext"))
    }

    @Test("a numeric session ID under an IIS banner is both malformed and unlike IIS; without the banner, only malformed")
    func impersonatedIIS() {
        let numeric = canonicalExchange.replacingOccurrences(of: Self.guid, with: "7311958603")
        #expect(Self.run(numeric).codes.contains("impersonated-iis-server"))
        let python = Self.run(numeric.replacingOccurrences(of: "Server: Microsoft-IIS/6.0", with: "Server: BaseHTTP/0.6 Python/3.11.4"))
        #expect(python.codes.contains("malformed-session-id"))
        #expect(!python.codes.contains("impersonated-iis-server"))
        // Lower-case GUIDs are GUIDs.
        #expect(!Self.run(canonicalExchange.replacingOccurrences(of: Self.guid, with: Self.guid.lowercased()))
            .codes.contains("malformed-session-id"))
    }

    @Test("a Content-Name with a path is reported; the same name on every request is not")
    func contentNameShape() throws {
        let harness = Self.run(canonicalExchange.replacingOccurrences(of: "Content-Name: rfc2119.txt",
                                                                      with: "Content-Name: ..\\..\\x.aspx"))
        let finding = try #require(harness.findings.findings.first { $0.code.rawValue == "content-name-anomaly" })
        #expect(finding.message.contains("forbids"))
        let long = String(repeating: "n", count: 261)
        #expect(FramingRules.contentNameProblem(long) != nil)
        #expect(FramingRules.contentNameProblem(String(repeating: "n", count: 260)) == nil)
        #expect(FramingRules.contentNameProblem("report (final).pdf") == nil)
        // The limit counts UTF-16 units: names past it in UTF-8 bytes only are not long.
        #expect(FramingRules.contentNameProblem(String(repeating: "é", count: 260)) == nil)
        #expect(FramingRules.contentNameProblem(String(repeating: "é", count: 261)) != nil)
        #expect(FramingRules.contentNameProblem(String(repeating: "😀", count: 130)) == nil)
        #expect(FramingRules.contentNameProblem(String(repeating: "😀", count: 130) + "n") != nil)
    }

    /// A Create-Session exchange and `fragments` (request head lines, body length, answer status)
    /// on one connection.
    static func uploadTranscript(_ fragments: [(range: String, length: Int, status: String)]) -> String {
        var text = ">>>" + canonicalExchange.components(separatedBy: ">>>")[1]
        for fragment in fragments {
            text += """
                >>>
                BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1
                BITS-Packet-Type: Fragment
                BITS-Session-Id: \(guid)
                Content-Name: rfc2119.txt
                Content-Range: bytes \(fragment.range)
                Content-Length: \(fragment.length)

                {BODY \(fragment.length)}
                <<<
                HTTP/1.1 \(fragment.status)
                BITS-Packet-Type: Ack
                Content-Length: 0

                """ + "\n"
        }
        return text
    }

    @Test("after a 413 the next fragment must be smaller")
    func notShrunkAfter413() {
        let same = Self.run(Self.uploadTranscript([
            ("0-8191/20000", 8_192, "413 Request Entity Too Large"), ("0-8191/20000", 8_192, "200 OK"),
        ]))
        #expect(same.codes.contains("413-not-shrunk"), "\(same.codes)")
        #expect(!same.codes.contains("http-malformed-header"))
        let shrunk = Self.run(Self.uploadTranscript([
            ("0-8191/20000", 8_192, "413 Request Entity Too Large"), ("0-5119/20000", 5_120, "200 OK"),
            ("5120-13311/20000", 8_192, "200 OK"),
        ]))
        #expect(!shrunk.codes.contains("413-not-shrunk"), "\(shrunk.codes)")
    }

    @Test("fragment-size-unusual: a non-final fragment below 5,000 bytes or above 13 MiB; the last may be any size")
    func unusualFragmentSize() {
        func codes(_ fragments: [(String, Int)]) -> [String] {
            Self.run(Self.uploadTranscript(fragments.map { ($0.0, $0.1, "200 OK") })).codes
        }
        #expect(codes([("0-4998/6000", 4_999), ("4999-5999/6000", 1_001)]).contains("fragment-size-unusual"))
        #expect(!codes([("0-4999/6000", 5_000), ("5000-5999/6000", 1_000)]).contains("fragment-size-unusual"))
        // A large non-final fragment, declared but not carried: only its range counts.
        let huge = Self.run(Self.uploadTranscript([("0-13631488/20000000", 0, "200 OK")])).codes
        #expect(huge.contains("fragment-size-unusual"), "\(huge)")
        let largest = Self.run(Self.uploadTranscript([("0-13631487/20000000", 0, "200 OK")])).codes
        #expect(!largest.contains("fragment-size-unusual"), "\(largest)")
        // Once per session, however many small fragments.
        let small = codes([("0-999/3000", 1_000), ("1000-1999/3000", 1_000), ("2000-2999/3000", 1_000)])
        #expect(small.filter { $0 == "fragment-size-unusual" }.count == 1, "\(small)")
    }

    /// A Fragment opening connection 2 (after the Create-Session on connection 1), challenged with
    /// `scheme`; `ping` puts a challenged Ping before it instead.
    static func reconnect(scheme: String, ping: Bool) -> TranscriptHarness {
        let harness = TranscriptHarness()
        harness.play(Array(TranscriptHarness.blocks(canonicalExchange).prefix(2)), connection: 1)
        let challenge = "<<<\nHTTP/1.1 401 Unauthorized\nWWW-Authenticate: \(scheme)\nContent-Length: 0\n\n"
        let pingBlock = ">>>\nBITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1\nBITS-Packet-Type: Ping\nContent-Length: 0\n\n"
        let fragment = """
            >>>
            BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1
            BITS-Packet-Type: Fragment
            BITS-Session-Id: \(guid)
            Content-Range: bytes 0-4891/4892
            Content-Length: 4892

            {BODY 4892}
            """ + "\n"
        let transcript = (ping ? pingBlock + challenge : fragment + challenge)
        harness.play(TranscriptHarness.blocks(transcript), connection: 2)
        harness.tracker.finish()
        return harness
    }

    @Test("a challenged Fragment opening a connection is ntlm-without-ping; a challenged Ping or Basic is not")
    func ntlmWithoutPing() {
        #expect(Self.reconnect(scheme: "NTLM", ping: false).codes.contains("ntlm-without-ping"))
        #expect(Self.reconnect(scheme: "Negotiate", ping: false).codes.contains("ntlm-without-ping"))
        #expect(!Self.reconnect(scheme: "Basic realm=\"x\"", ping: false).codes.contains("ntlm-without-ping"))
        #expect(!Self.reconnect(scheme: "NTLM", ping: true).codes.contains("ntlm-without-ping"))
    }

    static func head(_ status: Int, _ headers: HTTPHeaders) -> HTTPResponseHead {
        HTTPResponseHead(version: .http11, status: status, reason: "", headers: headers, headBytes: 100)
    }

    @Test("slow-ack counts from the request's end: over 120 s, over 300 s for a final upload-reply Ack")
    func slowAck() {
        let start = CaptureTimestamp(seconds: 1_000, nanoseconds: 0)
        let record = BITSRequestRecord(type: .fragment, method: "BITS_POST", url: "/u", host: nil, time: start, connection: 1)
        func codes(after seconds: Int64, headers: HTTPHeaders) -> [String] {
            FramingRules.answer(Self.head(200, headers), record: record, time: start.adding(seconds: seconds), requestEnd: start,
                                success: true, firstOnConnection: false, partialClose: false).map(\.kind.code.rawValue)
        }
        let ack: HTTPHeaders = ["BITS-Packet-Type": "Ack", "Content-Length": "0"]
        #expect(codes(after: 119, headers: ack).isEmpty)
        #expect(codes(after: 121, headers: ack) == ["slow-ack"])
        var reply = ack
        reply.append(name: "BITS-Reply-URL", value: "r")
        #expect(codes(after: 200, headers: reply).isEmpty)
        #expect(codes(after: 301, headers: reply) == ["slow-ack"])
        // An answer before the request's end (a 413 sent early), or a clock running backwards, is no delay.
        #expect(codes(after: -500, headers: ack).isEmpty)
        let farPast = FramingRules.answer(Self.head(200, ack), record: record, time: .zero,
                                          requestEnd: CaptureTimestamp(seconds: .max, nanoseconds: 0), success: true,
                                          firstOnConnection: false, partialClose: false)
        #expect(farPast.isEmpty)
    }

    @Test("header-value helpers: braced GUIDs, identity codings, oversized BITS values only")
    func helpers() {
        #expect(FramingRules.isBracedGUID("{7df0354d-249b-430f-820d-3d2a9bef4931}"))
        #expect(!FramingRules.isBracedGUID("7df0354d-249b-430f-820d-3d2a9bef4931"))
        #expect(!FramingRules.isBracedGUID("{7df0354d-249b-430f-820d-3d2a9bef493g}"))
        #expect(!FramingRules.isBracedGUID("{7df0354d+249b-430f-820d-3d2a9bef4931}"))
        #expect(FramingRules.onlyIdentity("identity"))
        #expect(FramingRules.onlyIdentity("Identity;q=1.0"))
        #expect(!FramingRules.onlyIdentity("gzip, identity"))
        #expect(!FramingRules.onlyIdentity("*"))
        let big = String(repeating: "a", count: 4_097)
        #expect(FramingRules.oversizedField(["BITS-Host-Id": big], headBytes: 5_000)?.name == "BITS-Host-Id")
        #expect(FramingRules.oversizedField(["Authorization": big], headBytes: 5_000) == nil)
        #expect(FramingRules.oversizedField(["Content-Name": String(repeating: "a", count: 4_096)], headBytes: 5_000) == nil)
        #expect(FramingRules.scheme(of: "BASIC abc", is: "Basic"))
        #expect(!FramingRules.scheme(of: "Basically abc", is: "Basic"))
    }
}
