import AnalyzerCore
import BITSAnalyzer

/// The findings of a report sorted out for the text summary in one pass and bounded memory: those
/// of each session the table lists (the most severe ``TextSummaryLimits/findingsPerSession`` kept,
/// all counted by code), those tied to no session (the most severe
/// ``TextSummaryLimits/captureWideFindings`` kept), and those of sessions the table does not list
/// (counted by code). A finding belongs to a session by its ``Finding/sessionNumber`` when it has
/// one (a refused session has no ID), otherwise by its session ID (the first listed session with it).
struct SummaryFindings {
    /// The findings of one listed session.
    struct Group {
        /// How many.
        var count = 0
        /// The most severe of them.
        var worst: Severity = .info
        /// The most severe, the earliest first among equals (indexes into the report's findings).
        var kept: BoundedSelection<Ranked>
        /// How many of each code.
        var byCode: [FindingCode: Int] = [:]
    }

    /// A finding's index with what ranks it: most severe first, then earliest.
    struct Ranked: Sendable {
        let severity: Severity
        let index: Int

        static func before(_ a: Ranked, _ b: Ranked) -> Bool {
            a.severity != b.severity ? a.severity > b.severity : a.index < b.index
        }
    }

    /// By row of the table (index into the listed sessions): the session's findings.
    private(set) var groups: [Int: Group] = [:]
    /// Findings tied to no session.
    private(set) var captureWide: Group
    /// Findings of sessions the table does not list: how many, and of each code.
    private(set) var elsewhere = 0
    private(set) var elsewhereByCode: [FindingCode: Int] = [:]

    /// Sorts `findings` out for the `listed` sessions (the table's rows, in order).
    init(_ findings: [Finding], listed: [BITSSession], limits: TextSummaryLimits) {
        var rowOfNumber: [Int: Int] = [:]
        var rowOfID: [String: Int] = [:]
        for (row, session) in listed.enumerated() {
            if rowOfNumber[session.number] == nil { rowOfNumber[session.number] = row }
            if let id = session.sessionID, rowOfID[id] == nil { rowOfID[id] = row }
        }
        let perSession = max(limits.findingsPerSession, 0)
        captureWide = Group(kept: BoundedSelection(capacity: max(limits.captureWideFindings, 0), better: Ranked.before))
        for (index, finding) in findings.enumerated() {
            let ranked = Ranked(severity: finding.severity, index: index)
            guard finding.sessionNumber != nil || finding.sessionID != nil else {
                Self.add(finding, ranked, to: &captureWide)
                continue
            }
            let row = finding.sessionNumber.map { rowOfNumber[$0] } ?? finding.sessionID.flatMap { rowOfID[$0] }
            guard let row else {
                elsewhere += 1
                elsewhereByCode[finding.code, default: 0] += 1
                continue
            }
            Self.add(finding, ranked, to: &groups[row, default: Group(kept: BoundedSelection(capacity: perSession,
                                                                                             better: Ranked.before))])
        }
    }

    private static func add(_ finding: Finding, _ ranked: Ranked, to group: inout Group) {
        group.count += 1
        group.worst = max(group.worst, finding.severity)
        group.kept.offer(ranked)
        group.byCode[finding.code, default: 0] += 1
    }

    /// The rows whose findings are listed: at most `limit`, the worst when there are more (most
    /// severe finding, then most findings, then first in the table), in the table's order.
    func listedRows(limit: Int) -> [Int] {
        let rows = groups.keys.sorted()
        guard rows.count > max(limit, 0) else { return rows }
        let worst = rows.sorted { a, b in
            let (left, right) = (groups[a]!, groups[b]!)
            if left.worst != right.worst { return left.worst > right.worst }
            return left.count != right.count ? left.count > right.count : a < b
        }
        return worst.prefix(max(limit, 0)).sorted()
    }
}

extension SummaryFindings.Group {
    /// The indexes of the findings kept, most severe first, then in capture order.
    var keptInOrder: [Int] { kept.elements.sorted(by: SummaryFindings.Ranked.before).map(\.index) }

    /// How many of each code are not kept, given the findings the indexes point into.
    func notKeptByCode(of findings: [Finding]) -> [FindingCode: Int] {
        var counts = byCode
        for ranked in kept.elements { counts[findings[ranked.index].code, default: 0] -= 1 }
        return counts.filter { $0.value > 0 }
    }
}
