import AnalyzerCore
import BITSAnalyzer

/// The findings table: one row per finding in capture order, sortable by severity, time or code
/// (by the page's script), each linked to its session's row, its message followed by the advice.
struct HTMLFindingsTable {
    /// Shared data.
    let context: HTMLReportContext


    /// Writes the section to `out`.
    func render(into out: inout HTMLWriter) {
        let findings = context.timeline.findings
        out.raw("<section id=\"findings\">\n<h2>Findings</h2>\n")
        guard !findings.isEmpty else {
            out.raw("<p class=\"empty\">No findings.</p>\n</section>\n")
            return
        }
        out.raw("<table class=\"findings\" id=\"findings-table\"><thead><tr>"
            + "<th><button type=\"button\" data-sort=\"severity\">severity</button></th>"
            + "<th><button type=\"button\" data-sort=\"order\">time</button></th>"
            + "<th><button type=\"button\" data-sort=\"code\">code</button></th>"
            + "<th>session</th><th>conn</th><th>message</th></tr></thead><tbody>\n")
        for index in context.listedFindings {
            row(index: index, finding: findings[index], into: &out)
        }
        out.raw("</tbody></table>\n")
        let notListed = findings.count - context.listedFindings.count
        if notListed > 0 {
            out.start("p", ["class": "note"])
            if context.timeline.digest.sessionsLeftOut > 0 {
                out.text("\(notListed) more findings are not listed: those of the sessions not kept for this page "
                    + "(and any past \(context.limits.maxFindings) rows); the JSON timeline (--json) has them all.")
            } else {
                out.text("\(notListed) more findings are not listed (limit: \(context.limits.maxFindings)); "
                    + "the JSON timeline has them all.")
            }
            out.raw("</p>\n")
        }
        out.raw("</section>\n")
    }

    private func row(index: Int, finding: Finding, into out: inout HTMLWriter) {
        out.start("tr", ["id": HTMLReport.findingAnchor(index), "class": "sev-\(finding.severity)",
                         "data-severity": String(finding.severity.rawValue), "data-order": String(index),
                         "data-code": finding.code.rawValue])
        out.element("td") { $0.element("span", ["class": "chip sev-\(finding.severity)"], text: "\(finding.severity)") }
        out.element("td", ["title": finding.time.map { context.clock($0) }],
                    text: finding.time.map { context.relative($0) } ?? "-")
        out.element("td") { $0.element("code", text: finding.code.rawValue) }
        out.start("td")
        if let row = context.sessionOfFinding[index] {
            out.element("a", ["href": "#\(HTMLReport.sessionAnchor(row))"], text: finding.sessionID ?? "(no session ID)")
        } else if let id = finding.sessionID {
            out.text(id)
        }
        out.end("td")
        out.element("td", text: finding.connection.map { "#\($0)" } ?? "")
        out.start("td")
        out.text(finding.message)
        if let advice = BITSFindingAdvice.advice(for: finding) {
            out.element("div", ["class": "advice"], text: "advice: " + advice)
        }
        out.end("td")
        out.end("tr")
        out.raw("\n")
    }
}
