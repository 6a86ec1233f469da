import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import TestSupport
import Testing

@Suite struct HTMLReportTests {
    typealias F = ReportFixtures

    static let hostileID = "{<script>alert('id')</script>}"
    static let hostileURL = "/up\"><img src=x onerror=alert(1)>&amp;</title></svg>"

    /// A report whose every wire string is hostile markup.
    static func hostileReport() -> TimelineReport {
        var session = F.session(id: hostileID, url: hostileURL, requests: [
            F.request(.createSession, at: 0), F.fragment(0, 99, of: 200, at: 10),
            F.fragment(100, 199, of: 200, at: 20, status: 500),
        ])
        session.host = "<b>host</b>"
        session.contentName = "name<script>alert(2)</script>"
        session.replyURL = "javascript:alert(3)\"'"
        session.requests[2].errorContext = "</td></tr></table><script>alert(4)</script>"
        let finding = Finding(code: FindingCode(rawValue: "code<i>"), severity: .error, sessionID: hostileID,
                              connection: 1, time: F.time(20), message: "message </title><script>alert(5)</script>")
        return TimelineReport(captures: ["<capture>.pcap"], precision: .microseconds, sessions: [session],
                              findings: [finding], counters: [("packets", 1)])
    }

    @Test("escape turns markup characters into references and control characters into U+FFFD",
          arguments: [
              ("<script>", "&lt;script&gt;"), ("a&b", "a&amp;b"), ("\"'", "&quot;&#39;"),
              ("tab\tnew\nline", "tab\tnew\nline"), ("nul\u{0}esc\u{1B}c1\u{85}", "nul\u{FFFD}esc\u{FFFD}c1\u{FFFD}"),
              ("plain ümlaut {GUID}", "plain ümlaut {GUID}"),
          ])
    func escaping(input: String, expected: String) {
        #expect(HTMLText.escape(input) == expected)
    }

    @Test("a session ID, URL, host, content name, error context, finding code and message holding markup are escaped")
    func hostileStringsAreEscaped() {
        let page = HTMLReport(timeline: Self.hostileReport()).render()
        // Our own two script elements (error trap, page script), nothing else.
        #expect(page.components(separatedBy: "<script").count - 1 == 2)
        #expect(!page.contains("<img"))
        #expect(!page.contains("<b>host"))
        #expect(!page.contains("<i>"))
        #expect(!page.contains("alert(1)>"))
        #expect(page.contains("{&lt;script&gt;alert(&#39;id&#39;)&lt;/script&gt;}"))
        #expect(page.contains("/up&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;&lt;/title&gt;&lt;/svg&gt;"))
        #expect(page.contains("javascript:alert(3)&quot;&#39;"))
        #expect(page.contains("&lt;capture&gt;.pcap"))
    }

    @Test("the hostile page loads in Chromium without script errors and shows the markup as text",
          .enabled(if: HeadlessChromium.executable != nil, Comment(rawValue: HeadlessChromium.skipReason)))
    func hostilePageInBrowser() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-hostile-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(HTMLReport(timeline: Self.hostileReport()).render().utf8).write(to: file)
        let dom = try HeadlessChromium.dumpDOM(of: file)
        let root = HeadlessChromium.rootTag(of: dom)
        #expect(root.contains("data-ready=\"true\""), "\(root)")
        #expect(!root.contains("data-script-errors"), "\(root)")
        #expect(!dom.contains("<img"))
        #expect(dom.contains("&lt;script&gt;alert('id')&lt;/script&gt;"))
        #expect(dom.components(separatedBy: "<details class=\"session").count - 1 == 1)
    }

    @Test("a row per session, a marker and a table row per finding, anchors linking them")
    func structure() {
        let first = F.session(id: "{A}", requests: [F.request(.createSession, at: 0), F.fragment(0, 9, of: 10, at: 5),
                                                    F.request(.closeSession, at: 9)], closed: true)
        let second = F.session(id: "{B}", requests: [F.fragment(0, 9, of: 20, at: 3, connection: 2),
                                                     F.fragment(10, 19, of: 20, at: 7, status: 416, received: 10,
                                                                connection: 3)])
        let findings = [
            Finding(code: FindingCode(rawValue: "x-one"), severity: .warning, sessionID: "{B}", time: F.time(7), message: "m1"),
            Finding(code: FindingCode(rawValue: "x-two"), severity: .info, message: "no session"),
        ]
        let page = HTMLReport(timeline: F.report([first, second], findings: findings)).render()
        #expect(page.components(separatedBy: "<details class=\"session").count - 1 == 2)
        #expect(page.contains("id=\"s1\"") && page.contains("id=\"s2\""))
        #expect(page.contains("<a href=\"#f1\"><path class=\"finding sev-warning\" data-code=\"x-one\""))
        #expect(page.contains("<tr id=\"f1\"") && page.contains("<tr id=\"f2\""))
        #expect(page.contains("<a href=\"#s2\">{B}</a>"))
        #expect(page.contains("class=\"frag failed\""), "the 416 is drawn as a failed Ack")
        #expect(page.contains("class=\"mark create ok\"") && page.contains("class=\"mark close ok\""))
        #expect(page.contains("#2") && page.contains("#3"), "both connections of {B} are labelled")
        #expect(!page.contains("http://") && !page.contains("https://"), "nothing is fetched")
    }

    @Test("sessions past maxSessions are counted, not drawn; requests past the limit are not drawn")
    func limits() {
        let sessions = (0..<5).map { index in
            F.session(id: "{\(index)}", requests: (0..<6).map { F.fragment(UInt64($0), UInt64($0), of: 6, at: Int64($0)) })
        }
        var limits = HTMLReportLimits()
        limits.maxSessions = 3
        limits.maxRequestsPerSession = 4
        let page = HTMLReport(timeline: F.report(sessions), limits: limits).render()
        #expect(page.components(separatedBy: "<details class=\"session").count - 1 == 3)
        #expect(page.contains("2 more sessions are not drawn"))
        #expect(page.contains("2 more requests are not drawn"))
    }
}
