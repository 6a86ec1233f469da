import AnalyzerCore
@testable import BITSAnalyzer
import HTTP1Parser
import Testing
import TestSupport

/// The answer path's shortcuts against what they replace: a listed request takes an answer's
/// fields (``BITSRequestRecord/takeAnswer(of:)``) where the answered record was swapped in whole,
/// a chosen protocol spelt as one offered is that string (``AckRules/chosenProtocol(_:offered:strings:)``)
/// where it was looked up among the recent strings, and ``BITSSessionTable/unindex(_:)`` returns
/// the digest the tracker computed a second time.
@Suite struct AnswerPathTests {
    private static let client = Endpoint(address: .v4(0x0A00_0001), port: 50_000)
    private static let server = Endpoint(address: .v4(0x0A00_0002), port: 80)
    private static let id = "{A0FF5911-4144-45B3-BF27-27AFC8EC8A67}"
    private static let protocolGUID = "{7df0354d-249b-430f-820d-3d2a9bef4931}"

    private static func request(_ type: String, _ fields: [(String, String)] = []) -> HTTPRequestHead {
        HTTPRequestHead(method: "BITS_POST", target: "/upload/file", version: .http11,
                        headers: HTTPHeaders([HTTPHeaderField(name: "BITS-Packet-Type", value: type),
                                              HTTPHeaderField(name: "Host", value: "server")]
                                             + fields.map { HTTPHeaderField(name: $0.0, value: $0.1) }),
                        headBytes: 100)
    }

    private static func answer(_ status: Int, _ fields: [(String, String)]) -> HTTPResponseHead {
        HTTPResponseHead(version: .http11, status: status, reason: "", headers: HTTPHeaders(fields.map { HTTPHeaderField(name: $0.0, value: $0.1) }),
                         headBytes: 100)
    }

    private static func observed(_ second: Int64, index: Int) -> ObservedRequest {
        ObservedRequest(time: CaptureTimestamp(seconds: second, nanoseconds: 0),
                        connection: BITSConnectionInfo(id: 1, client: client, server: server),
                        bodyBytes: 0, bodyGapBytes: 0, complete: true,
                        requestKey: BITSRequestKey(connection: 1, index: index))
    }

    @Test("a listed request that takes an answer is the answered record, field for field")
    func takeAnswerIsTheAnsweredRecord() {
        var sent = BITSRequestRecord(type: .fragment, method: "BITS_POST", url: "/u", host: "h",
                                     time: CaptureTimestamp(seconds: 5, nanoseconds: 0), connection: 3)
        sent.contentName = "name"
        // Every field an answer sets differs between the two records (the listed one a stale
        // answer, as a request of a connection's earlier state never is, to see each taken).
        var listed = sent
        listed.errorContext = "0x5"
        listed.errorCode = BITSErrorCode(1)
        var answered = sent
        answered.status = 500
        answered.ackTime = CaptureTimestamp(seconds: 6, nanoseconds: 7)
        answered.received = 42
        answered.errorCode = .sessionNotFound
        answered.errorContext = "0x7"
        answered.challenge = true
        answered.unanswered = true
        for answeredContext in ["0x7", nil] {
            answered.errorContext = answeredContext
            var taking = listed
            taking.takeAnswer(of: answered)
            #expect(dumped(taking) == dumped(answered))
        }
        // A new field of the record may be one an answer sets: takeAnswer must then take it.
        #expect(Mirror(reflecting: sent).children.count == 18)
    }

    @Test("after an answer, the session lists the request as the handle holds it answered")
    func listedAfterAnswer() throws {
        let tracker = BITSSessionTracker(findings: FindingCollector())
        let exchanges: [(HTTPRequestHead, HTTPResponseHead)] = [
            (Self.request("Create-Session", [("BITS-Supported-Protocols", Self.protocolGUID)]),
             Self.answer(401, [])),
            (Self.request("Create-Session", [("BITS-Supported-Protocols", Self.protocolGUID)]),
             Self.answer(200, [("BITS-Packet-Type", "Ack"), ("BITS-Session-Id", Self.id), ("BITS-Protocol", Self.protocolGUID)])),
            (Self.request("Fragment", [("BITS-Session-Id", Self.id), ("Content-Range", "bytes 0-9/20"), ("Content-Length", "10")]),
             Self.answer(500, [("BITS-Packet-Type", "Ack"), ("BITS-Error-Code", "0x80200013"), ("BITS-Error-Context", "0x5")])),
            (Self.request("Fragment", [("BITS-Session-Id", Self.id), ("Content-Range", "bytes 0-9/20"), ("Content-Length", "10")]),
             Self.answer(200, [("BITS-Packet-Type", "Ack"), ("BITS-Received-Content-Range", "10")])),
        ]
        for (index, (request, response)) in exchanges.enumerated() {
            var handle = tracker.request(request, Self.observed(Int64(2 * index), index: index))
            tracker.response(response, time: CaptureTimestamp(seconds: Int64(2 * index + 1), nanoseconds: 0), to: &handle)
            let session = try #require(handle.session)
            let position = try #require(handle.listIndex)
            #expect(dumped(tracker.sessions[session].record.requests[position]) == dumped(handle.record), "exchange \(index)")
            #expect(handle.record.status == response.status)
        }
    }

    @Test("a chosen protocol is the value trimmedValue makes, and offered as sent exactly when it is",
          arguments: [nil, "", Self.protocolGUID, Self.protocolGUID.uppercased(), " " + Self.protocolGUID,
                      Self.protocolGUID + "\t", "{other}", "x"])
    func chosenProtocolAsTrimmedValue(value: String?) {
        let offers: [[String]] = [[], [Self.protocolGUID], ["{other}", Self.protocolGUID], [" " + Self.protocolGUID], ["x"]]
        for offered in offers {
            let head = Self.answer(200, value.map { [("BITS-Protocol", $0)] } ?? [])
            var strings = RecentStrings()
            var reference = RecentStrings()
            let chosen = AckRules.chosenProtocol(head, offered: offered, strings: &strings)
            let expected = head.headers.trimmedValue(.bitsProtocol, reusing: &reference)
            #expect(chosen.value == expected, "\(String(describing: value)) offered \(offered)")
            #expect(chosen.value.map { Array($0.utf8) } == expected.map { Array($0.utf8) })
            let sentAsOffered = value.map { sent in
                sent == expected && offered.contains { Array($0.utf8) == Array(sent.utf8) }
            } ?? false
            #expect(chosen.offeredAsSent == sentAsOffered, "\(String(describing: value)) offered \(offered)")
        }
    }

    @Test("the end rules find what the copy of the record they read found, text for text")
    func endRulesAsBefore() {
        /// The rules as they were, on a copy of the record.
        func reference(_ session: TrackedSession) -> [String] {
            let record = session.record
            let acknowledged = record.bytesAcknowledged ?? 0
            let total = record.totalLength.map(String.init) ?? "unknown"
            switch record.state {
            case .orphaned:
                return ["orphaned-session neither closed nor cancelled; \(acknowledged) of \(total) bytes acknowledged"]
            case .uploadedNotClosed:
                return ["complete-not-closed all \(total) bytes acknowledged but no Close-Session"]
            case .inProgress:
                return ["session-in-progress still running when the capture ended ("
                            + (record.runningAtCaptureEnd?.rawValue ?? "") + "); \(acknowledged) of \(total) bytes acknowledged"]
            default:
                return []
            }
        }
        var seen = Set<BITSSessionState>()
        for flags in 0..<64 {
            for (total, acknowledged) in [(nil, nil), (UInt64(20), nil), (20, 10), (20, 20), (nil, 7)] as [(UInt64?, UInt64?)] {
                var session = TrackedSession(record: BITSSession(number: 1, sessionID: Self.id, url: "/", host: nil,
                                                                 client: Self.client, time: .zero))
                session.record.totalLength = total
                session.record.bytesAcknowledged = acknowledged
                session.record.rejected = flags & 1 != 0
                session.record.cancelled = flags & 2 != 0
                session.record.closed = flags & 4 != 0
                session.record.missingDirection = flags & 8 != 0 ? .serverToClient : nil
                session.record.runningAtCaptureEnd = flags & 16 != 0 ? .connectionOpen : flags & 32 != 0 ? .recentlyActive : nil
                seen.insert(session.record.state)
                let found = EndRules.end(&session).map { "\($0.kind.code.rawValue) \($0.message)" }
                #expect(found == reference(session), "flags \(flags), total \(String(describing: total))")
            }
        }
        #expect(seen == Set(BITSSessionState.allCases))
    }

    @Test("unindex returns the digest of the session's ID, nil without one")
    func unindexDigest() {
        var table = BITSSessionTable()
        let named = table.insert(sessionID: Self.id, url: "/", host: nil, client: Self.client, time: .zero)
        table.index(named, byID: Self.id)
        let unnamed = table.insert(sessionID: nil, url: "/", host: nil, client: Self.client, time: .zero)
        let indexedOther = table.insert(sessionID: Self.id.lowercased(), url: "/", host: nil, client: Self.client, time: .zero)
        #expect(table.unindex(named) == Self.id.caseFoldedDigest)
        #expect(table.unindex(unnamed) == nil)
        // Not indexed by its own ID (made from its text, not the index's key): the same digest.
        #expect(table.unindex(indexedOther) == Self.id.lowercased().caseFoldedDigest)
        #expect(table.handle(forID: Self.id) == nil)
    }
}
