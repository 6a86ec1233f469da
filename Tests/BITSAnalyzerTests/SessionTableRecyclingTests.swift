import AnalyzerCore
@testable import BITSAnalyzer
import Testing
import TestSupport

/// A session begun in place in a free slot, whose lists may keep an earlier session's storage
/// (`BITSSessionTable.insert`, `vacate`), is the session built new; a vacated one is the vacant one.
@Suite struct SessionTableRecyclingTests {
    static let client = Endpoint(address: .v4(0x0A00_0001), port: 49_152)
    static let server = Endpoint(address: .v4(0x0A00_0002), port: 80)
    static let start = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 250)

    /// The session `BITSSession.init` and `TrackedSession.init` make: the general path.
    static func built(number: Int, id: String?, host: String?) -> TrackedSession {
        TrackedSession(record: BITSSession(number: number, sessionID: id, url: "/up/\(number)", host: host,
                                           client: client, time: start))
    }

    /// Gives every field of `session` a value other than its initial one.
    static func fillEverything(_ session: inout TrackedSession, requests: Int) {
        var record = BITSRequestRecord(type: .fragment, method: "BITS_POST", url: "/x", host: "h", time: start, connection: 7)
        record.status = 200
        record.errorContext = "0x5"
        session.record.requests = Array(repeating: record, count: requests)
        session.record.connections = [7, 8]
        session.record.servers = [server, client]
        session.record.supportedProtocols = ["{P}"]
        session.record.chosenProtocol = "{P}"
        session.record.totalLength = 10
        session.record.bytesAcknowledged = 5
        session.record.contentName = "n"
        session.record.replyURL = "/r"
        session.record.hostID = "host"
        session.record.hostIDFallbackTimeout = 3
        session.record.lastTime = start.adding(seconds: 9)
        session.record.findingCodes = [BITSFindingKind.orphanedSession.code]
        session.record.createSeen = true
        session.record.rejected = true
        session.record.closed = true
        session.record.cancelled = true
        session.record.replyFetched = true
        session.record.missingDirection = .clientToServer
        session.record.runningAtCaptureEnd = .connectionOpen
        session.resyncOffset = 4
        session.offsetUnknown = true
        session.outstandingFragments = 2
        session.projectedOffset = 6
        session.awaitingID = true
        session.heldFindings = [Finding(code: BITSFindingKind.orphanedSession.code, severity: .warning, message: "m")]
        session.startAnnounced = true
        session.endTime = start
        session.openConnections = 3
        session.createChallenged = true
        session.openAtCaptureEnd = true
        session.lastConnectionClosed = true
        session.requestLimitReported = true
        session.refusedFragmentSize = 1
        session.sessionRules.cancelAcknowledged = true
        session.sessionRules.hostIDGivenAt = start
        session.sessionRules.serverLostSession = true
        session.sessionRules.lastEnd = SessionRuleState.EndAnswer(cancel: true, status: 500, sessionNotFound: true)
        session.sessionRules.lastAtHostID = start
        session.sessionRules.hostIDSettled = true
        session.sessionRules.finalAckWithoutReply = true
        session.sessionRules.retiredLastSeen = start
    }

    /// The fields (by label, recursively: `record.` and `sessionRules.` ones too) whose dumps differ
    /// between two sessions.
    static func differingFields(_ left: TrackedSession, _ right: TrackedSession) -> [String] {
        let (one, other) = (fields(left, prefix: ""), fields(right, prefix: ""))
        return one.keys.filter { one[$0] != other[$0] }.sorted()
    }

    /// Every field's label, as ``differingFields(_:_:)`` names them.
    static var allFields: Set<String> { Set(fields(TrackedSession.vacant, prefix: "").keys) }

    /// Each field's dump by label.
    static func fields(_ value: Any, prefix: String) -> [String: String] {
        var found: [String: String] = [:]
        for child in Mirror(reflecting: value).children {
            let label = prefix + (child.label ?? "?")
            if label == "record" || label == "sessionRules" {
                found.merge(fields(child.value, prefix: label + ".")) { $1 }
            } else {
                found[label] = dumped(child.value)
            }
        }
        return found
    }

    @Test("a session made vacant in place is the vacant session, every field of it")
    func vacateEveryField() {
        var session = Self.built(number: 4, id: "{S4}", host: "h")
        Self.fillEverything(&session, requests: 3)
        // Every field filled (but the extracted file's): a field added later and left out of
        // `vacate()` fails here, until it is filled above.
        #expect(Self.differingFields(session, .vacant) == Self.allFields.subtracting(["record.file"]).sorted())
        session.vacate()
        #expect(Self.differingFields(session, .vacant) == [])
        #expect(dumped(session) == dumped(TrackedSession.vacant))
    }

    @Test("a session begun in a used, vacated or fresh slot is the one built new", arguments: [0, 3, 16, 17])
    func recycledSlot(requests: Int) {
        var table = BITSSessionTable()
        let first = table.insert(sessionID: "{S1}", url: "/up/1", host: nil, client: Self.client, time: Self.start)
        #expect(dumped(table[first]) == dumped(Self.built(number: 1, id: "{S1}", host: nil)))
        table.index(first, byID: "{S1}")
        Self.fillEverything(&table[first], requests: requests)
        table.unindex(first)
        #expect(table.handle(forID: "{s1}") == nil)
        #expect(table.withRecord(first) { $0.requests.count } == requests, "whole until vacated")
        table.vacate(first)
        #expect(!table.contains(first) && table.count == 0)
        let second = table.insert(sessionID: nil, url: "/up/2", host: "h2", client: Self.client, time: Self.start)
        #expect(second.slot == first.slot)
        #expect(dumped(table[second]) == dumped(Self.built(number: 2, id: nil, host: "h2")))
        // The storage is kept for small lists only.
        let kept = table[second].record.requests.capacity
        #expect(requests > 0 && requests <= TrackedSession.maxRecycledCapacity ? kept >= requests : kept == 0)
        #expect(table[second].record.connections.capacity >= 2 && table[second].record.servers.capacity >= 2)
    }
}
