import AnalyzerCore

/// The findings table: one row per finding in capture order, sortable by severity, time or code
/// (by the page's script), each linked to its session's row.
struct HTMLFindingsTable {
    /// Shared data.
    let context: HTMLReportContext

    /// The section's markup (a sentence instead of the table when there is no finding).
    func render() -> String {
        let findings = context.timeline.findings
        var out = "<section id=\"findings\">\n<h2>Findings</h2>\n"
        guard !findings.isEmpty else { return out + "<p class=\"empty\">No findings.</p>\n</section>\n" }
        out += "<table class=\"findings\" id=\"findings-table\"><thead><tr>"
            + "<th><button type=\"button\" data-sort=\"severity\">severity</button></th>"
            + "<th><button type=\"button\" data-sort=\"order\">time</button></th>"
            + "<th><button type=\"button\" data-sort=\"code\">code</button></th>"
            + "<th>session</th><th>conn</th><th>message</th></tr></thead><tbody>\n"
        let shown = min(findings.count, max(context.limits.maxFindings, 0))
        for (index, finding) in findings.prefix(shown).enumerated() {
            out += "<tr id=\"\(HTMLReport.findingAnchor(index))\" class=\"sev-\(finding.severity)\" "
                + "data-severity=\"\(finding.severity.rawValue)\" data-order=\"\(index)\" "
                + "data-code=\"\(HTMLText.escape(finding.code.rawValue))\">"
                + "<td><span class=\"chip sev-\(finding.severity)\">\(finding.severity)</span></td>"
                + "<td\(finding.time.map { " title=\"\(context.clock($0))\"" } ?? "")>"
                + "\(finding.time.map { context.relative($0) } ?? "-")</td>"
                + "<td><code>\(HTMLText.escape(finding.code.rawValue))</code></td><td>"
            if let row = context.sessionOfFinding[index] {
                out += "<a href=\"#\(HTMLReport.sessionAnchor(row))\">\(HTMLText.escape(finding.sessionID ?? ""))</a>"
            } else if let id = finding.sessionID {
                out += HTMLText.escape(id)
            }
            out += "</td><td>\(finding.connection.map { "#\($0)" } ?? "")</td>"
                + "<td>\(HTMLText.escape(finding.message))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        if shown < findings.count {
            out += "<p class=\"note\">\(findings.count - shown) more findings are not listed "
                + "(limit: \(context.limits.maxFindings)); the JSON timeline has them all.</p>\n"
        }
        return out + "</section>\n"
    }
}
