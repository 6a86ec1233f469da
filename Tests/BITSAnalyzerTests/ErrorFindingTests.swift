import AnalyzerCore
@testable import BITSAnalyzer
import Foundation
import Testing

/// Error signalling and configuration findings (§5 E, F): each answer's exact set of codes.
@Suite struct ErrorFindingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        /// Status line and error headers of the answer.
        var answer: String
        var codes: Set<String>
        var testDescription: String { answer.replacingOccurrences(of: "\n", with: " | ") }
    }

    /// A Create-Session answered `answer` (an Ack): refused, so the session has no other finding.
    static func refusedCreate(_ answer: String) -> String {
        """
        >>>
        BITS_POST /upload/a.bin HTTP/1.1
        BITS-Packet-Type: Create-Session
        BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}
        Host: bits.example
        Content-Length: 0

        <<<
        \(answer)
        BITS-Packet-Type: Ack
        Content-Length: 0

        """
    }

    static let refusals: [Case] = [
        Case(answer: "HTTP/1.1 403 Forbidden\nBITS-Error-Code: 0x80070005\nBITS-Error-Context: 0x5", codes: ["access-denied"]),
        Case(answer: "HTTP/1.1 403 Forbidden", codes: ["access-denied", "error-code-missing"]),
        Case(answer: "HTTP/1.1 403 Forbidden\nBITS-Error-Code: 0x80070057\nBITS-Error-Context: 0x5",
             codes: ["error-status-mismatch", "server-error"]),
        Case(answer: "HTTP/1.1 409 Conflict", codes: ["destination-conflict", "error-code-missing"]),
        Case(answer: "HTTP/1.1 501 Not Implemented\nBITS-Error-Code: 0x80070005\nBITS-Error-Context: 0x5",
             codes: ["uploads-disabled"]),
        Case(answer: "HTTP/1.1 501 Not Implemented", codes: ["uploads-disabled", "error-code-missing"]),
        Case(answer: "HTTP/1.1 501 Not Implemented\nBITS-Error-Code: 0x80004005\nBITS-Error-Context: 0x5", codes: ["server-error"]),
        Case(answer: "HTTP/1.1 404 Not Found", codes: ["error-code-missing", "server-error"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80200020\nBITS-Error-Context: 0x5",
             codes: ["upload-too-large"]),
        Case(answer: "HTTP/1.1 413 Request Entity Too Large", codes: ["upload-too-large", "error-code-missing"]),
        Case(answer: "HTTP/1.1 403 Forbidden\nBITS-Error-Code: 0x80200020\nBITS-Error-Context: 0x5",
             codes: ["upload-too-large", "error-status-mismatch"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80070070\nBITS-Error-Context: 0x5",
             codes: ["server-disk-full"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: x80070112\nBITS-Error-Context: 0x5",
             codes: ["server-disk-full"]),
        // The spec's notification timeout shares the printed disk-full value; context 0x7 decides.
        Case(answer: "HTTP/1.1 408 Request Timeout\nBITS-Error-Code: x80070112\nBITS-Error-Context: 0x7",
             codes: ["server-application-error"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80004005\nBITS-Error-Context: 0x7",
             codes: ["server-application-error"]),
        Case(answer: "HTTP/1.1 403 Forbidden\nBITS-Error-Code: 0x80070005\nBITS-Error-Context: 0x7",
             codes: ["server-application-error"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x8020001E\nBITS-Error-Context: 0x5",
             codes: ["error-context-mismatch", "server-application-error"]),
        // XenServer labels its own E_INVALIDARG with 0x7: not the application's error.
        Case(answer: "HTTP/1.1 400 Bad Request\nBITS-Error-Code: 0x80070057\nBITS-Error-Context: 0x7",
             codes: ["error-context-mismatch", "server-error"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80200020\nBITS-Error-Context: 0x7",
             codes: ["error-context-mismatch", "upload-too-large"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80004005", codes: ["error-context-orphan", "server-error"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Context: 0x5",
             codes: ["error-context-orphan", "error-code-missing", "server-error"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80004005\nBITS-Error-Context: ",
             codes: ["invalid-error-context", "server-error"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80004005\nBITS-Error-Context: 0x0",
             codes: ["invalid-error-context", "server-error"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80004005\nBITS-Error-Context: 12",
             codes: ["invalid-error-context", "server-error"]),
        // Parsed leniently (§4.5): 5 without 0x is the BITS server's context.
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80004005\nBITS-Error-Context: 5", codes: ["server-error"]),
        Case(answer: "HTTP/1.1 500 Internal Server Error\nBITS-Error-Code: 0x80190194\nBITS-Error-Context: 0x5",
             codes: ["client-server-http-error-codes", "server-error"]),
        Case(answer: "HTTP/1.1 400 Bad Request\nBITS-Error-Code: 0x80200005\nBITS-Error-Context: 0x5",
             codes: ["client-server-http-error-codes", "server-error"]),
        Case(answer: "HTTP/1.1 400 Bad Request\nBITS-Error-Code: 0x80070057\nBITS-Error-Context: 0x5", codes: ["server-error"]),
        Case(answer: "HTTP/1.1 411 Length Required\nBITS-Error-Code: 0x80070057\nBITS-Error-Context: 0x5", codes: ["server-error"]),
    ]

    @Test("a refused Create-Session's findings follow its status, code and context", arguments: refusals)
    func refusal(testCase: Case) {
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(Self.refusedCreate(testCase.answer)))
        harness.tracker.finish()
        #expect(Set(harness.codes) == testCase.codes)
        #expect(harness.sessions.first?.state == .rejected)
        for finding in harness.findings.findings {
            #expect(!finding.message.isEmpty)
            #expect(finding.severity == BITSFindingKind.catalogue.first { $0.code == finding.code }?.severity)
        }
    }

    @Test("a specific refusal keeps the status and code in its message and the advice narrowed by them")
    func specificRefusalEvidence() throws {
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(Self.refusedCreate(
            "HTTP/1.1 501 Not Implemented\nBITS-Error-Code: 0x80070005\nBITS-Error-Context: 0x5")))
        harness.tracker.finish()
        let finding = try #require(harness.findings.findings.first { $0.code.rawValue == "uploads-disabled" })
        #expect(finding.message.hasPrefix("create-session answered 501 0x80070005 (E_ACCESSDENIED), context 0x5"))
        #expect(finding.advice?.contains("BITS uploads are not enabled") == true)
        #expect(finding.severity == .info)
    }

    /// The canonical exchange with the Ping's Ack given `headers` (and its status line `status`).
    static func pingAnswered(_ status: String = "HTTP/1.1 200 OK", headers: String) -> String {
        let pingAck = "HTTP/1.1 200 OK\nBITS-Packet-Type: Ack\nContent-Length: 0\n\n>>>\nBITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1\nBITS-Packet-Type: Close-Session"
        return canonicalExchange.replacingOccurrences(
            of: pingAck, with: pingAck.replacingOccurrences(of: "HTTP/1.1 200 OK\nBITS-Packet-Type: Ack\n",
                                                            with: "\(status)\nBITS-Packet-Type: Ack\n\(headers)\n"))
    }

    static let successes: [Case] = [
        Case(answer: "BITS-Error-Code: 0", codes: ["error-header-on-success"]),
        Case(answer: "BITS-Error-Code: 0x0\nBITS-Error-Context: 0x5", codes: ["error-header-on-success"]),
        Case(answer: "BITS-Error-Context: 0x5", codes: ["error-header-on-success", "error-context-orphan"]),
        // Both Python servers: every Ping answered with code 1 and an empty context.
        Case(answer: "BITS-Error-Code: 1\nBITS-Error-Context: ",
             codes: ["error-header-on-success", "invalid-error-context", "server-error"]),
        Case(answer: "X-Other: 1", codes: []),
    ]

    @Test("error headers on a successful Ping Ack", arguments: successes)
    func success(testCase: Case) {
        let transcript = Self.pingAnswered(headers: testCase.answer)
        #expect(transcript != canonicalExchange)
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(transcript))
        harness.tracker.finish()
        // The canonical exchange's Close-Session Ack has no BITS-Session-Id, as in [MC-BUP] §4.
        #expect(Set(harness.codes) == testCase.codes.union(["ack-missing-session-id"]))
    }

    @Test("a 416 without error code is the spec's own form; with a code it contradicts the table")
    func rangeNotSatisfiable() {
        let gap = canonicalExchange
            .replacingOccurrences(of: "Content-Range: bytes 0-4891/4892", with: "Content-Range: bytes 100-4891/4892")
            .replacingOccurrences(of: "Content-Length: 4892\n", with: "Content-Length: 4792\n")
            .replacingOccurrences(of: "{BODY 4892}", with: "{BODY 4792}")
        let plain = gap.replacingOccurrences(of: "HTTP/1.1 200 OK\nBITS-Packet-Type: Ack\nContent-Length: 0\nBITS-Received-Content-Range: 4892",
                                             with: "HTTP/1.1 416 Requested Range Not Satisfiable\nBITS-Packet-Type: Ack\nContent-Length: 0\nBITS-Received-Content-Range: 0")
        #expect(plain != gap)
        let coded = plain.replacingOccurrences(of: "BITS-Received-Content-Range: 0",
                                               with: "BITS-Received-Content-Range: 0\nBITS-Error-Code: 0x80070057\nBITS-Error-Context: 0x5")
        for (transcript, mismatch) in [(plain, false), (coded, true)] {
            let harness = TranscriptHarness()
            harness.play(TranscriptHarness.blocks(transcript))
            harness.tracker.finish()
            #expect(harness.codes.contains("out-of-sync-416"), "\(harness.codes)")
            #expect(!harness.codes.contains("error-code-missing"))
            #expect(harness.codes.contains("error-status-mismatch") == mismatch, "\(harness.codes)")
        }
    }

    @Test("a 404 to a Fragment of an upload over IIS request filtering's default is upload-too-large")
    func requestFilteringNotFound() {
        let notFound = "HTTP/1.1 404 Not Found\nBITS-Packet-Type: Ack\nContent-Length: 0\n"
        let fragmentAck = "HTTP/1.1 200 OK\nBITS-Packet-Type: Ack\nContent-Length: 0\nBITS-Received-Content-Range: 4892\n"
        for (total, expected) in [("40000000", "upload-too-large"), ("4892", "server-error")] {
            let transcript = canonicalExchange
                .replacingOccurrences(of: "Content-Range: bytes 0-4891/4892", with: "Content-Range: bytes 0-4891/\(total)")
                .replacingOccurrences(of: fragmentAck, with: notFound)
            let harness = TranscriptHarness()
            harness.play(TranscriptHarness.blocks(transcript))
            harness.tracker.finish()
            #expect(harness.codes.contains(expected), "\(total): \(harness.codes)")
            #expect(!harness.codes.contains(expected == "server-error" ? "upload-too-large" : "server-error"))
        }
    }

    @Test("the kinds of this group are catalogued once, with the reference's severities")
    func catalogued() {
        let codes = BITSFindingKind.catalogue.map(\.code.rawValue)
        #expect(Set(codes).count == codes.count)
        for kind in BITSFindingKind.errorKinds { #expect(codes.contains(kind.code.rawValue)) }
        #expect(BITSFindingKind.uploadsDisabled.severity == .info)
        #expect(BITSFindingKind.errorContextOrphan.severity == .notice)
        #expect(BITSFindingKind.notificationSlow.severity == .notice)
    }
}
