import AnalyzerCore
import Foundation
@testable import BITSAnalyzer
import Testing

/// Sessions leave the tracker when they end: memory follows the sessions open at once.
@Suite struct SessionLifecycleTests {
    /// The canonical exchange with session ID number `n` (a Create-Session, a Fragment, a Ping, a
    /// Close-Session, each acknowledged).
    static func exchange(_ n: Int) -> [TranscriptHarness.Block] {
        TranscriptHarness.blocks(canonicalExchange.replacingOccurrences(of: "A0FF5911", with: hex8(n)))
    }

    static func hex8(_ n: Int) -> String {
        let digits = String(n, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// The blocks of a Create-Session and its one Fragment of session `n` (every byte acknowledged),
    /// never closed.
    static func unfinished(_ n: Int) -> [TranscriptHarness.Block] { Array(exchange(n).prefix(4)) }

    /// A lone Fragment of session `n` and its Ack.
    static func lateFragment(_ n: Int) -> [TranscriptHarness.Block] { Array(exchange(n)[2..<4]) }

    @Test("a closed session leaves as soon as its connection is gone, before the capture ends")
    func leavesWithItsConnection() {
        let harness = TranscriptHarness()
        harness.play(Self.exchange(1), connection: 1, close: true)
        #expect(harness.tracker.openSessionCount == 0)
        #expect(harness.retired.retired.map(\.state) == [.completed])
        harness.tracker.finish()
        #expect(harness.retired.retired.count == 1, "left once")
    }

    @Test("a thousand sessions one after another never hold more than one open")
    func flatMemory() {
        let harness = TranscriptHarness()
        var mostOpen = 0
        for n in 1...1_000 {
            harness.play(Self.exchange(n), connection: n, close: true)
            mostOpen = max(mostOpen, harness.tracker.openSessionCount)
        }
        harness.tracker.finish()
        #expect(mostOpen == 0)
        #expect(harness.tracker.sessionCount == 1_000)
        #expect(harness.retired.retired.map(\.number) == Array(1...1_000))
        // The canonical exchange's only finding: its Acks omit BITS-Session-Id, as IIS's do.
        #expect(harness.retired.retired.allSatisfy {
            $0.state == .completed && $0.findingCodes.map(\.rawValue) == ["ack-missing-session-id"]
        })
        #expect(harness.tracker.connections.isEmpty, "no connection state is left behind")
        #expect(harness.codes == Array(repeating: "ack-missing-session-id", count: 1_000))
    }

    @Test("an ended session on a connection still open stays for a late request, then leaves after its linger")
    func lingerThenRemembered() throws {
        let harness = TranscriptHarness()
        // Closed, connection left open: a Fragment after the Close on it still counts to the session.
        harness.play(Self.exchange(7) + Self.lateFragment(7), connection: 1, finish: false)
        #expect(harness.retired.retired.isEmpty)
        // 100 s later (connection 2's clock) the linger (30 s) has passed: the session is gone, and
        // a request naming it is a late one, not a session never created.
        harness.play(Self.lateFragment(7), connection: 2)
        let first = try #require(harness.retired.retired.first)
        #expect(first.number == 1 && first.state == .completed)
        #expect(first.findingCodes.map(\.rawValue).contains("fragment-after-close"))
        harness.tracker.finish()
        let second = try #require(harness.retired.retired.last)
        #expect(harness.retired.retired.count == 2)
        #expect(second.sessionID == first.sessionID && second.number == 2)
        // The late Fragment is acknowledged (200) though the session was closed.
        #expect(second.findingCodes.map(\.rawValue)
            == ["fragment-after-close", "session-not-found-wrong-code", "ack-missing-session-id"])
        #expect(!harness.codes.contains("unknown-session"))
    }

    @Test("a session silent for the idle timeout is ended as at the end of the capture and leaves while it goes on")
    func idleSessionLeaves() throws {
        let harness = TranscriptHarness()
        harness.play(Self.unfinished(1), connection: 1, close: true)
        #expect(harness.tracker.openSessionCount == 1, "not ended: its connection closing is no end")
        // Connection 30 speaks 2,900 s later, past the idle timeout of 1,800 s.
        harness.play(Self.exchange(2), connection: 30, close: true)
        let orphan = try #require(harness.retired.retired.first)
        #expect(orphan.number == 1 && orphan.state == .uploadedNotClosed)
        #expect(harness.retired.retired.map(\.number) == [1, 2])
        #expect(harness.codes == ["ack-missing-session-id", "complete-not-closed", "ack-missing-session-id"])
    }

    @Test("the capture ends while uploads run: in-progress with a notice, not orphaned; closed connections: orphaned")
    func inProgressAtCaptureEnd() throws {
        let harness = TranscriptHarness()
        // Session 1: its connection is still open when the capture ends.
        harness.play(Array(Self.exchange(1).prefix(3)), connection: 1, finish: false)
        // Session 2: its connection was closed (FINs) with no Close-Session.
        harness.play(Array(Self.exchange(2).prefix(2)) + [Self.exchange(2)[2]], connection: 2)
        harness.tracker.finish()
        let sessions = harness.sessions
        #expect(sessions.map(\.state) == [.inProgress, .orphaned])
        #expect(sessions[0].stateReason == "capture ended: a connection of the session was still open when the capture ended")
        #expect(sessions[1].stateReason == nil)
        let first = try #require(harness.findings.findings.first { $0.code.rawValue == "session-in-progress" })
        #expect(first.severity == .notice)
        #expect(harness.codes.filter { $0 == "orphaned-session" }.count == 1, "only the closed one")
    }

    @Test("a session active within the idle timeout of the end whose connection was dropped is in progress")
    func recentlyActiveIsInProgress() {
        let harness = TranscriptHarness()
        harness.play(Array(Self.exchange(1).prefix(2)), connection: 1, finish: false, close: true)
        harness.tracker.finish(at: CaptureTimestamp(seconds: 1_800_000_000 + 100 + 600, nanoseconds: 0))
        #expect(harness.sessions.map(\.state) == [.inProgress])
        #expect(harness.sessions.first?.stateReason?.contains("idle timeout") == true)
        let late = TranscriptHarness()
        late.play(Array(Self.exchange(1).prefix(2)), connection: 1, finish: false, close: true)
        late.tracker.finish(at: CaptureTimestamp(seconds: 1_800_000_000 + 100 + 3_600, nanoseconds: 0))
        #expect(late.sessions.map(\.state) == [.orphaned], "silent for longer than the idle timeout")
    }

    @Test("every session is retired once at the end, in the order first seen")
    func finishRetiresAll() {
        let harness = TranscriptHarness()
        for n in 1...5 { harness.play(Self.unfinished(n), connection: n) }
        #expect(harness.retired.retired.isEmpty)
        harness.tracker.finish()
        #expect(harness.retired.retired.map(\.number) == [1, 2, 3, 4, 5])
        #expect(harness.tracker.openSessionCount == 0)
    }

    @Test("the session table reuses slots and tells a stale handle")
    func tableHandles() {
        var table = BITSSessionTable()
        let client = Endpoint(address: .v4(1), port: 1)
        let first = table.insert(sessionID: "{S1}", url: "/", host: nil, client: client, time: .zero)
        table.index(first, byID: "{S1}")
        table.unindex(first)
        table.vacate(first)
        let second = table.insert(sessionID: "{S2}", url: "/", host: nil, client: client, time: .zero)
        #expect(second.slot == first.slot && second != first)
        #expect(!table.contains(first) && table.contains(second))
        #expect(table.handle(forID: "{s1}") == nil, "the ID left with its session")
        #expect(table[second].record.number == 2 && table.count == 1 && table.numbered == 2)
    }

    /// Records what an observer hears.
    final class EventRecorder: BITSSessionObserver {
        var events: [String] = []
        func sessionStarted(_ session: BITSSession) { events.append("started \(session.number)") }
        func requestFinished(_ request: BITSRequestRecord, in session: BITSSession) {
            events.append("\(request.type) \(request.status ?? 0) in \(session.number) (\(session.requests.count) listed)")
        }
        func sessionEnded(_ session: BITSSession, time: CaptureTimestamp) {
            events.append("ended \(session.number) \(session.state)")
        }
    }

    @Test("the answered record moves into the session's list, and the observer hears it as listed or, past the list's limit, unlisted")
    func answeredRecordListed() {
        for (limit, listed) in [(10, 4), (2, 2)] {
            var limits = Limits.BITS()
            limits.maxRequestsPerSession = limit
            let harness = TranscriptHarness(limits: limits)
            let recorder = EventRecorder()
            harness.tracker.observer = recorder
            harness.play(Self.exchange(1), connection: 1, close: true)
            #expect(recorder.events == [
                "started 1", "create-session 200 in 1 (1 listed)", "fragment 200 in 1 (2 listed)",
                "ping 200 in 1 (\(min(3, listed)) listed)", "close-session 200 in 1 (\(listed) listed)", "ended 1 completed",
            ], "limit \(limit)")
            let session = harness.retired.retired.first
            #expect(session?.requests.map { $0.status } == Array(repeating: 200, count: listed))
            #expect(session?.requests.map { $0.ackTime != nil } == Array(repeating: true, count: listed))
        }
    }

    @Test("an answer that comes before its request's body ended is given to the request once it ends, or once it is given up")
    func earlyAnswer() {
        let blocks = Self.exchange(1)
        var fragment = blocks[2]
        let half = fragment.bytes.count - 2_000
        let rest = TranscriptHarness.Block(fromClient: true, bytes: Array(fragment.bytes[half...]))
        fragment.bytes.removeSubrange(half...)
        func listed(_ blocks: [TranscriptHarness.Block]) -> [String] {
            let harness = TranscriptHarness()
            harness.play(blocks, connection: 1, close: true)
            harness.tracker.finish()
            return harness.sessions.flatMap { $0.requests.map { "\($0.type) \($0.status ?? 0) \($0.received ?? 0) \($0.unanswered)" } }
        }
        let inOrder = listed(blocks)
        #expect(inOrder == ["create-session 200 0 false", "fragment 200 4892 false", "ping 200 0 false", "close-session 200 0 false"])
        #expect(listed([blocks[0], blocks[1], fragment, blocks[3], rest] + blocks[4...]) == inOrder)
        #expect(listed([blocks[0], blocks[1], fragment, blocks[3]]) == ["create-session 200 0 false", "fragment 200 4892 false"],
                "the body never ends: given up with its answer")
    }

    @Test("an observer hears each session start, its requests and its end, then the sink gets it, on every path")
    func observerAndSink() {
        let harness = TranscriptHarness()
        let recorder = EventRecorder()
        harness.tracker.observer = recorder
        harness.play(Self.exchange(1), connection: 1, close: true)
        harness.play(Self.unfinished(2), connection: 2)
        harness.tracker.finish()
        #expect(recorder.events == [
            "started 1", "create-session 200 in 1 (1 listed)", "fragment 200 in 1 (2 listed)", "ping 200 in 1 (3 listed)",
            "close-session 200 in 1 (4 listed)", "ended 1 completed",
            "started 2", "create-session 200 in 2 (1 listed)", "fragment 200 in 2 (2 listed)",
            "ended 2 uploadedNotClosed",
        ])
        #expect(harness.retired.retired.map(\.number) == [1, 2])
    }
}
