import AnalyzerCore
import BITSAnalyzer
import ReportOutput
import Testing
import TestSupport

@Suite struct SessionDigestTests {
    typealias F = ReportFixtures

    /// Session `number`, first seen `number` × 10 ms after the start; every fifth orphaned, the
    /// rest completed; every third carries `orphaned-session` (warning), every thousandth (from
    /// the 7th) also `partial-file-close` (error) and `fragment-gap`.
    static func synthetic(_ number: Int, base: BITSSession) -> BITSSession {
        var session = base
        session.number = number
        session.sessionID = "{\(number)}"
        session.firstTime = F.time(Int64(number) * 10)
        session.lastTime = F.time(Int64(number) * 10 + 9)
        session.closed = number % 5 != 0
        session.bytesAcknowledged = number % 5 == 0 ? 500 : 1000
        if number % 3 == 0 { session.findingCodes = [BITSFindingKind.orphanedSession.code] }
        if number % 1000 == 7 {
            session.findingCodes += [BITSFindingKind.partialFileClose.code, BITSFindingKind.fragmentGap.code]
        }
        return session
    }

    /// A small session to copy: Create-Session, two fragments, Close-Session.
    static let base = F.session(requests: [F.request(.createSession, at: 0), F.fragment(0, 499, of: 1000, at: 2),
                                           F.fragment(500, 999, of: 1000, at: 5), F.request(.closeSession, at: 9)],
                                closed: true)

    /// A digest of a million synthetic sessions, built once for the tests that need it.
    static let million: SessionDigest = {
        var digest = SessionDigest()
        for number in 1...1_000_000 { digest.add(synthetic(number, base: base)) }
        return digest
    }()

    @Test("a million sessions: counts of all, a bounded histogram, the worst and the first kept")
    func millionSessions() {
        let digest = Self.million
        let limits = digest.limits
        #expect(digest.sessionCount == 1_000_000)
        #expect(digest.sessionsByState[.orphaned] == 200_000 && digest.sessionsByState[.completed] == 800_000)
        #expect(digest.sessionsByFindingCode[BITSFindingKind.orphanedSession.code] == 333_333)
        #expect(digest.sessionsByFindingCode[BITSFindingKind.partialFileClose.code] == 1_000)
        #expect(digest.sessionsByWorstSeverity[.error] == 1_000)
        #expect(digest.sessionsWithFindings == 333_333 + 1_000 - 333)
        #expect(digest.bytesAcknowledged == 200_000 * 500 + 800_000 * 1000)
        #expect(digest.sessionsOverTime.counts.count <= limits.timeBuckets)
        #expect(digest.sessionsOverTime.counts.reduce(0, +) == 1_000_000)

        let kept = digest.keptSessions
        #expect(kept.count == limits.worstWithFindings + limits.firstOthers)
        #expect(digest.sessionsLeftOut == 1_000_000 - kept.count)
        #expect(kept.map(\.number) == kept.map(\.number).sorted(), "kept in the order first seen")
        // The worst: every session with an error (1,000 of them), most codes first.
        let worst = digest.keptSessionsWorstFirst.prefix(limits.worstWithFindings)
        #expect(worst.allSatisfy { $0.findingCodes.contains(BITSFindingKind.partialFileClose.code) })
        #expect(worst.first?.number == 2_007, "three codes and first seen: 2,007 (7 and 1,007 have two)")
        // The others: the first sessions not among the worst.
        let worstNumbers = Set(worst.map(\.number))
        let others = kept.map(\.number).filter { !worstNumbers.contains($0) }
        #expect(others.first == 1 && others.count == limits.firstOthers)
        #expect(!others.contains(7) && others.contains(6))
    }

    @Test("what is kept and counted does not depend on the order of adding")
    func orderIndependent() {
        var limits = SessionDigestLimits()
        limits.keepAllUpTo = 50
        limits.worstWithFindings = 10
        limits.firstOthers = 15
        limits.timeBuckets = 8
        let sessions = (1...400).map { Self.synthetic($0, base: Self.base) }
        var generator = SplitMix(seed: 13)
        let inOrder = SessionDigest(sessions: sessions, limits: limits)
        let shuffled = SessionDigest(sessions: sessions.shuffled(using: &generator), limits: limits)
        let reversed = SessionDigest(sessions: sessions.reversed(), limits: limits)
        for digest in [shuffled, reversed] {
            #expect(digest.keptSessions.map(\.number) == inOrder.keptSessions.map(\.number))
            #expect(digest.keptSessionsWorstFirst.map(\.number) == inOrder.keptSessionsWorstFirst.map(\.number))
            #expect(digest.sessionsOverTime == inOrder.sessionsOverTime)
            #expect(digest.sessionsByFindingCode == inOrder.sessionsByFindingCode)
        }
        #expect(inOrder.keptSessions.count == 25)
        #expect(inOrder.keptSelection == (worst: 10, others: 15))
        #expect(inOrder.sessionsOverTime.counts.count <= 8)
    }

    @Test("at most keepAllUpTo sessions are all kept, in the order first seen whatever the order of adding")
    func smallCapturesKeepEverything() {
        let sessions = (1...30).map { Self.synthetic($0, base: Self.base) }
        let digest = SessionDigest(sessions: sessions.reversed())
        #expect(digest.keepsEverySession && digest.sessionsLeftOut == 0)
        #expect(digest.keptSessions.map(\.number) == Array(1...30))
    }

    @Test("beyond keepAllUpTo, places of the worst that no session with findings takes go to the first others")
    func unusedWorstPlaces() {
        var limits = SessionDigestLimits()
        limits.keepAllUpTo = 20
        limits.worstWithFindings = 10
        limits.firstOthers = 5
        // Sessions 1…100, of which 3 (those that are multiples of 30) carry findings.
        let sessions = (1...100).map { number in
            var session = Self.synthetic(number, base: Self.base)
            session.findingCodes = number % 30 == 0 ? [BITSFindingKind.missingAck.code] : []
            return session
        }
        var generator = SplitMix(seed: 7)
        let digest = SessionDigest(sessions: sessions.shuffled(using: &generator), limits: limits)
        #expect(digest.keptSelection == (worst: 3, others: 12))
        #expect(digest.keptSessions.map(\.number) == Array(1...12) + [30, 60, 90])
        #expect(digest.keptSessionsWorstFirst.map(\.number) == [30, 60, 90] + Array(1...12))
        #expect(digest.sessionsLeftOut == 85 && digest.sessionsWithFindingsLeftOut == 0)
    }

    @Test("sessions over time: buckets double in width, merging pairs, and stay within their number")
    func histogram() {
        var histogram = SessionsOverTime(capacity: 4)
        for milliseconds in [20, 21, 22, 23] as [Int64] { histogram.add(F.time(milliseconds)) }
        #expect(histogram.counts == [1, 1, 1, 1] && histogram.bucketMilliseconds == 1)
        histogram.add(F.time(24))
        #expect(histogram.counts == [2, 2, 1] && histogram.bucketMilliseconds == 2)
        histogram.add(F.time(0))
        #expect(histogram.counts.count <= 4 && histogram.counts.reduce(0, +) == 6)
        // Hostile times centuries apart neither trap nor grow the histogram.
        histogram.add(CaptureTimestamp(seconds: Int64.max, nanoseconds: 999_999_999))
        histogram.add(CaptureTimestamp(seconds: Int64.min, nanoseconds: 0))
        #expect(histogram.counts.count <= 4 && histogram.counts.reduce(0, +) == 8)
    }
}
