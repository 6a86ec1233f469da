import AnalyzerCore
import BITSAnalyzer

extension TimelineReport {
    /// The readable summary, plain: one line per session, then findings grouped by severity.
    public func text() -> String { text(style: .plain) }

    /// The readable summary: a table with one line per session (ID, URL, client, state, bytes
    /// acknowledged of the total, requests, duration), the sessions by state, then the findings
    /// grouped by severity, most severe first, the first ``TextSummaryLimits/findingsPerSeverity``
    /// of each listed and the rest counted by code. When the digest left sessions out, the table
    /// lists the worst kept sessions with findings and the first others (`listedSessions`), and
    /// the counts are followed by an overview (`overviewText`). With a width, the URL, session and
    /// client columns give way first (`…` in the middle), then the client and URL columns are left
    /// out, and finding messages wrap under their code; with colours, states and severities are
    /// coloured.
    public func text(style: TextStyle) -> String {
        let listed = listedSessions
        var rows: [[String]] = []
        for session in listed {
            let acknowledged = session.bytesAcknowledged ?? 0
            let progress: String
            if session.missingDirection == .serverToClient {
                // No Ack is in the capture: how much the server holds is unknown.
                progress = "? / " + (session.totalLength.map { HumanUnits.bytes($0) } ?? "?")
            } else if let total = session.totalLength {
                progress = "\(HumanUnits.bytes(acknowledged)) / \(HumanUnits.bytes(total)) "
                    + "(\(HumanUnits.percent(acknowledged, of: total))%)"
            } else {
                progress = session.bytesAcknowledged.map { HumanUnits.bytes($0) } ?? "-"
            }
            rows.append([
                session.sessionID ?? "(none)",
                session.url.isEmpty ? "-" : session.url,
                session.client.address.description,
                session.state.rawValue,
                progress,
                String(session.requests.count),
                HumanUnits.duration(session.lastTime.seconds(since: session.firstTime)),
            ])
        }
        var out = ""
        let tlsConnections = counters.first { $0.0 == "tls_connections" }?.1 ?? 0
        if digest.sessionCount == 0, tlsConnections > 0 {
            // Said first: otherwise this reads exactly like a capture without BITS.
            out += style.bold("No BITS session seen, but \(tlsConnections) TLS connection"
                + (tlsConnections == 1 ? " was" : "s were") + " not decrypted: BITS over HTTPS cannot be seen "
                + "(tls-not-decrypted)") + "\n"
        }
        if !rows.isEmpty {
            var table = TextTable(header: ["session", "url", "client", "state", "acknowledged", "requests", "duration"],
                                  rows: rows, rightAligned: [5, 6])
            table.shrinkable = [1, 0, 2]
            table.droppable = [2, 1]
            table.maxWidth = style.width
            let states = listed.map(\.state)
            table.decorate = { row, column, text in
                if row == 0 { return style.bold(text) }
                return column == 3 ? style.paint(text, state: states[row - 1]) : text
            }
            out += table.render()
        }
        let count = digest.sessionCount
        out += "\(count) session\(count == 1 ? "" : "s")"
        let byState = digest.sessionsByState
        if !byState.isEmpty {
            out += ": " + BITSSessionState.allCases.compactMap { state in
                byState[state].map { style.paint("\($0) \(state.rawValue)", state: state) }
            }.joined(separator: ", ")
        }
        out += "\n"
        if let unknown = byState[.unknown] {
            out += "\(unknown) session\(unknown == 1 ? "" : "s") with outcome unknown: one direction of "
                + "their traffic is not in the capture (capture-one-sided)\n"
        }
        if listed.count < count { out += overviewText(listed: listed, style: style) }
        for severity in Severity.allCases.reversed() {
            let group = findings.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            out += "\n" + style.paint("\(severity) (\(group.count)):", severity: severity) + "\n"
            let shown = max(summaryLimits.findingsPerSeverity, 0)
            for finding in group.prefix(shown) { out += findingLines(finding, style: style) }
            if group.count > shown { out += Self.moreFindingsLine(group.dropFirst(shown), style: style) }
        }
        if findings.isEmpty { out += "\nno findings\n" }
        if let extractionFolder { out += filesText(folder: extractionFolder) }
        return out
    }

    /// The list of extracted files: name, length, complete or what is missing, SHA-256.
    private func filesText(folder: String) -> String {
        let files = keptSessions.compactMap(\.file)
        var out = "\n\(files.count) file\(files.count == 1 ? "" : "s") extracted to \(folder)"
        if digest.sessionsLeftOut > 0 {
            out += " from the \(keptSessions.count) sessions kept (the JSON timeline, --json, lists every file)"
        }
        out += files.isEmpty ? "\n" : ":\n"
        for file in files {
            var state = file.complete ? "complete" : "partial"
            if !file.missing.isEmpty {
                let missingBytes = file.missing.reduce(UInt64(0)) { sum, range in
                    sum.saturatingAdding((range.upperBound - range.lowerBound).saturatingAdding(1))
                }
                state += ", missing \(HumanUnits.bytes(missingBytes)) in \(file.missing.count) range"
                    + (file.missing.count == 1 ? "" : "s")
            }
            out += "  \(file.path)  \(HumanUnits.bytes(file.bytes))  \(state)  sha256 \(file.sha256)\n"
        }
        return out
    }

    /// `  code  session conn N  message`, or, when that is wider than the style allows, the message
    /// wrapped on lines of its own indented under the code; then `advice: …` indented under it
    /// (wrapped likewise), when the code has advice.
    private func findingLines(_ finding: Finding, style: TextStyle) -> String {
        var place: [String] = []
        if let id = finding.sessionID { place.append(id) }
        if let connection = finding.connection { place.append("conn \(connection)") }
        let head = "  \(finding.code)" + (place.isEmpty ? "" : "  " + place.joined(separator: " "))
        let paintedHead = "  " + style.paint(finding.code.rawValue, severity: finding.severity)
            + (place.isEmpty ? "" : "  " + place.joined(separator: " "))
        let indent = "      "
        let advice = BITSFindingAdvice.advice(for: finding).map { "advice: " + $0 }
        let oneLine = head.count + 2 + finding.message.count
        guard let width = style.width else {
            return paintedHead + "  " + finding.message + "\n" + (advice.map { indent + $0 + "\n" } ?? "")
        }
        let wrapWidth = max(width - indent.count, 20)
        let adviceLines = advice.map { Self.wrap($0, width: wrapWidth).map { indent + $0 + "\n" }.joined() } ?? ""
        guard oneLine > width else { return paintedHead + "  " + finding.message + "\n" + adviceLines }
        let wrapped = Self.wrap(finding.message, width: wrapWidth)
        return paintedHead + "\n" + wrapped.map { indent + $0 + "\n" }.joined() + adviceLines
    }

    /// `text` broken into lines of at most `width` characters at spaces; a word longer than the
    /// width is cut.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            while word.count > width {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
