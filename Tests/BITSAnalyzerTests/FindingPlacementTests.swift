import AnalyzerCore
@testable import BITSAnalyzer
import Foundation
import Testing

/// Which session a finding is about when the request it concerns names none: the session of its
/// connection where that is unambiguous, the connection otherwise (docs/findings.md).
@Suite struct FindingPlacementTests {
    /// A Create-Session refused with 403 + E_ACCESSDENIED.
    static let refused = """
        >>>
        BITS_POST /upload/x.bin HTTP/1.1
        BITS-Packet-Type: Create-Session
        BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}
        Content-Length: 0
        Host: h

        <<<
        HTTP/1.1 403 Forbidden
        BITS-Packet-Type: Ack
        BITS-Error-Code: 0x80070005
        BITS-Error-Context: 0x5
        Content-Length: 0

        """

    /// A Ping on a connection no session uses, answered 500 + E_FAIL.
    static let lonePing = """
        >>>
        BITS_POST /upload/x.bin HTTP/1.1
        BITS-Packet-Type: Ping
        Content-Length: 0
        Host: h

        <<<
        HTTP/1.1 500 Internal Server Error
        BITS-Packet-Type: Ack
        BITS-Error-Code: 0x80004005
        BITS-Error-Context: 0x5
        Content-Length: 0

        """

    /// The canonical exchange with a folded header line in its Fragment (an HTTP anomaly raised
    /// while the connection has one session).
    static let foldedFragment = canonicalExchange.replacingOccurrences(
        of: "Content-Range: bytes 0-4891/4892\n", with: "Content-Range: bytes 0-4891/4892\nX-Note: one\n  two\n")

    @Test("a refused session has no ID, but its findings carry its number and it lists them")
    func refusedSessionNumber() throws {
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(Self.refused))
        harness.tracker.finish()
        let session = try #require(harness.sessions.first)
        #expect(session.state == .rejected && session.sessionID == nil)
        let error = try #require(harness.findings.findings.first { $0.code.rawValue == "access-denied" })
        #expect(error.sessionID == nil && error.sessionNumber == session.number && error.connection == 1)
        #expect(session.findingCodes.map(\.rawValue) == ["access-denied"])
    }

    @Test("a finding held for a request no session ever claimed is reported about its connection, not lost")
    func unclaimedFindingReported() throws {
        let closed = TranscriptHarness()
        closed.play(TranscriptHarness.blocks(Self.lonePing), connection: 4, close: true)
        closed.tracker.finish()
        let error = try #require(closed.findings.findings.first { $0.code.rawValue == "server-error" }, "\(closed.codes)")
        #expect(error.sessionID == nil && error.sessionNumber == nil && error.connection == 4)
        #expect(closed.sessions.isEmpty)
        // A connection still open when the capture ends: reported at the end.
        let open = TranscriptHarness()
        open.play(TranscriptHarness.blocks(Self.lonePing), connection: 4, finish: false)
        #expect(open.codes.isEmpty, "held while a session may still claim the Ping")
        open.tracker.finish()
        #expect(open.codes == ["server-error"])
    }

    @Test("an HTTP anomaly on a connection with exactly one session is about that session")
    func anomalyToSoleSession() throws {
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(Self.foldedFragment))
        harness.tracker.finish()
        let folding = try #require(harness.findings.findings.first { $0.code.rawValue == "http-obsolete-line-folding" },
                                   "\(harness.codes)")
        let session = try #require(harness.sessions.first)
        #expect(folding.sessionID == "{A0FF5911-4144-45B3-BF27-27AFC8EC8A67}" && folding.sessionNumber == session.number)
        #expect(session.findingCodes.map(\.rawValue).contains("http-obsolete-line-folding"))
    }

    @Test("with two sessions on the connection, the anomaly stays the connection's")
    func anomalyWithTwoSessions() throws {
        // A first upload, completed and closed, then a second on the same keep-alive connection.
        let first = canonicalExchange.replacingOccurrences(of: "A0FF5911", with: "B1FF5911")
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(first + "\n" + Self.foldedFragment))
        harness.tracker.finish()
        #expect(harness.sessions.count == 2, "\(harness.sessions.map { ($0.sessionID, $0.state, $0.requests.map(\.type)) }) \(harness.codes)")
        let folding = try #require(harness.findings.findings.first { $0.code.rawValue == "http-obsolete-line-folding" })
        #expect(folding.sessionID == nil && folding.sessionNumber == nil && folding.connection == 1)
        #expect(harness.sessions.allSatisfy { !$0.findingCodes.map(\.rawValue).contains("http-obsolete-line-folding") })
    }

    @Test("a request of an untracked session (past maxOpenSessions) makes its connection ambiguous")
    func untrackedSessionNotConfused() throws {
        var limits = Limits.BITS()
        limits.maxOpenSessions = 1
        let harness = TranscriptHarness(limits: limits)
        // Session A is created; then a Fragment of another session, which cannot be tracked, fails.
        let exchange = canonicalExchange.components(separatedBy: ">>>").prefix(2).joined(separator: ">>>") + """
            >>>
            BITS_POST /upload/other.bin HTTP/1.1
            BITS-Packet-Type: Fragment
            BITS-Session-Id: {C2FF5911-4144-45B3-BF27-27AFC8EC8A67}
            Content-Range: bytes 0-9/10
            Content-Length: 10

            {BODY 10}
            <<<
            HTTP/1.1 500 Internal Server Error
            BITS-Packet-Type: Ack
            BITS-Error-Code: 0x80070005
            Content-Length: 0

            """
        harness.play(TranscriptHarness.blocks(exchange))
        harness.tracker.finish()
        let error = try #require(harness.findings.findings.first { $0.code.rawValue == "server-error" }, "\(harness.codes)")
        #expect(error.sessionID == nil && error.sessionNumber == nil, "not session A's")
        #expect(harness.sessions.count == 1 && !harness.sessions[0].findingCodes.map(\.rawValue).contains("server-error"))
    }
}
