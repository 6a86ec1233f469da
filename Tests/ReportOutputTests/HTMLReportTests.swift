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
        #expect(page.contains("class=\"frag resync\""), "the 416 is drawn as a resynchronisation")
        #expect(page.contains("class=\"mark create ok\"") && page.contains("class=\"mark close ok\""))
        #expect(page.contains("#2") && page.contains("#3"), "both connections of {B} are labelled")
        #expect(!page.contains("http://") && !page.contains("https://"), "nothing is fetched")
    }

    @Test("a 416 Ack is a resynchronisation, not a failure: its own class, colour, legend and table row")
    func resyncDrawing() {
        let session = F.session(id: "{R}", requests: [
            F.fragment(0, 9, of: 30, at: 1), F.fragment(20, 29, of: 30, at: 2, status: 416, received: 10),
            F.fragment(10, 19, of: 30, at: 3, status: 500),
        ])
        let page = HTMLReport(timeline: F.report([session])).render()
        // The legend's swatch, the overview and the own-scale drawing.
        #expect(Self.count("<rect class=\"frag resync\" x=", in: page) == 3)
        #expect(Self.count("<rect class=\"frag failed\" x=", in: page) == 3, "the 500 stays a failure")
        #expect(page.contains("<tr class=\"resync\"><td>2</td>") && page.contains("<tr class=\"failed\"><td>3</td>"))
        #expect(page.contains("416 Ack: the server asks the client to resume at its offset (resynchronise)"))
        #expect(page.contains(".frag.resync, .mark.resync { fill: var(--resync); }"))
        #expect(page.contains("(the server asks the client to resume at its received offset)"))
    }

    @Test("a session with 17 connections: the overview's shared lanes list theirs; opened, a lane per connection")
    func manyConnectionLabels() {
        let requests = (1...17).map { F.fragment(UInt64($0 - 1) * 10, UInt64($0) * 10 - 1, of: 170, at: Int64($0),
                                                 connection: $0) }
        let page = HTMLReport(timeline: F.report([F.session(requests: requests)])).render()
        #expect(page.contains("<title>connections #1, #7, #13</title>#1 +2</text>"))
        #expect(page.contains("<title>connections #6, #12</title>#6 #12</text>"))
        for connection in 1...17 {
            #expect(page.contains("<title>connection #\(connection)</title>#\(connection)</text>"), "lane of #\(connection)")
        }
    }

    @Test("an opened session has its own time scale: a short session late in a long capture fills the width")
    func ownTimeScale() throws {
        let early = F.session(id: "{E}", requests: [F.fragment(0, 9, of: 10, at: 0)])
        // 100 s later, 10 ms long: 0.01 % of the capture's axis.
        let late = F.session(id: "{L}", requests: [F.fragment(0, 4, of: 10, at: 100_000), F.fragment(5, 9, of: 10, at: 100_005)])
        let page = HTMLReport(timeline: F.report([early, late])).render()
        let row = try #require(page.components(separatedBy: "id=\"s2\"").last)
        let overview = try #require(row.components(separatedBy: "class=\"track own-scale\"").first)
        let own = try #require(row.components(separatedBy: "class=\"track own-scale\"").last)
        // Overview: both bars near the right end (x ≈ 994). Own scale: the first at the left edge,
        // the second half way, and the axis in milliseconds.
        #expect(Self.xs(of: "frag ok", in: overview).allSatisfy { $0 > 990 })
        #expect(Self.xs(of: "frag ok", in: own) == [44, 519])
        #expect(row.contains("Its own time scale: +0 is "))
        #expect(row.contains(">+10 ms</text>"))
    }

    /// The x attributes of the `<rect class="…">` elements of `kind` in `markup`.
    static func xs(of kind: String, in markup: String) -> [Double] {
        markup.components(separatedBy: "<rect class=\"\(kind)\" x=\"").dropFirst()
            .compactMap { Double($0.prefix { $0 != "\"" }) }
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

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
