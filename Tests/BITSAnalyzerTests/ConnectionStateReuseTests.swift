import AnalyzerCore
@testable import BITSAnalyzer
import Foundation
import Testing
import TestSupport

/// A connection's state reused for a later connection (`ConnectionSessions.reset`) is the state a
/// new connection gets.
@Suite struct ConnectionStateReuseTests {
    @Test("a reset state is a new one, whatever it held")
    func resetIsNew() {
        let fresh = ConnectionSessions()
        // Every stored field is filled below: a new one must be filled (and reset) too.
        #expect(Mirror(reflecting: fresh).children.count == 7)
        for sessions in [1, ConnectionSessions.maxKeptSessionCapacity + 1] {
            let state = ConnectionSessions()
            let handle = SessionHandle(slot: 3, generation: 2)
            state.active = handle
            state.sessions = Array(repeating: handle, count: sessions)
            state.missing = .serverToClient
            let record = BITSRequestRecord(type: .ping, method: "BITS_POST", url: "/", host: nil, time: .zero, connection: 1)
            state.waiting = [WaitingRequest(serial: 1, record: record)]
            state.placed = [1: (handle, 0)]
            state.reportedCodes = [BITSFindingKind.orphanedSession.code]
            state.carriedUntracked = true
            #expect(dumped(state) != dumped(fresh))
            state.reset()
            #expect(dumped(state) == dumped(fresh), "\(sessions) sessions")
        }
    }

    @Test("a reset state keeps the storage of a short session list only, one session or several")
    func resetKeepsShortStorage() {
        let handle = SessionHandle(slot: 1, generation: 0)
        for (count, reserved) in [(1, 1), (2, 2), (1, ConnectionSessions.maxKeptSessionCapacity + 8),
                                  (ConnectionSessions.maxKeptSessionCapacity + 1, 0)] {
            let state = ConnectionSessions()
            state.sessions.reserveCapacity(reserved)
            state.sessions += Array(repeating: handle, count: count)
            let kept = state.sessions.capacity <= ConnectionSessions.maxKeptSessionCapacity
            let capacity = state.sessions.capacity
            state.reset()
            #expect(state.sessions.isEmpty)
            #expect(state.sessions.capacity == (kept ? capacity : 0), "\(count) sessions in \(capacity)")
        }
    }

    @Test("the connection state kept at hand is the table's, through look-ups, new connections and ended ones")
    func recentIsTable() {
        let tracker = BITSSessionTracker(findings: FindingCollector())
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let id = Int.random(in: 1...5, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: _ = tracker.connectionState(id)
            case 1: _ = tracker.knownConnection(id)
            default: tracker.connectionEnded(id, how: .closed)
            }
            for id in 1...5 { #expect(tracker.knownConnection(id) === tracker.connections[ConnectionNumber(id: id)]) }
        }
    }
}

/// A connection analyzer's list of pending requests handed on by an ended connection
/// (``BITSSessionTracker/sparePendingLists``) gives what a new list gives, whatever its stale
/// entries held.
@Suite struct PendingListReuseTests {
    /// Exchanges leaving different things in the list: all answered, the last one unanswered, the
    /// last one answered before its body ended, two requests pipelined.
    static let transcripts: [String] = {
        let blocks = canonicalExchange.components(separatedBy: "<<<")
        let withoutLastAnswer = blocks.dropLast().joined(separator: "<<<")
        let pipelined = canonicalExchange.replacingOccurrences(of: "Connection: Keep-Alive\n\n<<<", with: "Connection: Keep-Alive\n\n")
        return [canonicalExchange, withoutLastAnswer, pipelined, canonicalExchange]
    }()

    /// The findings and sessions of the transcripts played one connection after another, the lists
    /// reused or (`reuse` false) each connection's new.
    static func outcome(reuse: Bool) -> (findings: [String], sessions: [String], reused: Int) {
        let harness = TranscriptHarness()
        var reused = 0
        for (number, transcript) in (transcripts + transcripts).enumerated() {
            if !reuse { harness.tracker.sparePendingLists.removeAll() }
            reused += harness.tracker.sparePendingLists.count
            harness.play(TranscriptHarness.blocks(transcript), connection: number + 1, close: true)
        }
        harness.tracker.finish()
        return (harness.findings.findings.map { "\($0.code.rawValue) \($0.connection ?? -1) \($0.message)" },
                harness.sessions.map { "\($0)" }, reused)
    }

    @Test("a reused list of pending requests gives what a new one gives")
    func reusedIsNew() {
        let reused = Self.outcome(reuse: true)
        let fresh = Self.outcome(reuse: false)
        #expect(reused.reused > 0)
        #expect(fresh.reused == 0)
        #expect(reused.findings == fresh.findings)
        #expect(reused.sessions == fresh.sessions)
        #expect(!fresh.findings.isEmpty)
    }
}
