import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import Testing

/// The text summary an admin reads first: the session table (start, server, state, progress or why
/// a session was refused, finding count) readable at any width, and the findings under their session.
@Suite struct SummarySessionsTests {
    typealias F = ReportFixtures

    static let longID = "{2C8EC01B-5A47-4945-B030-E6907E495B58}"
    static let longURL = "/BITS-Uploads/telemetry/2026/contoso-hq/device-4711/diagnostics-bundle.zip"

    /// A session refused with 403 + E_ACCESSDENIED (no session ID), number `number`.
    static func refused(number: Int, at: Int64 = 30) -> BITSSession {
        var create = F.request(.createSession, at: at, status: 403)
        create.errorCode = BITSErrorCode(0x8007_0005)
        var session = F.session(id: nil, url: "/BITS-Uploads/crash/memory.dmp", requests: [create])
        session.number = number
        session.rejected = true
        return session
    }

    /// Three sessions (a long URL closed halfway, a refused one, a clean one) and findings of each,
    /// interleaved in time, plus two tied to no session.
    static func report() -> TimelineReport {
        var partial = F.session(id: longID, url: longURL, requests: [
            F.request(.createSession, at: 0), F.fragment(0, 499, of: 2000, at: 3), F.request(.closeSession, at: 20),
        ], closed: true)
        partial.number = 1
        let rejected = refused(number: 2)
        var clean = F.session(id: "{BC06BDE5-A847-4918-A1DE-AAFAC2BA76AA}", url: "/upload/report.pdf", requests: [
            F.request(.createSession, at: 40), F.fragment(0, 999, of: 1000, at: 41), F.request(.closeSession, at: 45),
        ], closed: true)
        clean.number = 3
        return F.report([partial, rejected, clean], findings: [
            Finding(code: BITSFindingKind.sessionMultiConnection.code, severity: .info, sessionID: longID, sessionNumber: 1,
                    connection: 2, time: F.time(5), message: "session continues on connection 2 after connection 1"),
            Finding(code: FindingCode(rawValue: "capture-loss"), severity: .notice, time: F.time(6),
                    message: "the capture lacks bytes the receivers acknowledged"),
            Finding(code: BITSFindingKind.partialFileClose.code, severity: .error, sessionID: longID, sessionNumber: 1,
                    connection: 2, time: F.time(20), message: "Close-Session with 500 of 2000 bytes acknowledged"),
            Finding(code: BITSFindingKind.serverError.code, severity: .warning, sessionNumber: 2, connection: 3,
                    time: F.time(32), message: "create-session answered 403 0x80070005 (E_ACCESSDENIED)"),
            Finding(code: FindingCode(rawValue: "http-desync"), severity: .warning, connection: 9, time: F.time(50),
                    message: "client: bytes that are not HTTP"),
        ])
    }

    /// The table's rows (header first), cut at the line that follows it.
    static func table(_ text: String) -> [String] {
        Array(text.split(separator: "\n").map(String.init).prefix { !$0.hasPrefix("start times") && !$0.contains(" sessions:") })
    }

    @Test("findings are listed under their session, most severe first; a refused session's by number; the rest apart")
    func groupedBySession() throws {
        let text = Self.report().text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = try #require(lines.firstIndex(of: "session \(Self.longID)  closed-partial  \(Self.longURL)"))
        #expect(lines[first + 1].hasPrefix("  error    partial-file-close  conn 2  Close-Session with 500"))
        #expect(lines[first + 3].hasPrefix("  info     session-multi-connection  conn 2  session continues"))
        let refused = try #require(lines.firstIndex(of:
            "session (no ID)  rejected: 403 E_ACCESSDENIED  /BITS-Uploads/crash/memory.dmp"))
        #expect(refused > first)
        #expect(lines[refused + 1].hasPrefix("  warning  server-error  conn 3  create-session answered 403"))
        // The clean session has no heading; the findings of no session come last, on their own.
        #expect(!text.contains("session {BC06BDE5-A847-4918-A1DE-AAFAC2BA76AA}"))
        let apart = try #require(lines.firstIndex(of: "not tied to a session (2 findings):"))
        #expect(apart > refused)
        #expect(lines[apart + 1].hasPrefix("  warning  http-desync  conn 9  client: bytes"))
        #expect(lines[apart + 3].hasPrefix("  notice   capture-loss  the capture lacks"))
        #expect(!text.contains("more"))
    }

    @Test("the table: start, server, state, progress, finding count; a refused row says why, not (none)")
    func tableColumns() throws {
        let rows = Self.table(Self.report().text())
        #expect(rows.count == 4)
        #expect(rows[1].hasPrefix(Self.longID + "  " + Self.longURL + "  bits.example  192.0.2.10  14:13:20  closed-partial"))
        #expect(rows[1].contains("25% of 2.0 KiB") && rows[1].hasSuffix("2"))
        #expect(rows[2].hasPrefix("(no ID) ") && rows[2].contains("  rejected  ") && rows[2].contains("  403 E_ACCESSDENIED  "))
        #expect(rows[2].hasSuffix("1") && !rows[2].contains("(none)"))
        #expect(rows[3].contains("completed") && rows[3].contains("100% of 1000 B") && rows[3].hasSuffix("0"))
    }

    @Test("fitted to 80, 100 and 200 columns: the session ID gives way first, the URL stays readable",
          arguments: [80, 100, 200])
    func fittedWidths(width: Int) throws {
        let text = Self.report().text(style: TextStyle(colors: false, width: width))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= width }, "\(lines.filter { $0.count > width })")
        let rows = Self.table(text)
        let header = rows[0]
        let url = try #require(header.range(of: "url")).lowerBound.utf16Offset(in: header)
        // The session column is shortened to both ends of the ID before the URL gives anything.
        let id = String(rows[1].prefix(url).trimmingCharacters(in: .whitespaces))
        #expect(id.hasPrefix("{2C8E") && id.hasSuffix("5B58}") && id.contains("…"), "\(id)")
        let cell = String(rows[1].dropFirst(url).prefix { $0 != " " })
        if width >= 200 {
            #expect(cell == Self.longURL)
            #expect(header.contains("server") && header.contains("start") && header.contains("client"))
        } else {
            // Shortened in the middle, keeping the start and more of the file name.
            #expect(cell.hasPrefix("/BITS-") && cell.hasSuffix("-bundle.zip") && cell.contains("…"), "\(cell)")
            #expect(cell.count >= 20, "\(cell)")
        }
        #expect(header.contains("state") && header.contains("progress"))
        #expect(rows[2].contains("403 E_ACCESSDENIED"))
        // A heading keeps the whole ID (what one searches the JSON for) and the URL's end.
        let heading = try #require(lines.first { $0.hasPrefix("session \(Self.longID)  closed-partial  ") })
        #expect(heading.hasSuffix("bundle.zip"))
    }

    @Test("bounded: findings past the limit per session and sessions past the limit are counted by code")
    func limits() throws {
        var report = Self.report()
        report.summaryLimits.findingsPerSession = 1
        report.summaryLimits.sessionsWithFindings = 1
        report.summaryLimits.captureWideFindings = 1
        let text = report.text()
        let lines = text.split(separator: "\n").map(String.init)
        // The worst session (an error) keeps its error and counts the rest.
        let first = try #require(lines.firstIndex(of: "session \(Self.longID)  closed-partial  \(Self.longURL)"))
        #expect(lines[first + 1].hasPrefix("  error    partial-file-close"))
        #expect(lines[first + 3].hasPrefix("  … 1 more: session-multi-connection 1 (the JSON timeline"))
        #expect(!text.contains("session (no ID)"))
        #expect(lines.contains { $0.hasPrefix("  … 1 more: capture-loss 1") })
        #expect(lines.last?.hasPrefix("… 1 more of other sessions: server-error 1 (the JSON timeline") == true)
        // Fitted to a width, the count lines wrap like the rest.
        let narrow = report.text(style: TextStyle(colors: false, width: 60)).split(separator: "\n").map(String.init)
        #expect(narrow.allSatisfy { $0.count <= 60 }, "\(narrow.filter { $0.count > 60 })")
        let more = try #require(narrow.firstIndex { $0.hasPrefix("… 1 more of other sessions: server-error 1") })
        #expect(narrow[more + 1].hasPrefix("  ") && narrow[more + 1].hasSuffix("every finding)"))
    }

    @Test("control characters from the wire are shown as ?, never sent to the terminal")
    func controlCharacters() {
        var session = F.session(id: "{ID\u{1B}[2J}", url: "/up\u{1B}]0;title\u{7}", requests: [F.request(.createSession, at: 0)])
        session.host = "evil\u{9B}31m"
        let text = F.report([session], findings: [
            Finding(code: BITSFindingKind.serverError.code, severity: .warning, sessionID: session.sessionID,
                    message: "answered \u{1B}[31m500"),
        ]).text()
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
        #expect(text.contains("{ID?[2J}") && text.contains("/up?]0;title?") && text.contains("evil?31m"))
        #expect(text.contains("answered ?[31m500"))
    }

    @Test("the HTML row of a refused session says why, and lists the findings tied to it by number")
    func htmlRefusedRow() throws {
        let page = HTMLReport(timeline: Self.report()).render()
        let row = try #require(page.components(separatedBy: "<details class=\"session state-rejected\"").dropFirst().first)
        let head = try #require(row.components(separatedBy: "</summary>").first)
        #expect(head.contains("data-findings=\"1\" data-severity=\"warning\""))
        #expect(head.contains("<span class=\"progress rejection\" title=\"0x80070005: access denied"))
        #expect(head.contains(">403 E_ACCESSDENIED</span>"))
        #expect(row.contains("<dt>Refused</dt><dd>403 E_ACCESSDENIED — 0x80070005: access denied"))
        #expect(row.components(separatedBy: "</details>").first?.contains("<code>server-error</code>") == true)
    }
}
