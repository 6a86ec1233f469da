import AnalyzerCore
import BITSAnalyzer

extension TimelineReport {
    /// The columns of the summary's session table, in order.
    static let sessionTableHeader = ["session", "url", "server", "client", "start", "state", "progress", "requests",
                                     "duration", "findings"]

    /// How the session table fits a width, step by step (each only when the ones before were not
    /// enough): the session ID shortened first (to `{F90D…A34D}`), then the client and server; the
    /// URL down to 40 characters; then requests, duration, client and server left out; the URL down
    /// to 28; the start left out; the URL down to 20; the finding count left out; the URL down to
    /// 12; as a last resort the ID down to 7 and the URL to 8.
    /// A shortened URL keeps more of its end (the file name) than of its start.
    public static let sessionTableFitting: [TextTable.FitStep] = [
        .shrink(0, to: 11), .shrink(3, to: 15), .shrink(2, to: 16), .shrink(1, to: 40),
        .drop(7), .drop(8), .drop(3), .shrink(2, to: 12), .drop(2), .shrink(1, to: 28),
        .drop(4), .shrink(1, to: 20), .drop(9), .shrink(1, to: 12), .shrink(0, to: 7), .shrink(1, to: 8),
    ]

    /// The session table: a header and a line per listed session, fitted to the style's width,
    /// states coloured; under it, when the start column is shown, that start times are UTC (and
    /// their day, when every listed session started on the same one).
    func sessionTable(_ listed: [BITSSession], findings: SummaryFindings, style: TextStyle) -> String {
        let starts = listed.map { SessionSummaryCells.dayAndTime($0.firstTime) }
        let day = starts.first?.day
        let oneDay = starts.allSatisfy { $0.day == day }
        var rows: [[String]] = []
        rows.reserveCapacity(listed.count)
        for (row, session) in listed.enumerated() {
            let start = starts[row]
            rows.append([
                session.sessionID ?? "(no ID)",
                session.url.isEmpty ? "-" : session.url,
                SessionSummaryCells.server(session),
                session.client.address.description,
                oneDay ? String(start.time) : "\(start.day) \(start.time)",
                session.state.rawValue,
                SessionSummaryCells.progress(session),
                String(session.requests.count),
                HumanUnits.duration(session.lastTime.seconds(since: session.firstTime)),
                String(findings.groups[row]?.count ?? 0),
            ])
        }
        var table = TextTable(header: Self.sessionTableHeader, rows: rows, rightAligned: [7, 8, 9])
        table.fitting = Self.sessionTableFitting
        table.keepsEnd = [1]
        table.maxWidth = style.width
        let states = listed.map(\.state)
        table.decorate = { row, column, text in
            if row == 0 { return style.bold(text) }
            return column == 5 ? style.paint(text, state: states[row - 1]) : text
        }
        var out = table.render()
        if table.columnWidths()[4] != nil, let day {
            out += "start times in UTC" + (oneDay ? ", on \(day)" : "") + "\n"
        }
        return out
    }
}
