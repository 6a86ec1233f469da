import AnalyzerCore
import BITSAnalyzer

/// The HTML report of `bitsnoop report` and `analyze --html`: one self-contained page (inline CSS,
/// SVG and a little script; nothing fetched) with a header, a timeline of every session on a shared
/// time axis, a byte map per session and the findings table. Built from the same ``TimelineReport``
/// the JSON timeline is written from. What the page shows: docs/report.md.
public struct HTMLReport {
    /// The analysis results.
    public let timeline: TimelineReport
    /// Bounds on what is drawn.
    public let limits: HTMLReportLimits
    /// More label/value lines for a session's details (e.g. an extracted file), given the
    /// session's index in ``TimelineReport/sessions``. Values are escaped like every other string.
    public var extraSessionDetails: (_ index: Int, _ session: BITSSession) -> [(label: String, value: String)]

    /// Creates a report of `timeline`.
    public init(timeline: TimelineReport, limits: HTMLReportLimits = HTMLReportLimits()) {
        self.timeline = timeline
        self.limits = limits
        self.extraSessionDetails = { _, _ in [] }
    }

    /// The element ID of session `index`'s row.
    public static func sessionAnchor(_ index: Int) -> String { "s\(index + 1)" }
    /// The element ID of finding `index`'s row in the findings table.
    public static func findingAnchor(_ index: Int) -> String { "f\(index + 1)" }

    /// The whole page.
    public func render() -> String {
        let context = HTMLReportContext(timeline: timeline, limits: limits)
        var page = """
            <!DOCTYPE html>
            <html lang="en" data-ready="false">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="bitsnoop">
            <title>bitsnoop report: \(HTMLText.escape(timeline.captures.joined(separator: ", ")))</title>
            <script>\(HTMLReportAssets.errorTrap)</script>
            <style>\(HTMLReportAssets.styleSheet)</style>
            </head>
            <body>

            """
        page += header(context)
        page += legend(context)
        page += HTMLSessionRows(context: context, extraDetails: extraSessionDetails).render()
        page += HTMLFindingsTable(context: context).render()
        page += "<footer>Made by bitsnoop from \(HTMLText.escape(timeline.captures.joined(separator: ", "))).</footer>\n"
        page += "<script>\(HTMLReportAssets.zoomScript)\n\(HTMLReportAssets.script)</script>\n</body>\n</html>\n"
        return page
    }

    private func header(_ context: HTMLReportContext) -> String {
        var out = "<header>\n<h1>BITS upload report</h1>\n<dl class=\"facts\">\n"
        out += "<dt>Captures</dt><dd>" + timeline.captures.map { "<code>\(HTMLText.escape($0))</code>" }
            .joined(separator: ", ") + "</dd>\n"
        if let start = context.firstTime, let end = context.lastTime {
            out += "<dt>Time span</dt><dd>\(context.clock(start)) → \(context.clock(end)) "
                + "(\(HumanUnits.duration(end.seconds(since: start))))</dd>\n"
        } else {
            out += "<dt>Time span</dt><dd>no packets</dd>\n"
        }
        let packets = timeline.counters.first { $0.0 == "packets" }?.1 ?? 0
        out += "<dt>Packets</dt><dd id=\"packet-count\">\(HTMLText.grouped(packets))</dd>\n"
        out += "<dt>Sessions</dt><dd id=\"session-counts\">\(timeline.sessions.count)"
        let byState = Dictionary(grouping: timeline.sessions, by: \.state)
        for state in BITSSessionState.allCases {
            guard let count = byState[state]?.count else { continue }
            out += " <span class=\"chip state-\(state.rawValue)\">\(count) \(state.rawValue)</span>"
        }
        if context.sessionsDrawn < timeline.sessions.count {
            out += " <span class=\"note\">(the first \(context.sessionsDrawn) are drawn; see docs/limits.md)</span>"
        }
        out += "</dd>\n<dt>Findings</dt><dd id=\"finding-counts\">\(timeline.findings.count)"
        for severity in Severity.allCases.reversed() {
            let count = timeline.findings.lazy.filter { $0.severity == severity }.count
            guard count > 0 else { continue }
            out += " <span class=\"chip sev-\(severity)\">\(count) \(severity)</span>"
        }
        out += "</dd>\n</dl>\n</header>\n"
        return out
    }

    private func legend(_ context: HTMLReportContext) -> String {
        var out = "<section id=\"legend\"><h2>Legend</h2>\n<ul class=\"legend\">\n"
        let swatches: [(String, String)] = [
            ("<rect class=\"frag ok\" x=\"1\" y=\"3\" width=\"22\" height=\"8\"/>",
             "Fragment, from request to Ack (length: time to Ack)"),
            ("<rect class=\"frag failed\" x=\"1\" y=\"3\" width=\"22\" height=\"8\"/>",
             "Failed Ack (error status or BITS-Error)"),
            ("<rect class=\"frag resync\" x=\"1\" y=\"3\" width=\"22\" height=\"8\"/>",
             "416 Ack: the server asks the client to resume at its offset (resynchronise)"),
            ("<rect class=\"frag unanswered\" x=\"1\" y=\"3\" width=\"22\" height=\"8\"/>", "Never answered"),
            ("<rect class=\"mark create\" x=\"10\" y=\"1\" width=\"4\" height=\"12\"/>", "Create-Session"),
            ("<rect class=\"mark close\" x=\"10\" y=\"1\" width=\"4\" height=\"12\"/>", "Close-Session"),
            ("<rect class=\"mark cancel\" x=\"10\" y=\"1\" width=\"4\" height=\"12\"/>", "Cancel-Session"),
            ("<rect class=\"mark ping\" x=\"10\" y=\"3\" width=\"4\" height=\"8\"/>", "Ping or other request"),
        ]
        for (shape, label) in swatches {
            out += "<li><svg width=\"24\" height=\"14\" aria-hidden=\"true\">\(shape)</svg> \(label)</li>\n"
        }
        for severity in Severity.allCases.reversed() {
            out += "<li><svg width=\"24\" height=\"14\" aria-hidden=\"true\">"
                + "<path class=\"finding sev-\(severity)\" d=\"M12 13 L6 2 L18 2 Z\"/></svg> Finding: \(severity)</li>\n"
        }
        out += "</ul>\n<ul class=\"legend\">\n<li>Byte map:</li>\n"
        for kind in SessionByteMap.Kind.allCases {
            let (y, height) = [.overlap, .duplicate, .skipped, .resent].contains(kind) ? (3.0, 6.0) : (1.0, 12.0)
            out += "<li><svg width=\"24\" height=\"14\" aria-hidden=\"true\"><rect class=\"bm-\(kind.rawValue)\" x=\"1\" "
                + "y=\"\(HTMLText.number(y))\" width=\"22\" height=\"\(HTMLText.number(height))\"/></svg> "
                + "\(kind.rawValue)</li>\n"
        }
        out += "<li><svg width=\"24\" height=\"14\" aria-hidden=\"true\"><rect class=\"bm-missing\" x=\"2\" y=\"2\" "
            + "width=\"20\" height=\"10\"/></svg> missing at Close</li>\n"
        out += "</ul>\n<p class=\"hint\">Each row is one session on the shared time axis (zoom it with the buttons "
            + "above the rows or by dragging across the axis); its lanes are its TCP connections (labelled by "
            + "number). Hover over a mark for its details; click a row for its own time scale, byte map and "
            + "requests.</p>\n"
        // The codes found, with their count, most severe first: the legend of the markers.
        var codes: [(code: String, severity: Severity, count: Int, first: Int)] = []
        var position: [String: Int] = [:]
        for (index, finding) in timeline.findings.enumerated() {
            if let slot = position[finding.code.rawValue] {
                codes[slot].count += 1
            } else {
                position[finding.code.rawValue] = codes.count
                codes.append((finding.code.rawValue, finding.severity, 1, index))
            }
        }
        if !codes.isEmpty {
            out += "<h3>Findings in this capture</h3>\n<ul class=\"codes\">\n"
            let ordered = codes.sorted { $0.severity != $1.severity ? $0.severity > $1.severity : $0.first < $1.first }
            for entry in ordered {
                out += "<li><span class=\"chip sev-\(entry.severity)\">\(entry.severity)</span> "
                    + "<a href=\"#\(Self.findingAnchor(entry.first))\"><code>\(HTMLText.escape(entry.code))</code></a>"
                    + " × \(entry.count)</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</section>\n"
        return out
    }
}
