import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import Testing

/// `live`'s lines: coloured and fitted by the same TextStyle rules as `analyze`'s summary.
@Suite struct LiveEventLinesTests {
    typealias F = ReportFixtures

    static let url = "/upload/" + String(repeating: "very-long-folder/", count: 8) + "file.bin"
    static let finding = Finding(code: FindingCode(rawValue: "fragment-gap"), severity: .warning, sessionID: "{S}",
                                 connection: 2, time: F.time(5),
                                 message: String(repeating: "a message long enough to wrap ", count: 5))

    static func session() -> BITSSession {
        F.session(id: "{S}", url: url, requests: [F.fragment(0, 9, of: 10, at: 0)], closed: true)
    }

    /// `text` without SGR sequences.
    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    @Test("plain: one line per event, as before, nothing cut")
    func plainLines() {
        let lines = LiveEventLines(style: .plain)
        #expect(lines.created(Self.session()).hasSuffix("session {S} created: \(Self.url) from 192.0.2.10:50000 to 198.51.100.20:80"))
        #expect(lines.ended(Self.session(), time: F.time(9)).hasSuffix("session {S} ended: completed, 10 B / 10 B (100%)"))
        #expect(lines.finding(Self.finding).hasSuffix("warning fragment-gap {S} conn 2: \(Self.finding.message)"))
        #expect(!lines.finding(Self.finding).contains("\n"))
    }

    @Test("coloured: state and severity in their colours, and without the sequences the same text")
    func colours() {
        let coloured = LiveEventLines(style: TextStyle(colors: true))
        let ended = coloured.ended(Self.session(), time: F.time(9))
        #expect(ended.contains("ended: \u{1B}[32mcompleted\u{1B}[0m,"))
        let finding = coloured.finding(Self.finding)
        #expect(finding.contains("\u{1B}[33mwarning fragment-gap\u{1B}[0m"))
        #expect(Self.plain(finding) == LiveEventLines(style: .plain).finding(Self.finding))
        #expect(Self.plain(coloured.created(Self.session())) == LiveEventLines(style: .plain).created(Self.session()))
    }

    @Test("fitted to a width: no line wider, the URL elided in the middle, a long message wrapped and indented",
          arguments: [60, 80, 100])
    func width(columns: Int) {
        let lines = LiveEventLines(style: TextStyle(colors: true, width: columns))
        let created = Self.plain(lines.created(Self.session())).split(separator: "\n")
        #expect(created.count == 2 && created.allSatisfy { $0.count <= columns }, "\(created)")
        #expect(created[0].contains("created: /upload/") && created[0].contains("…") && created[0].hasSuffix("file.bin"))
        #expect(created.last == "    from 192.0.2.10:50000 to 198.51.100.20:80")
        let finding = Self.plain(lines.finding(Self.finding)).split(separator: "\n")
        #expect(finding.count > 1)
        #expect(finding.allSatisfy { $0.count <= columns }, "\(finding)")
        #expect(finding.dropFirst().allSatisfy { $0.hasPrefix("    ") })
    }
}
