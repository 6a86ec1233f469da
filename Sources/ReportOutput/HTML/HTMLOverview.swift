import AnalyzerCore
import BITSAnalyzer

/// The overview of a capture whose digest left sessions out: which sessions the page draws and
/// where the others are, the sessions by state and by finding code (counted over every session),
/// and a histogram of sessions over time.
struct HTMLOverview {
    /// Shared data.
    let context: HTMLReportContext

    /// Height of the histogram's drawing area, in SVG units.
    static let histogramHeight = 80.0

    /// `Of 1,000,000 sessions, 2,000 are drawn: …`: what was left out, and where to find it.
    static func leftOutSentence(_ digest: SessionDigest) -> String {
        let kept = digest.sessionCount - digest.sessionsLeftOut
        let selection = digest.keptSelection
        let which = selection.worst == 0
            ? "the first \(HTMLText.grouped(UInt64(selection.others))) (no session has findings). "
            : "the \(HTMLText.grouped(UInt64(selection.worst))) worst with findings (highest severity, then most "
                + "finding codes, then first seen) and the first \(HTMLText.grouped(UInt64(selection.others))) others. "
        return "Of \(HTMLText.grouped(UInt64(digest.sessionCount))) sessions, \(HTMLText.grouped(UInt64(kept))) are kept "
            + "for this page: " + which
            + "\(HTMLText.grouped(UInt64(digest.sessionsLeftOut))) sessions "
            + "(\(HTMLText.grouped(UInt64(digest.sessionsWithFindingsLeftOut))) of them with findings) are counted "
            + "here but not drawn; the JSON timeline (bitsnoop analyze --json) has every session."
    }

    /// Writes the section to `out`.
    func render(into out: inout HTMLWriter) {
        let digest = context.timeline.digest
        out.raw("<section id=\"overview\"><h2>Overview</h2>\n")
        out.element("p", ["class": "note", "id": "overview-left-out"], text: Self.leftOutSentence(digest))
        out.raw("\n<h3>Sessions by state</h3>\n<table class=\"counts\" id=\"state-counts\" style=\"width: auto\"><tbody>\n")
        for state in BITSSessionState.allCases {
            guard let count = digest.sessionsByState[state] else { continue }
            out.start("tr", ["data-state": state.rawValue])
            out.element("td") { $0.element("span", ["class": "chip state-\(state.rawValue)"], text: state.rawValue) }
            out.element("td", text: HTMLText.grouped(UInt64(count)))
            out.end("tr")
            out.raw("\n")
        }
        out.raw("</tbody></table>\n")
        let codes = TimelineReport.codesBySeverity(digest.sessionsByFindingCode)
        if !codes.isEmpty {
            out.raw("<h3>Sessions by finding code</h3>\n<table class=\"counts\" id=\"code-counts\" style=\"width: auto\"><tbody>\n")
            for (code, count) in codes {
                let severity = SessionFindingSeverity.of(code)
                out.start("tr", ["data-code": code.rawValue])
                out.element("td") { $0.element("span", ["class": "chip sev-\(severity)"], text: "\(severity)") }
                out.element("td") { $0.element("code", text: code.rawValue) }
                out.element("td", text: HTMLText.grouped(UInt64(count)))
                out.end("tr")
                out.raw("\n")
            }
            out.raw("</tbody></table>\n")
        }
        histogram(digest.sessionsOverTime, into: &out)
        out.raw("</section>\n")
    }

    /// Sessions over time as bars, one per bucket, each with its start and count in a hover title.
    private func histogram(_ histogram: SessionsOverTime, into out: inout HTMLWriter) {
        guard let most = histogram.counts.max(), most > 0 else { return }
        out.raw("<h3>Sessions over time</h3>\n")
        out.element("p", ["class": "axis-label"], text: "First seen, \(histogram.counts.count) bars of "
            + "\(HumanUnits.duration(histogram.bucketSeconds)) from \(context.clock(histogram.bucketStart(0))); "
            + "the tallest is \(HTMLText.grouped(UInt64(most))) sessions.")
        out.raw("\n")
        let width = HTMLReportContext.rowWidth / Double(histogram.counts.count)
        out.start("svg", ["class": "histogram", "id": "sessions-over-time",
                          "viewBox": "0 0 \(Int(HTMLReportContext.rowWidth)) \(Int(Self.histogramHeight))",
                          "preserveAspectRatio": "xMinYMin meet", "role": "img", "aria-label": "sessions over time"])
        for (index, count) in histogram.counts.enumerated() {
            let height = count == 0 ? 0 : max(Double(count) / Double(most) * Self.histogramHeight, 1)
            out.element("rect", ["x": HTMLText.number(Double(index) * width),
                                 "y": HTMLText.number(Self.histogramHeight - height),
                                 "width": HTMLText.number(max(width - 1, 0.5)), "height": HTMLText.number(height),
                                 "fill": "#2f7d4f", "data-count": String(count)]) {
                $0.element("title", text: "\(context.clock(histogram.bucketStart(index))): "
                    + "\(HTMLText.grouped(UInt64(count))) session\(count == 1 ? "" : "s")")
            }
        }
        out.raw("</svg>\n")
    }
}
