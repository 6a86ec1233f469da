import AnalyzerCore
@testable import BITSAnalyzer
import Foundation
import Testing

/// The findings beyond the required list, each triggered by one change to the canonical exchange.
@Suite struct AdditionalFindingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var code: String
        var replace: String
        var with: String
        var testDescription: String { code }
    }

    static let cases: [Case] = [
        Case(code: "unknown-packet-type", replace: "BITS-Packet-Type: Ping", with: "BITS-Packet-Type: Upload"),
        Case(code: "missing-packet-type", replace: "BITS-Packet-Type: Ping\n", with: ""),
        Case(code: "response-not-ack",
             replace: "HTTP/1.1 200 OK\nBITS-Packet-Type: Ack\nContent-Length: 0\n\n>>>\nBITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1\nBITS-Packet-Type: Close-Session",
             with: "HTTP/1.1 200 OK\nContent-Length: 0\n\n>>>\nBITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1\nBITS-Packet-Type: Close-Session"),
        Case(code: "request-body-not-allowed", replace: "BITS-Packet-Type: Ping\nContent-Length: 0\nHost: frankcao8\n",
             with: "BITS-Packet-Type: Ping\nContent-Length: 3\nHost: frankcao8\n\nabc"),
        Case(code: "ack-missing-received-range", replace: "BITS-Received-Content-Range: 4892\n", with: ""),
        Case(code: "create-ack-missing-session-id",
             replace: "BITS-Session-Id: {A0FF5911-4144-45B3-BF27-27AFC8EC8A67}\nContent-Length: 0\nAccept-encoding", with: "Content-Length: 0\nAccept-encoding"),
        Case(code: "malformed-error-code", replace: "BITS-Received-Content-Range: 4892\n",
             with: "BITS-Received-Content-Range: 4892\nBITS-Error-Code: not-hex\n"),
        Case(code: "ack-range-mismatch", replace: "BITS-Received-Content-Range: 4892", with: "BITS-Received-Content-Range: 5000"),
    ]

    @Test("each additional code fires on the exchange made to contain it", arguments: cases)
    func fires(testCase: Case) {
        let transcript = canonicalExchange.replacingOccurrences(of: testCase.replace, with: testCase.with)
        #expect(transcript != canonicalExchange, "the replacement must change the exchange")
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(transcript))
        harness.tracker.finish()
        #expect(harness.codes.contains(testCase.code), "\(harness.codes)")
        let finding = harness.findings.findings.first { $0.code.rawValue == testCase.code }
        #expect(finding?.message.isEmpty == false)
    }

    @Test("an acknowledged offset that goes backwards is a regression")
    func ackRangeRegression() {
        // A second fragment's Ack says the server now expects less than it acknowledged before.
        let secondFragment = """
            >>>
            BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1
            BITS-Packet-Type: Fragment
            BITS-Session-Id: {A0FF5911-4144-45B3-BF27-27AFC8EC8A67}
            Content-Range: bytes 4892-4991/5000
            Content-Length: 100

            {BODY 100}
            <<<
            HTTP/1.1 200 OK
            BITS-Packet-Type: Ack
            Content-Length: 0
            BITS-Received-Content-Range: 10

            """
        let transcript = canonicalExchange
            .replacingOccurrences(of: "bytes 0-4891/4892", with: "bytes 0-4891/5000")
            .replacingOccurrences(of: ">>>\nBITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1\nBITS-Packet-Type: Ping",
                                  with: secondFragment + ">>>\nBITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1\nBITS-Packet-Type: Ping")
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(transcript))
        harness.tracker.finish()
        #expect(harness.codes.contains("ack-range-regression"), "\(harness.codes)")
    }

    @Test("the spec's BITS-Error header name is read and reported as a variant")
    func errorHeaderVariant() throws {
        // A refusal names no protocol (BITS-Protocol there is protocol-on-error-ack).
        let transcript = canonicalExchange.replacingOccurrences(
            of: "HTTP/1.1 200 OK\nServer: Microsoft-IIS/6.0",
            with: "HTTP/1.1 403 Forbidden\nBITS-Error: 0x80070005\nBITS-Error-Context: 0x5\nServer: Microsoft-IIS/6.0")
            .replacingOccurrences(of: "BITS-Protocol: {7df0354d-249b-430f-820d-3d2a9bef4931}\nBITS-Session-Id", with: "BITS-Session-Id")
        let harness = TranscriptHarness()
        harness.play(Array(TranscriptHarness.blocks(transcript).prefix(2)))
        harness.tracker.finish()
        #expect(harness.codes == ["error-header-name-variant", "access-denied"])  // 403 + E_ACCESSDENIED: not server-error
        let session = try #require(harness.sessions.first)
        #expect(session.state == .rejected && session.sessionID == nil)
        #expect(session.requests.first?.errorCode?.name == "E_ACCESSDENIED")
        #expect(harness.findings.findings.last?.message.contains("0x80070005 (E_ACCESSDENIED)") == true)
    }
}
