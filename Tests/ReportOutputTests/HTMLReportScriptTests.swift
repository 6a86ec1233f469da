import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import TestSupport
import Testing

/// The page's script in a real browser: clicks are simulated by a script appended to the page,
/// and the DOM read back after it ran.
@Suite(.enabled(if: HeadlessChromium.executable != nil, Comment(rawValue: HeadlessChromium.skipReason)))
struct HTMLReportScriptTests {
    typealias F = ReportFixtures

    /// Three one-request sessions and three findings of different severities, one row per page.
    static func page() -> String {
        // {S2} stops half way (orphaned); the others send everything (uploaded-not-closed).
        let sessions = (1...3).map {
            F.session(id: "{S\($0)}", requests: [F.fragment(0, $0 == 2 ? 4 : 9, of: 10, at: Int64($0))])
        }
        let findings = [
            Finding(code: FindingCode(rawValue: "c-info"), severity: .info, sessionID: "{S1}", time: F.time(1), message: "i"),
            Finding(code: FindingCode(rawValue: "c-error"), severity: .error, sessionID: "{S3}", time: F.time(2), message: "e"),
            Finding(code: FindingCode(rawValue: "c-warning"), severity: .warning, sessionID: "{S2}", time: F.time(3),
                    message: "w"),
        ]
        var limits = HTMLReportLimits()
        limits.sessionsPerPage = 1
        return HTMLReport(timeline: F.report(sessions, findings: findings), limits: limits).render()
    }

    /// The DOM after the page, with `actions` run after its own script.
    static func dom(running actions: String) throws -> String {
        let html = page().replacingOccurrences(of: "</body>", with: "<script>\(actions)</script>\n</body>")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-script-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(html.utf8).write(to: file)
        let dom = try HeadlessChromium.dumpDOM(of: file)
        #expect(!HeadlessChromium.rootTag(of: dom).contains("data-script-errors"), "\(HeadlessChromium.rootTag(of: dom))")
        return dom
    }

    /// The finding codes of the table's rows, in DOM order.
    static func tableOrder(_ dom: String) -> [String] {
        dom.components(separatedBy: "<tr id=\"f").dropFirst().compactMap { row in
            row.range(of: "data-code=\"").map { String(row[$0.upperBound...].prefix { $0 != "\"" }) }
        }
    }

    @Test("one page of rows at a time; Next turns the page")
    func paging() throws {
        let first = try Self.dom(running: "")
        #expect(first.contains("Sessions 1–1 of 3"))
        #expect(Self.count("hidden=\"\"", in: first) == 2)
        let second = try Self.dom(running: "document.getElementById('page-next').click();")
        #expect(second.contains("Sessions 2–2 of 3"))
        #expect(!Self.openingTag("s2", in: second).contains("hidden"), "row 2 shown")
        #expect(Self.openingTag("s1", in: second).contains("hidden"), "row 1 hidden")
    }

    @Test("the severity heading sorts the findings, most severe first, then least; time restores capture order")
    func sorting() throws {
        #expect(Self.tableOrder(try Self.dom(running: "")) == ["c-info", "c-error", "c-warning"])
        let click = "document.querySelector('button[data-sort=severity]').click();"
        let descending = try Self.dom(running: click)
        #expect(Self.tableOrder(descending) == ["c-error", "c-warning", "c-info"])
        #expect(descending.contains("data-sorted=\"severity-descending\""))
        #expect(Self.tableOrder(try Self.dom(running: click + click)) == ["c-info", "c-warning", "c-error"])
        let restored = try Self.dom(running: click + "document.querySelector('button[data-sort=order]').click();")
        #expect(Self.tableOrder(restored) == ["c-info", "c-error", "c-warning"])
    }

    @Test("following a finding's session link turns to that row's page and opens it")
    func sessionLink() throws {
        let dom = try Self.dom(running: "document.querySelector('#f2 a').click();")
        #expect(dom.contains("Sessions 3–3 of 3"))
        let row = Self.openingTag("s3", in: dom)
        #expect(row.contains("open=\"\"") && !row.contains("hidden"), "\(row)")
    }

    @Test("before printing every row is shown; after, the page is back to one page of rows")
    func printing() throws {
        let before = try Self.dom(running: "window.dispatchEvent(new Event('beforeprint'));")
        #expect(Self.count("hidden=\"\"", in: before) == 0)
        let after = try Self.dom(running: "window.dispatchEvent(new Event('beforeprint')); "
                                 + "window.dispatchEvent(new Event('afterprint'));")
        #expect(Self.count("hidden=\"\"", in: after) == 2)
        #expect(Self.page().contains("@media print"))
    }

    @Test("the state filter shows only matching rows")
    func filter() throws {
        let dom = try Self.dom(running: """
            var filter = document.getElementById('state-filter'); filter.value = 'orphaned';
            filter.dispatchEvent(new Event('change'));
            """)
        #expect(dom.contains("Sessions 1–1 of 1"))
        #expect(!Self.openingTag("s2", in: dom).contains("hidden"))
        #expect(Self.openingTag("s1", in: dom).contains("hidden") && Self.openingTag("s3", in: dom).contains("hidden"))
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The opening tag of the session row with element ID `id`.
    static func openingTag(_ id: String, in dom: String) -> String {
        guard let anchor = dom.range(of: "id=\"\(id)\""),
              let start = dom[..<anchor.lowerBound].range(of: "<details", options: .backwards),
              let end = dom[anchor.upperBound...].firstIndex(of: ">") else { return "" }
        return String(dom[start.lowerBound...end])
    }
}
