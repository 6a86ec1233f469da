import AnalyzerCore
@testable import BITSAnalyzer
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
