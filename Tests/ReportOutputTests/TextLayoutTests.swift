import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import Testing

@Suite struct TextLayoutTests {
    typealias F = ReportFixtures

    @Test("sizes and durations in human units", arguments: [(Double, String)]([
        (0.0, "0 ms"), (0.8504, "850 ms"), (12.44, "12.4 s"), (59.96, "1 min 0 s"), (185, "3 min 5 s"),
        (7620, "2 h 7 min"), (3 * 86_400 + 4 * 3600, "3 d 4 h"), (-1, "-"), (1e300, "> 30 million years"),
    ]))
    func durations(seconds: Double, expected: String) {
        #expect(HumanUnits.duration(seconds) == expected)
    }

    @Test("bytes in binary units", arguments: [
        (UInt64(0), "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (3_355_443, "3.2 MiB"), (UInt64.max, "16.0 EiB"),
    ])
    func bytes(count: UInt64, expected: String) {
        #expect(HumanUnits.bytes(count) == expected)
    }

    @Test("a percentage is capped at 100 and never traps", arguments: [
        (UInt64(0), UInt64(10), 0), (5, 10, 50), (UInt64.max, 1, 100), (0, 0, 100),
    ])
    func percent(part: UInt64, total: UInt64, expected: Int) {
        #expect(HumanUnits.percent(part, of: total) == expected)
    }

    @Test("elide keeps both ends with … in the middle", arguments: [
        ("{2C8EC01B-5A47-4945-B030-E6907E495B58}", 11, "{2C8E…5B58}"), ("short", 10, "short"), ("abc", 1, "a"),
    ])
    func elide(text: String, width: Int, expected: String) {
        #expect(TextTable.elide(text, to: width) == expected)
        #expect(TextTable.elide(text, to: width).count <= max(width, text.count <= width ? text.count : width))
    }

    @Test("a table fitted to a width shrinks its shrinkable columns and keeps its columns aligned")
    func fittedTable() {
        var table = TextTable(header: ["id", "url", "n"], rows: [
            ["{2C8EC01B-5A47-4945-B030-E6907E495B58}", "/upload/a/very/long/path/to/some/file.etl", "12"],
            ["{BC06}", "/x", "3"],
        ], rightAligned: [2])
        table.shrinkable = [1, 0]
        table.maxWidth = 40
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines[1].hasSuffix("12") && lines[2].hasSuffix(" 3"))
        let column = lines[0].distance(from: lines[0].startIndex, to: lines[0].range(of: "url")!.lowerBound)
        #expect(lines[1].dropFirst(column).hasPrefix("/upl"))
        #expect(lines[2].dropFirst(column).hasPrefix("/x"))
    }

    /// A report with two sessions and two findings, one with a long message.
    static func summaryReport() -> TimelineReport {
        let done = F.session(id: "{2C8EC01B-5A47-4945-B030-E6907E495B58}", url: "/upload/logs/2026/trace-file.etl",
                             requests: [F.fragment(0, 999, of: 1000, at: 0), F.request(.closeSession, at: 10)],
                             closed: true)
        let partial = F.session(id: "{BC06BDE5-A847-4918-A1DE-AAFAC2BA76AA}", url: "/upload/report.pdf",
                                requests: [F.fragment(0, 499, of: 2000, at: 3), F.request(.closeSession, at: 20)],
                                closed: true)
        return F.report([done, partial], findings: [
            Finding(code: FindingCode(rawValue: "partial-file-close"), severity: .error, sessionID: partial.sessionID,
                    connection: 1, time: F.time(20),
                    message: "Close-Session with 500 of 2000 bytes acknowledged, the rest of the file never arrived"),
            Finding(code: FindingCode(rawValue: "session-multi-connection"), severity: .info, message: "short"),
        ])
    }

    @Test("the plain summary: table header, a row per session, states counted, findings under their session, no escapes")
    func plainSummary() {
        let text = Self.summaryReport().text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].split(separator: " ").map(String.init) == ["session", "url", "server", "client", "start", "state",
                                                                      "progress", "requests", "duration", "findings"])
        #expect(lines[1].contains("completed") && lines[1].contains("100% of 1000 B") && lines[1].hasSuffix(" 0"))
        #expect(lines[2].contains("closed-partial") && lines[2].contains("25% of 2.0 KiB") && lines[2].hasSuffix(" 1"))
        #expect(lines[1].contains("bits.example  192.0.2.10  14:13:20"))
        #expect(lines[3] == "start times in UTC, on 2026-09-21")
        #expect(lines[4] == "2 sessions: 1 completed, 1 closed-partial")
        #expect(lines[6] == "session {BC06BDE5-A847-4918-A1DE-AAFAC2BA76AA}  closed-partial  /upload/report.pdf")
        #expect(lines[7] == "  error    partial-file-close  conn 1  Close-Session with 500 of 2000 bytes acknowledged, "
            + "the rest of the file never arrived")
        #expect(lines[8] == "      advice: " + FindingAdvice.advice(for: FindingCode(rawValue: "partial-file-close"))!)
        #expect(lines[10] == "not tied to a session (1 finding):")
        #expect(lines[11] == "  info     session-multi-connection  short")
        #expect(!text.contains("\u{1B}"))
        let state = lines[0].range(of: "state")!.lowerBound.utf16Offset(in: lines[0])
        #expect(lines[1].dropFirst(state).hasPrefix("completed") && lines[2].dropFirst(state).hasPrefix("closed-partial"))
    }

    @Test("a summary fitted to a width: no line wider, columns give way, long messages wrapped under their code",
          arguments: [80, 100, 120])
    func fittedSummary(width: Int) {
        let text = Self.summaryReport().text(style: TextStyle(colors: false, width: width))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= width }, "\(lines.filter { $0.count > width })")
        #expect(lines[0].hasPrefix("session") && lines[0].contains("url") && lines[0].contains("state")
            && lines[0].hasSuffix("findings"))
        let code = lines.firstIndex { $0.hasPrefix("  error    partial-file-close") }!
        #expect(lines[code + 1].hasPrefix("      Close-Session with 500"))
        let indented = lines[(code + 1)...].prefix { $0.hasPrefix("      ") }
        let message = indented.prefix { !$0.hasPrefix("      advice: ") }
        #expect(message.map { $0.dropFirst(6) }.joined(separator: " ")
            == "Close-Session with 500 of 2000 bytes acknowledged, the rest of the file never arrived")
        // The advice follows, wrapped the same way.
        let advice = indented.dropFirst(message.count).map { $0.dropFirst(6) }.joined(separator: " ")
        #expect(advice == "advice: " + FindingAdvice.advice(for: FindingCode(rawValue: "partial-file-close"))!)
    }

    @Test("a table too wide even when shrunk leaves out its droppable columns, in order")
    func droppedColumns() {
        var table = TextTable(header: ["id", "url", "client", "state"], rows: [
            ["{2C8EC01B-5A47-4945-B030-E6907E495B58}", "/upload/a/long/path.etl", "192.0.2.10", "closed-partial"],
        ])
        table.shrinkable = [1, 0, 2]
        table.droppable = [2, 1]
        table.maxWidth = 44
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("id") && !lines[0].contains("client") && lines[0].contains("url"))
        #expect(lines.allSatisfy { $0.count <= 44 })
        table.maxWidth = 30
        let narrow = table.render().split(separator: "\n").map(String.init)
        #expect(!narrow[0].contains("url") && narrow[0].hasSuffix("state") && narrow.allSatisfy { $0.count <= 30 })
    }

    @Test("colours: states and severities painted, and the text without the sequences is the plain text")
    func coloured() {
        let coloured = Self.summaryReport().text(style: TextStyle(colors: true))
        #expect(coloured.contains("  \u{1B}[1;31merror\u{1B}[0m    \u{1B}[1;31mpartial-file-close\u{1B}[0m  conn 1"))
        #expect(coloured.contains("\u{1B}[31mclosed-partial\u{1B}[0m  /upload/report.pdf"))
        #expect(coloured.contains("\u{1B}[32mcompleted\u{1B}[0m"))
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == Self.summaryReport().text())
    }
}
