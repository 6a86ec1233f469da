import AnalyzerCore
import BITSAnalyzer

extension TimelineReport {
    /// The sessions the summary's table lists: every kept session when the digest kept them all
    /// (in the order first seen); otherwise the worst kept sessions with findings, worst first,
    /// then the first kept others, as many as ``TextSummaryLimits`` allows.
    var listedSessions: [BITSSession] {
        guard digest.sessionsLeftOut > 0 else { return keptSessions }
        let ranked = digest.keptSessionsWorstFirst
        let withFindings = ranked.filter { !$0.findingCodes.isEmpty }.prefix(max(summaryLimits.worstSessionRows, 0))
        let others = ranked.filter(\.findingCodes.isEmpty).prefix(max(summaryLimits.otherSessionRows, 0))
        return Array(withFindings) + Array(others)
    }

    /// What a summary of a large capture says after the sessions' counts: which sessions the table
    /// lists and where the others are, the sessions by finding code, and sessions over time.
    func overviewText(listed: [BITSSession], style: TextStyle) -> String {
        let withFindings = listed.filter { !$0.findingCodes.isEmpty }.count
        let others = listed.count - withFindings
        var out = "Listed above: "
            + (withFindings == 0 ? "" : "the \(withFindings) worst session\(withFindings == 1 ? "" : "s") with findings and ")
            + "the first \(others) \(withFindings == 0 ? "session" : "other")\(others == 1 ? "" : "s"); "
            + "\(HTMLText.grouped(UInt64(digest.sessionCount - listed.count))) sessions are not listed "
            + "(the JSON timeline, --json, has every session).\n"
        let count = digest.sessionsWithFindings
        out += count == 0 ? "No session has findings" : "\(HTMLText.grouped(UInt64(count))) sessions with findings"
        let bySeverity = Severity.allCases.reversed().compactMap { severity in
            digest.sessionsByWorstSeverity[severity].map { "\(HTMLText.grouped(UInt64($0))) worst \(severity)" }
        }
        out += bySeverity.isEmpty ? "" : " (" + bySeverity.joined(separator: ", ") + ")"
        out += "; \(HumanUnits.bytes(digest.bytesAcknowledged)) acknowledged in all.\n"
        let codes = Self.codesBySeverity(digest.sessionsByFindingCode)
        if !codes.isEmpty {
            out += "\nsessions by finding code:\n"
            let width = codes.map(\.0.rawValue.count).max() ?? 0
            for (code, count) in codes {
                let padding = String(repeating: " ", count: width - code.rawValue.count)
                out += "  " + style.paint(code.rawValue, severity: SessionFindingSeverity.of(code)) + padding
                    + "  \(HTMLText.grouped(UInt64(count)))\n"
            }
        }
        out += "\n" + Self.overTimeText(digest.sessionsOverTime, precision: precision)
        return out
    }

    /// Counts by code, the most severe codes first, then the largest counts, then by name.
    static func codesBySeverity(_ counts: [FindingCode: Int]) -> [(FindingCode, Int)] {
        counts.sorted { left, right in
            let (a, b) = (SessionFindingSeverity.of(left.key), SessionFindingSeverity.of(right.key))
            if a != b { return a > b }
            return left.value != right.value ? left.value > right.value : left.key.rawValue < right.key.rawValue
        }.map { ($0.key, $0.value) }
    }

    /// `sessions over time (first seen, 60 buckets of 1 min from …):` and a line of bars.
    static func overTimeText(_ histogram: SessionsOverTime, precision: TimestampPrecision) -> String {
        guard let most = histogram.counts.max(), most > 0 else { return "" }
        let bars = Array("▁▂▃▄▅▆▇█")
        var out = "sessions over time (first seen; \(histogram.counts.count) bucket"
            + "\(histogram.counts.count == 1 ? "" : "s") of \(HumanUnits.duration(histogram.bucketSeconds)) "
            + "from \(histogram.bucketStart(0).rfc3339(precision: precision)); most in one: "
            + "\(HTMLText.grouped(UInt64(most)))):\n  "
        for count in histogram.counts {
            out.append(count == 0 ? " " : bars[min((count * bars.count - 1) / most, bars.count - 1)])
        }
        return out + "\n"
    }
}
