import AnalyzerCore
@testable import BITSAnalyzer
import Testing
import TestSupport

/// `advanceClock` returns at once before `nextClockDeadline`: the deadline is never past the first
/// lingering session's release or the next idle sweep, and a run that skips nothing (the deadline
/// cleared before every connection) lets the same sessions go at the same times.
@Suite struct ClockDeadlineTests {
    typealias Lifecycle = SessionLifecycleTests

    /// Sessions that linger (closed, connection left open), go idle, come back late, spread over
    /// connections whose clocks are 100 s apart (the harness's), some gaps past the linger, the
    /// idle sweep's step or the idle timeout.
    static let plays: [(blocks: [TranscriptHarness.Block], connection: Int, finish: Bool)] = [
        (Lifecycle.exchange(1), 1, false),
        (Lifecycle.unfinished(2), 2, false),
        (Lifecycle.lateFragment(1), 3, true),
        (Lifecycle.exchange(4), 5, false),
        (Lifecycle.exchange(5), 6, false),
        (Lifecycle.unfinished(6), 9, false),
        (Lifecycle.exchange(7), 30, false),
        (Lifecycle.lateFragment(2), 31, true),
        (Lifecycle.exchange(8), 33, false),
        (Lifecycle.unfinished(9), 60, true),
        (Lifecycle.lateFragment(8), 61, true),
    ]

    /// The earliest time `advanceClock` could have work, as its general path tests it.
    static func earliestDue(_ tracker: BITSSessionTracker) -> CaptureTimestamp {
        var due = tracker.lastIdleSweep.adding(seconds: max(1, tracker.idleTimeoutSeconds / 16))
        if let (_, endedAt) = tracker.lingering.first {
            due = min(due, endedAt.adding(seconds: tracker.limits.endedLingerSeconds))
        }
        return due
    }

    @Test("the deadline is never past what is due, and skipping to it changes nothing")
    func sameAsEveryEvent() {
        let fast = TranscriptHarness()
        let general = TranscriptHarness()
        for play in Self.plays {
            general.tracker.nextClockDeadline = .zero
            general.play(play.blocks, connection: play.connection, finish: play.finish)
            fast.play(play.blocks, connection: play.connection, finish: play.finish)
            #expect(fast.tracker.nextClockDeadline <= Self.earliestDue(fast.tracker), "connection \(play.connection)")
            #expect(dumped(fast.sessions) == dumped(general.sessions), "connection \(play.connection)")
        }
        fast.tracker.finish()
        general.tracker.finish()
        #expect(fast.sessions.count >= 8)
        #expect(dumped(fast.sessions) == dumped(general.sessions))
        #expect(fast.codes == general.codes)
    }

    @Test("a new idle timeout takes effect at the next event")
    func idleTimeoutChanged() {
        let harness = TranscriptHarness()
        harness.play(Lifecycle.unfinished(1), connection: 1, finish: false)
        // The next sweep was due 112 s (1,800 / 16) after the first event; now 3 s after it.
        harness.tracker.idleTimeoutSeconds = 50
        harness.play(Lifecycle.unfinished(2), connection: 2, finish: false)
        // Session 1, silent for 100 s, past 50 s: ended, and lingering as its connection is open.
        #expect(harness.tracker.lingering.count == 1)
    }
}
