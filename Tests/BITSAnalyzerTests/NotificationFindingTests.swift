import AnalyzerCore
@testable import BITSAnalyzer
import Foundation
import HTTP1Parser
import Testing

/// The BITS server's notification to its back-end application (§5 G), seen as a plain POST.
@Suite struct NotificationFindingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Header lines of the POST (Host and Content-Length are added).
        var headers: String
        var body = 0
        var codes: [String]
        var testDescription: String { name }
    }

    static let original = "BITS-Original-Request-URL: http://bits.example/upload/a.bin"
    static let requestFile = "BITS-Request-DataFile-Name: C:\\upload\\BITS-Sessions\\{1}\\requestfile.bin"
    static let responseFile = "BITS-Response-DataFile-Name: C:\\upload\\BITS-Sessions\\{1}\\responsefile.bin"

    static let cases: [Case] = [
        Case(name: "by reference, complete", headers: [original, requestFile, responseFile, "User-Agent: BITSExts 1.5"].joined(separator: "\n"),
             codes: []),
        Case(name: "by value", headers: [original, "User-Agent: BITSExts 1.5"].joined(separator: "\n"), body: 40, codes: []),
        Case(name: "no original URL", headers: [requestFile, responseFile].joined(separator: "\n"),
             codes: ["notification-missing-original-url"]),
        Case(name: "only the BITSExts agent", headers: "User-Agent: BITSExts 1.5", body: 10,
             codes: ["notification-missing-original-url"]),
        Case(name: "request file only", headers: [original, requestFile].joined(separator: "\n"),
             codes: ["notification-reference-headers-inconsistent"]),
        Case(name: "response file only, spec's entity name",
             headers: [original, "BITS-Response-DataEntity-Name: C:\\r.bin"].joined(separator: "\n"),
             codes: ["notification-reference-headers-inconsistent"]),
        Case(name: "both files and a body", headers: [original, requestFile, responseFile].joined(separator: "\n"), body: 12,
             codes: ["notification-reference-headers-inconsistent"]),
        Case(name: "spec's entity names", headers: [original, "BITS-Request-DataEntity-Name: C:\\q.bin",
                                                    "BITS-Response-DataEntity-Name: C:\\r.bin"].joined(separator: "\n"),
             codes: []),
        Case(name: "ordinary POST", headers: "User-Agent: Mozilla/5.0\nContent-Type: text/plain", body: 5, codes: []),
    ]

    @Test("a notification POST's headers", arguments: cases)
    func notification(testCase: Case) throws {
        let transcript = """
            >>>
            POST /app/notify.aspx HTTP/1.1
            \(testCase.headers)
            Host: app.example
            Content-Length: \(testCase.body)

            \(testCase.body > 0 ? "{BODY \(testCase.body)}" : "")
            <<<
            HTTP/1.1 200 OK
            Content-Length: 0

            """
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(transcript))
        harness.tracker.finish()
        #expect(harness.codes.sorted() == testCase.codes, "\(harness.codes)")
        for finding in harness.findings.findings {
            #expect(finding.sessionID == nil && finding.connection == 1)
            #expect(finding.severity == .notice)
        }
    }

    @Test("an answer after more than five minutes is slow; at five minutes it is not")
    func slowAnswer() throws {
        let sent = CaptureTimestamp(seconds: 1_000, nanoseconds: 0)
        #expect(NotificationRules.answer(status: 200, sent: sent, answered: sent.adding(seconds: 300)) == nil)
        let slow = try #require(NotificationRules.answer(status: 200, sent: sent,
                                                         answered: CaptureTimestamp(seconds: 1_301, nanoseconds: 5)))
        #expect(slow.kind == .notificationSlow)
        #expect(slow.message.contains("after 301 s"))
        // Hostile timestamps: the answer before the request, or seconds at the ends of the range.
        #expect(NotificationRules.answer(status: 200, sent: sent, answered: CaptureTimestamp(seconds: 0, nanoseconds: 0)) == nil)
        let extreme = NotificationRules.answer(status: 200, sent: CaptureTimestamp(seconds: .min, nanoseconds: 0),
                                               answered: CaptureTimestamp(seconds: .max, nanoseconds: 0))
        #expect(extreme?.kind == .notificationSlow)
        // Dropped as idle: at IIS's 300 s the wait has run out.
        #expect(NotificationRules.unanswered(sent: sent, silentUntil: sent.adding(seconds: 299)) == nil)
        let idle = try #require(NotificationRules.unanswered(sent: sent, silentUntil: sent.adding(seconds: 300)))
        #expect(idle.kind == .notificationSlow && idle.message.contains("for 300 s"))
        #expect(NotificationRules.unanswered(sent: CaptureTimestamp(seconds: .max, nanoseconds: 0),
                                             silentUntil: CaptureTimestamp(seconds: .min, nanoseconds: 0)) == nil)
        #expect(NotificationRules.unanswered(sent: CaptureTimestamp(seconds: .min, nanoseconds: 0),
                                             silentUntil: CaptureTimestamp(seconds: .max, nanoseconds: 0))?.kind == .notificationSlow)
    }

    @Test("a notification still waiting when its connection goes idle past IIS's wait is slow")
    func idleConnection() throws {
        let transcript = """
            >>>
            POST /app/notify.aspx HTTP/1.1
            \(Self.original)
            Host: app.example
            Content-Length: 0

            """
        for (idle, codes) in [(Int64(300), ["notification-slow"]), (60, [])] {
            let harness = TranscriptHarness()
            let analyzer = harness.playKeepingAnalyzer(TranscriptHarness.blocks(transcript))
            analyzer.wentIdle(seconds: idle, after: CaptureTimestamp(seconds: 1_800_000_100, nanoseconds: 0))
            harness.tracker.finish()
            #expect(harness.codes == codes)
        }
    }

    @Test("pending notifications: the wait starts when the body ended, answered ones leave, the list is bounded")
    func pending() {
        var pending = PendingNotifications()
        #expect(pending.isEmpty)
        pending.sent(3, at: CaptureTimestamp(seconds: 10, nanoseconds: 0))
        pending.bodyEnded(3, at: CaptureTimestamp(seconds: 12, nanoseconds: 0))
        pending.bodyEnded(4, at: CaptureTimestamp(seconds: 99, nanoseconds: 0))
        #expect(pending.answered(4) == nil)
        #expect(pending.answered(3) == CaptureTimestamp(seconds: 12, nanoseconds: 0))
        #expect(pending.isEmpty)
        for index in 0..<1_000 { pending.sent(index, at: .zero) }
        #expect(pending.answered(63) != nil)
        #expect(pending.answered(64) == nil)
    }
}

extension TranscriptHarness {
    /// Plays `blocks` on connection 1 at capture time 1,800,000,100 s, leaving it open, and returns
    /// its analyzer (for calls the pipeline makes, such as ``BITSConnectionAnalyzer/wentIdle(seconds:after:)``).
    func playKeepingAnalyzer(_ blocks: [Block]) -> BITSConnectionAnalyzer {
        let info = BITSConnectionInfo(id: 1, client: Endpoint(address: .v4(0xC000_0205), port: 49_001),
                                      server: Endpoint(address: .v4(0xC633_640A), port: 80))
        let analyzer = BITSConnectionAnalyzer(connection: info, tracker: tracker, findings: findings)
        let parser = HTTPConnectionParser(delegate: analyzer)
        let time = CaptureTimestamp(seconds: 1_800_000_100, nanoseconds: 0)
        for block in blocks {
            block.bytes.withUnsafeBytes { parser.receive($0, direction: block.fromClient ? .clientToServer : .serverToClient, time: time) }
        }
        return analyzer
    }
}
