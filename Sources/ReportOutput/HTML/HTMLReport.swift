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
    /// session's row (0 for the first row drawn; the rows are ``TimelineReport/keptSessions`` in that
    /// order unless the digest left sessions out, when those with findings come first). Values are
    /// escaped like every other string.
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
        let captures = timeline.captures.joined(separator: ", ")
        var page = HTMLWriter()
        page.raw("""
            <!DOCTYPE html>
            <html lang="en" data-ready="false">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="bitsnoop">

            """)
        page.element("title", text: "bitsnoop report: \(captures)")
        page.raw("""

            <script>\(HTMLReportAssets.errorTrap)</script>
            <style>\(HTMLReportAssets.styleSheet)</style>
            </head>
            <body>

            """)
        header(context, into: &page)
        legend(listedFindings: context.listedFindings, into: &page)
        if timeline.digest.sessionsLeftOut > 0 { HTMLOverview(context: context).render(into: &page) }
        HTMLSessionRows(context: context, extraDetails: extraSessionDetails).render(into: &page)
        HTMLFindingsTable(context: context).render(into: &page)
        page.element("footer", text: "Made by bitsnoop from \(captures).")
        page.raw("\n<script>\(HTMLReportAssets.zoomScript)\n\(HTMLReportAssets.script)</script>\n</body>\n</html>\n")
        return page.html
    }

    private func header(_ context: HTMLReportContext, into out: inout HTMLWriter) {
        let digest = timeline.digest
        out.raw("<header>\n<h1>BITS upload report</h1>\n<dl class=\"facts\">\n<dt>Captures</dt><dd>")
        for (index, capture) in timeline.captures.enumerated() {
            if index > 0 { out.raw(", ") }
            out.element("code", text: capture)
        }
        out.raw("</dd>\n")
        if let start = context.firstTime, let end = context.lastTime {
            out.raw("<dt>Time span</dt>")
            out.element("dd", text: "\(context.clock(start)) → \(context.clock(end)) "
                + "(\(HumanUnits.duration(end.seconds(since: start))))")
            out.raw("\n")
        } else {
            out.raw("<dt>Time span</dt><dd>no packets</dd>\n")
        }
        let packets = timeline.counters.first { $0.0 == "packets" }?.1 ?? 0
        out.raw("<dt>Packets</dt>")
        out.element("dd", ["id": "packet-count"], text: HTMLText.grouped(packets))
        out.raw("\n<dt>Sessions</dt>")
        out.start("dd", ["id": "session-counts"])
        out.text(String(digest.sessionCount))
        for state in BITSSessionState.allCases {
            guard let count = digest.sessionsByState[state] else { continue }
            out.raw(" ")
            out.element("span", ["class": "chip state-\(state.rawValue)"], text: "\(count) \(state.rawValue)")
        }
        if digest.sessionsLeftOut > 0 {
            out.raw(" ")
            out.element("span", ["class": "note"], text: "(\(context.sessionsDrawn) are drawn: the worst with findings "
                + "and the first others; see the overview below)")
        } else if context.sessionsDrawn < digest.sessionCount {
            out.raw(" ")
            out.element("span", ["class": "note"], text: "(the first \(context.sessionsDrawn) are drawn; see docs/limits.md)")
        }
        out.raw("</dd>\n<dt>Findings</dt>")
        out.start("dd", ["id": "finding-counts"])
        out.text(String(timeline.findings.count))
        var bySeverity: [Severity: Int] = [:]
        for finding in timeline.findings { bySeverity[finding.severity, default: 0] += 1 }
        for severity in Severity.allCases.reversed() {
            guard let count = bySeverity[severity] else { continue }
            out.raw(" ")
            out.element("span", ["class": "chip sev-\(severity)"], text: "\(count) \(severity)")
        }
        out.raw("</dd>\n</dl>\n</header>\n")
    }

    private func legend(listedFindings: [Int], into out: inout HTMLWriter) {
        out.raw("<section id=\"legend\"><h2>Legend</h2>\n<ul class=\"legend\">\n")
        // Fixed drawings of this module: raw.
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
            out.raw("<li><svg width=\"24\" height=\"14\" aria-hidden=\"true\">\(shape)</svg> ")
            out.text(label)
            out.raw("</li>\n")
        }
        for severity in Severity.allCases.reversed() {
            out.raw("<li><svg width=\"24\" height=\"14\" aria-hidden=\"true\">")
            out.empty("path", ["class": "finding sev-\(severity)", "d": "M12 13 L6 2 L18 2 Z"])
            out.raw("</svg> ")
            out.text("Finding: \(severity)")
            out.raw("</li>\n")
        }
        out.raw("</ul>\n<ul class=\"legend\">\n<li>Byte map:</li>\n")
        for kind in SessionByteMap.Kind.allCases {
            let (y, height) = [.overlap, .duplicate, .skipped, .resent].contains(kind) ? (3.0, 6.0) : (1.0, 12.0)
            out.raw("<li><svg width=\"24\" height=\"14\" aria-hidden=\"true\">")
            out.empty("rect", ["class": "bm-\(kind.rawValue)", "x": "1", "y": HTMLText.number(y), "width": "22",
                               "height": HTMLText.number(height)])
            out.raw("</svg> ")
            out.text(kind.rawValue)
            out.raw("</li>\n")
        }
        out.raw("<li><svg width=\"24\" height=\"14\" aria-hidden=\"true\"><rect class=\"bm-missing\" x=\"2\" y=\"2\" "
            + "width=\"20\" height=\"10\"/></svg> missing at Close</li>\n")
        out.raw("</ul>\n<p class=\"hint\">Each row is one session on the shared time axis (zoom it with the buttons "
            + "above the rows or by dragging across the axis); its lanes are its TCP connections (labelled by "
            + "number). Hover over a mark for its details; click a row for its own time scale, byte map and "
            + "requests.</p>\n")
        // The codes found, with their count, most severe first: the legend of the markers.
        // A code links to its first row in the findings table (when the table lists one).
        var codes: [(code: String, severity: Severity, count: Int, first: Int, link: Int?)] = []
        var position: [String: Int] = [:]
        for (index, finding) in timeline.findings.enumerated() {
            if let slot = position[finding.code.rawValue] {
                codes[slot].count += 1
            } else {
                position[finding.code.rawValue] = codes.count
                codes.append((finding.code.rawValue, finding.severity, 1, index, nil))
            }
        }
        for index in listedFindings.reversed() {
            if let slot = position[timeline.findings[index].code.rawValue] { codes[slot].link = index }
        }
        if !codes.isEmpty {
            out.raw("<h3>Findings in this capture</h3>\n<ul class=\"codes\">\n")
            let ordered = codes.sorted { $0.severity != $1.severity ? $0.severity > $1.severity : $0.first < $1.first }
            for entry in ordered {
                out.raw("<li>")
                out.element("span", ["class": "chip sev-\(entry.severity)"], text: "\(entry.severity)")
                out.raw(" ")
                if let link = entry.link {
                    out.element("a", ["href": "#\(Self.findingAnchor(link))"]) { $0.element("code", text: entry.code) }
                } else {
                    out.element("code", text: entry.code)
                }
                out.text(" × \(entry.count)")
                out.raw("</li>\n")
            }
            out.raw("</ul>\n")
        }
        out.raw("</section>\n")
    }
}
