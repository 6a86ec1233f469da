import AnalyzerCore
import BITSAnalyzer

/// A bounded aggregate of every session of a capture, added one at a time in any order as they
/// leave the tracker: counts by state, by finding code and by worst severity, bytes acknowledged,
/// sessions over time, and the sessions kept in full for display. While at most
/// ``SessionDigestLimits/keepAllUpTo`` sessions were added every one is kept; beyond that, the worst
/// ``SessionDigestLimits/worstWithFindings`` sessions with findings and the first
/// ``SessionDigestLimits/firstOthers`` of the rest (more when fewer sessions have findings). What is kept does not depend on the order of
/// adding (docs/report.md, docs/limits.md).
public struct SessionDigest: Sendable {
    /// The bounds.
    public let limits: SessionDigestLimits
    /// Sessions added.
    public private(set) var sessionCount = 0
    /// Sessions by their state at the end.
    public var sessionsByState: [BITSSessionState: Int] { stateCounts.dictionary }
    private var stateCounts = SessionStateCounts()
    /// Sessions carrying each finding code (a session counts once per code).
    public private(set) var sessionsByFindingCode: [FindingCode: Int] = [:]
    /// Sessions by the most severe of their finding codes (sessions without findings not counted).
    public private(set) var sessionsByWorstSeverity: [Severity: Int] = [:]
    /// Sessions with at least one finding code.
    public private(set) var sessionsWithFindings = 0
    /// Bytes acknowledged over all sessions (saturating).
    public private(set) var bytesAcknowledged: UInt64 = 0
    /// Sessions by the time they were first seen.
    public private(set) var sessionsOverTime: SessionsOverTime

    /// Every session while at most `keepAllUpTo` were added.
    private var all: [Kept] = []
    /// Beyond `keepAllUpTo`: the worst sessions with findings.
    private var worst: BoundedSelection<Kept>
    /// Beyond `keepAllUpTo`: the first seen sessions (enough that `firstOthers` remain outside `worst`).
    private var first: BoundedSelection<Kept>
    /// Whether sessions are selected (more than `keepAllUpTo` were added).
    private var selecting = false

    /// What ranks a session in the selections, without the session.
    struct Rank: Sendable {
        /// The session's ``BITSSession/number``.
        let number: Int
        /// Order of adding: the last tie-break, for sessions of the same number.
        let sequence: Int
        /// The most severe of its finding codes; `nil` without findings.
        let severity: Severity?
        /// How many distinct finding codes it has.
        let codes: Int

        /// First seen first.
        static func earlier(_ a: Rank, _ b: Rank) -> Bool {
            a.number != b.number ? a.number < b.number : a.sequence < b.sequence
        }

        /// Highest severity, then most codes, then first seen.
        static func worse(_ a: Rank, _ b: Rank) -> Bool {
            let left = a.severity.map { $0.rawValue + 1 } ?? 0
            let right = b.severity.map { $0.rawValue + 1 } ?? 0
            if left != right { return left > right }
            if a.codes != b.codes { return a.codes > b.codes }
            return earlier(a, b)
        }
    }

    /// A session kept, with what ranks it.
    struct Kept: Sendable {
        /// The session, boxed: the selections copy entries as they compare and move them, and a
        /// box is one reference to retain where the session's own fields are some twenty.
        private let box: SessionBox
        /// The session.
        var session: BITSSession { box.session }
        /// What ranks it, kept beside the box so that ranking reads no session out of it (a copy of
        /// its twenty-odd fields, retained and released, at each comparison).
        let rank: Rank
        /// Order of adding.
        var sequence: Int { rank.sequence }
        /// The most severe of its finding codes; `nil` without findings.
        var severity: Severity? { rank.severity }

        init(session: BITSSession, rank: Rank) {
            self.box = SessionBox(session)
            self.rank = rank
        }

        /// First seen first.
        static func earlier(_ a: Kept, _ b: Kept) -> Bool { Rank.earlier(a.rank, b.rank) }

        /// Highest severity, then most codes, then first seen.
        static func worse(_ a: Kept, _ b: Kept) -> Bool { Rank.worse(a.rank, b.rank) }
    }

    /// An empty digest.
    public init(limits: SessionDigestLimits = SessionDigestLimits()) {
        self.limits = limits
        sessionsOverTime = SessionsOverTime(capacity: limits.timeBuckets)
        worst = BoundedSelection(capacity: limits.worstWithFindings, better: Kept.worse)
        first = BoundedSelection(capacity: max(limits.worstWithFindings, 0) + max(limits.firstOthers, 0),
                                 better: Kept.earlier)
    }

    /// A digest of `sessions`.
    public init(sessions: some Sequence<BITSSession>, limits: SessionDigestLimits = SessionDigestLimits()) {
        self.init(limits: limits)
        for session in sessions { add(session) }
    }

    /// Adds one session, final (as it leaves the tracker).
    public mutating func add(_ session: BITSSession) {
        sessionCount += 1
        stateCounts.add(session.state)
        var codes = Set<FindingCode>()
        for code in session.findingCodes where codes.insert(code).inserted {
            sessionsByFindingCode[code, default: 0] += 1
        }
        let severity = SessionFindingSeverity.worst(of: session)
        if let severity {
            sessionsWithFindings += 1
            sessionsByWorstSeverity[severity, default: 0] += 1
        }
        bytesAcknowledged = bytesAcknowledged.saturatingAdding(session.bytesAcknowledged ?? 0)
        sessionsOverTime.add(session.firstTime)

        let rank = Rank(number: session.number, sequence: sessionCount, severity: severity, codes: codes.count)
        if !selecting {
            all.append(Kept(session: session, rank: rank))
            guard all.count > max(limits.keepAllUpTo, 0) else { return }
            selecting = true
            for entry in all { select(entry) }
            all = []
        } else if wouldKeep(rank) {
            select(Kept(session: session, rank: rank))
        }
    }

    /// Whether either selection would keep a session ranked `rank` (``select(_:)`` keeps it or
    /// changes nothing): most sessions of a long capture are neither the first nor the worst, and
    /// are not boxed (a copy of the session, an allocation) only to be turned away.
    private func wouldKeep(_ rank: Rank) -> Bool {
        (rank.severity != nil && worst.wouldKeep { Rank.worse(rank, $0.rank) })
            || first.wouldKeep { Rank.earlier(rank, $0.rank) }
    }

    private mutating func select(_ kept: Kept) {
        if kept.severity != nil { worst.offer(kept) }
        first.offer(kept)
    }

    /// The sessions kept, in the order first seen (``BITSSession/number``).
    public var keptSessions: [BITSSession] { keptEntries().sorted(by: Kept.earlier).map(\.session) }

    /// The sessions kept: those with findings first, the worst first (highest severity, then most
    /// finding codes, then first seen), then the others in the order first seen.
    public var keptSessionsWorstFirst: [BITSSession] {
        let entries = keptEntries()
        return (entries.filter { $0.severity != nil }.sorted(by: Kept.worse)
            + entries.filter { $0.severity == nil }.sorted(by: Kept.earlier)).map(\.session)
    }

    /// Sessions added but not kept.
    public var sessionsLeftOut: Int { sessionCount - keptEntries().count }

    /// Sessions with findings added but not kept.
    public var sessionsWithFindingsLeftOut: Int {
        sessionsWithFindings - keptEntries().lazy.filter { $0.severity != nil }.count
    }

    /// Whether every session added is kept.
    public var keepsEverySession: Bool { !selecting }

    /// Beyond `keepAllUpTo`: how many of the kept are the worst with findings, and how many the
    /// first others (`firstOthers`, and the places of the worst that fewer sessions with findings
    /// left unused). Both 0 while every session is kept.
    public var keptSelection: (worst: Int, others: Int) {
        guard selecting else { return (0, 0) }
        return (worst.elements.count, keptEntries().count - worst.elements.count)
    }

    private func keptEntries() -> [Kept] {
        guard selecting else { return all }
        let chosen = Set(worst.elements.map(\.sequence))
        // Places of the worst left unused go to the others; `first` holds enough of them.
        let places = max(limits.firstOthers, 0) + max(limits.worstWithFindings, 0) - worst.elements.count
        let others = first.elements.filter { !chosen.contains($0.sequence) }.sorted(by: Kept.earlier).prefix(places)
        return worst.elements + others
    }
}

/// A session behind one reference (``SessionDigest`` keeps its entries so).
final class SessionBox: Sendable {
    let session: BITSSession

    init(_ session: BITSSession) { self.session = session }
}
