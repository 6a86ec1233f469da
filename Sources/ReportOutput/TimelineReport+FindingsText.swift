import AnalyzerCore
import BITSAnalyzer

extension TimelineReport {
    /// The findings part of the summary: for each listed session with findings (the worst
    /// ``TextSummaryLimits/sessionsWithFindings`` when there are more), in the table's order, a
    /// heading naming the session in full and its findings, most severe first; then the findings
    /// tied to no session; then a count by code of those not listed (other sessions, and past the
    /// limits). Each advice is shown once, under the first finding it applies to.
    func findingsText(_ placed: SummaryFindings, listed: [BITSSession], style: TextStyle) -> String {
        guard !findings.isEmpty else { return "\nno findings\n" }
        var out = ""
        var advised: Set<String> = []
        let rows = placed.listedRows(limit: summaryLimits.sessionsWithFindings)
        var notListed: [FindingCode: Int] = placed.elsewhereByCode
        for row in placed.groups.keys where !rows.contains(row) {
            for (code, count) in placed.groups[row]!.byCode { notListed[code, default: 0] += count }
        }
        for row in rows {
            let group = placed.groups[row]!
            out += "\n" + sessionHeading(listed[row], style: style) + "\n"
            out += groupLines(group, style: style, showSession: false, advised: &advised)
        }
        if placed.captureWide.count > 0 {
            let count = placed.captureWide.count
            out += "\n" + style.bold("not tied to a session (\(count) finding\(count == 1 ? "" : "s")):") + "\n"
            out += groupLines(placed.captureWide, style: style, showSession: true, advised: &advised)
        }
        let more = notListed.values.reduce(0, +)
        if more > 0 {
            out += "\n" + Self.fitted(Self.moreFindingsLine(count: more, byCode: notListed,
                                                            what: rows.isEmpty ? "of sessions" : "of other sessions"),
                                      indent: "", width: style.width)
        }
        return out
    }

    /// `session {ID}  closed-partial  /upload/report.pdf`: the ID in full, a refused session's
    /// reason after its state (`rejected: 403 E_ACCESSDENIED`); with a width, the URL (keeping its
    /// end), then the ID, shortened to fit.
    private func sessionHeading(_ session: BITSSession, style: TextStyle) -> String {
        let state = session.state.rawValue + (SessionSummaryCells.rejection(session).map { ": " + $0 } ?? "")
        var id = TextTable.printable(session.sessionID ?? "(no ID)")
        var url = TextTable.printable(session.url.isEmpty ? "-" : session.url)
        if let width = style.width {
            let fixed = "session ".count + 2 + state.count + 2
            if fixed + id.count + url.count > width {
                url = TextTable.elide(url, to: max(width - fixed - id.count, 16), keepingEnd: true)
            }
            if fixed + id.count + url.count > width { id = TextTable.elide(id, to: max(width - fixed - url.count, 11)) }
        }
        return style.bold("session \(id)") + "  " + style.paint(state, state: session.state) + "  " + url
    }

    /// A group's findings kept, most severe first, each with its advice unless `advised` holds it
    /// already; then how many more, by code.
    private func groupLines(_ group: SummaryFindings.Group, style: TextStyle, showSession: Bool,
                            advised: inout Set<String>) -> String {
        var out = ""
        for index in group.keptInOrder {
            let finding = findings[index]
            let advice = BITSFindingAdvice.advice(for: finding).flatMap { advised.insert($0).inserted ? $0 : nil }
            out += findingLines(finding, advice: advice, style: style, showSession: showSession)
        }
        let rest = group.notKeptByCode(of: findings)
        let count = rest.values.reduce(0, +)
        if count > 0 {
            out += Self.fitted(Self.moreFindingsLine(count: count, byCode: rest, what: nil), indent: "  ", width: style.width)
        }
        return out
    }

    /// `  error    code  conn N  message` (the session ID after the code when `showSession`), or, when
    /// that is wider than the style allows, the message wrapped on lines of its own indented under
    /// it; then `advice: …` indented under it (wrapped likewise), when given.
    private func findingLines(_ finding: Finding, advice: String?, style: TextStyle, showSession: Bool) -> String {
        var place: [String] = []
        if showSession, let id = finding.sessionID { place.append(TextTable.printable(id)) }
        if let connection = finding.connection { place.append("conn \(connection)") }
        let severity = "\(finding.severity)"
        let padding = String(repeating: " ", count: max(0, 7 - severity.count))
        let rest = "  \(finding.code)" + (place.isEmpty ? "" : "  " + place.joined(separator: " "))
        let head = "  " + severity + padding + rest
        let paintedHead = "  " + style.paint(severity, severity: finding.severity) + padding
            + "  " + style.paint(finding.code.rawValue, severity: finding.severity)
            + (place.isEmpty ? "" : "  " + place.joined(separator: " "))
        let message = TextTable.printable(finding.message)
        let indent = "      "
        let advice = advice.map { "advice: " + TextTable.printable($0) }
        guard let width = style.width else {
            return paintedHead + "  " + message + "\n" + (advice.map { indent + $0 + "\n" } ?? "")
        }
        let wrapWidth = max(width - indent.count, 20)
        let adviceLines = advice.map { Self.wrap($0, width: wrapWidth).map { indent + $0 + "\n" }.joined() } ?? ""
        guard head.count + 2 + message.count > width else { return paintedHead + "  " + message + "\n" + adviceLines }
        let wrapped = Self.wrap(message, width: wrapWidth)
        return paintedHead + "\n" + wrapped.map { indent + $0 + "\n" }.joined() + adviceLines
    }

    /// `line` (ending in a newline) after `indent`; with a width it does not fit, wrapped, the
    /// lines after the first indented two more.
    static func fitted(_ line: String, indent: String, width: Int?) -> String {
        guard let width, indent.count + line.count - 1 > width else { return indent + line }
        let lines = wrap(String(line.dropLast()), width: max(width - indent.count - 2, 20))
        return lines.enumerated().map { (index, text) in indent + (index == 0 ? "" : "  ") + text + "\n" }.joined()
    }

    /// `… 1,234 more of other sessions: orphaned-session 1,200, fragment-gap 34 (the JSON timeline,
    /// --json, lists every finding)`; the most frequent codes first.
    static func moreFindingsLine(count: Int, byCode counts: [FindingCode: Int], what: String?) -> String {
        let byCode = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) \(HTMLText.grouped(UInt64($0.value)))" }
        return "… \(HTMLText.grouped(UInt64(count))) more" + (what.map { " " + $0 } ?? "") + ": "
            + byCode.joined(separator: ", ") + " (the JSON timeline, --json, lists every finding)\n"
    }
}
