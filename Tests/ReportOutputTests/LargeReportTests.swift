import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import TestSupport
import Testing

/// The report of a million sessions (``SessionDigestTests/million``) stays bounded: the HTML page
/// under 20 MiB, the text summary a few screens.
@Suite struct LargeReportTests {
    typealias F = ReportFixtures

    /// The findings of the synthetic sessions: one per code of each session.
    static func findings() -> [Finding] {
        var findings: [Finding] = []
        for number in 1...1_000_000 {
            let time = F.time(Int64(number) * 10 + 9)
            if number % 3 == 0 {
                findings.append(Finding(code: BITSFindingKind.orphanedSession.code, severity: .warning,
                                        sessionID: "{\(number)}", connection: 1, time: time,
                                        message: "session neither closed nor cancelled: 500 of 1000 bytes acknowledged"))
            }
            if number % 1000 == 7 {
                findings.append(Finding(code: BITSFindingKind.partialFileClose.code, severity: .error,
                                        sessionID: "{\(number)}", connection: 1, time: time,
                                        message: "Close-Session with 500 of 1000 bytes acknowledged"))
                findings.append(Finding(code: BITSFindingKind.fragmentGap.code, severity: .warning,
                                        sessionID: "{\(number)}", connection: 1, time: time,
                                        message: "fragment at 600, the server expected 500"))
            }
        }
        return findings
    }

    static func report() -> TimelineReport {
        TimelineReport(captures: ["million.pcap"], precision: .microseconds, digest: SessionDigestTests.million,
                       findings: findings(), counters: [("packets", 6_000_000)])
    }

    @Test("a million sessions: the HTML page is at most 20 MiB, the text summary a few screens; both say what they left out")
    func millionSessions() throws {
        let report = Self.report()
        try htmlPage(report)
        textSummary(report)
    }

    func htmlPage(_ report: TimelineReport) throws {
        let page = HTMLReport(timeline: report).render()
        let size = page.utf8.count
        print("HTML report of 1,000,000 sessions: \(size) bytes")
        #expect(size <= 20 * 1024 * 1024, "\(size) bytes")
        #expect(page.contains("<dd id=\"session-counts\">1000000 <span class=\"chip state-completed\">800000 completed</span>"))
        #expect(page.contains("<section id=\"overview\">"))
        #expect(page.contains("Of 1,000,000 sessions, 2,000 are kept for this page"))
        #expect(page.contains("the JSON timeline (bitsnoop analyze --json) has every session"))
        #expect(page.contains("<tr data-code=\"orphaned-session\">"))
        #expect(page.contains("id=\"sessions-over-time\""))
        let rows = page.components(separatedBy: "<details class=\"session").count - 1
        #expect(rows == 2_000)
        // Sessions with findings first: the first row is the worst session.
        let firstRow = try #require(page.components(separatedBy: "id=\"s1\"").dropFirst().first)
        #expect(firstRow.hasPrefix(" data-state=\"completed\" data-findings=\"3\" data-severity=\"error\""))
        let tableRows = page.components(separatedBy: "<tr id=\"f").count - 1
        #expect(tableRows <= HTMLReportLimits().maxFindings)
        #expect(page.contains("more findings are not listed: those of the sessions not kept for this page"))
    }

    func textSummary(_ report: TimelineReport) {
        let text = report.text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        print("text summary of 1,000,000 sessions: \(lines.count) lines")
        #expect(lines.count < 150, "\(lines.count) lines")
        #expect(text.contains("1000000 sessions: 800000 completed, 200000 orphaned\n"))
        #expect(text.contains("sessions are not listed (the JSON timeline, --json, has every session)"))
        #expect(text.contains("sessions by finding code:\n  partial-file-close  1,000\n  orphaned-session    333,333\n"))
        #expect(text.contains("sessions over time (first seen;"))
        // The findings of the 10 worst listed sessions under them, each advice once; the rest counted.
        #expect(text.components(separatedBy: "\nsession {").count - 1 == 10)
        #expect(text.contains("session {2007}  completed  /upload/file.bin\n  error    partial-file-close  conn 1"))
        #expect(text.components(separatedBy: "advice: The client closed the session").count - 1 == 1)
        #expect(text.contains("\n… 335,303 more of other sessions: orphaned-session 333,323, fragment-gap 990, "
            + "partial-file-close 990 (the JSON timeline, --json, lists every finding)\n"))
    }

    @Test("a page that left sessions out loads in Chromium without script errors: overview, rows worst first, paging",
          .enabled(if: HeadlessChromium.executable != nil, Comment(rawValue: HeadlessChromium.skipReason)))
    func leftOutPageInBrowser() throws {
        var limits = SessionDigestLimits()
        limits.keepAllUpTo = 100
        limits.worstWithFindings = 60
        limits.firstOthers = 90
        let sessions = (1...1_000).map { SessionDigestTests.synthetic($0, base: SessionDigestTests.base) }
        let report = TimelineReport(captures: ["left-out.pcap"], precision: .microseconds, sessions: sessions,
                                    findings: [], counters: [("packets", 6_000)], limits: limits)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-left-out-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(HTMLReport(timeline: report).render().utf8).write(to: file)
        let dom = try HeadlessChromium.dumpDOM(of: file)
        let root = HeadlessChromium.rootTag(of: dom)
        #expect(root.contains("data-ready=\"true\""), "\(root)")
        #expect(!root.contains("data-script-errors"), "\(root)")
        #expect(dom.contains("Of 1,000 sessions, 150 are kept for this page: the 60 worst with findings"))
        let rows = dom.components(separatedBy: "<details class=\"session").count - 1
        #expect(rows == 150)
        #expect(rows - dom.components(separatedBy: "hidden=\"\"").count + 1 == 100, "one page of rows shown")
        #expect(dom.components(separatedBy: "id=\"sessions-over-time\"").count == 2)
    }
}
