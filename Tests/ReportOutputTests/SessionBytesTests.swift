import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
@testable import ReportOutput
import Testing

/// A session written as plain bytes for the timeline's writing thread (``SessionBytes``) reads back
/// equal in every stored property, whatever the values; a property added to the session or its
/// request records fails here until it is carried too.
@Suite struct SessionBytesTests {
    /// The sessions of the writing thread's tests, with every other property set as well, in turn.
    static func sessions() -> [BITSSession] {
        TimelineWritingThreadTests.sessions(120).enumerated().map { index, original in
            var session = original
            if index % 2 == 1 {
                session.client = Endpoint(address: .v6(0x2001_0DB8_0000_0000, UInt64(index)), port: UInt16(index))
                session.servers.append(Endpoint(address: .v6(.max, 0), port: 443))
            }
            session.supportedProtocols = Array(["{7df0354d-249b-430f-820d-3d2a9bef4931}", "", "é\u{0}\"x"].prefix(index % 4))
            session.chosenProtocol = index % 3 == 0 ? nil : "{7df0354d-249b-430f-820d-3d2a9bef4931}"
            session.contentName = index % 5 == 0 ? nil : "naïve \(index).bin"
            session.replyURL = index % 4 == 0 ? "http://reply/\(index)" : nil
            session.hostID = index % 6 == 0 ? "host-\(index)" : nil
            session.hostIDFallbackTimeout = index % 7 == 0 ? UInt64(index) * 1_000 : nil
            session.findingCodes = Array([FindingCode.captureLoss, .captureTruncated, FindingCode(rawValue: "x-\(index)")]
                .prefix(index % 4))
            session.rejected = index % 3 == 1
            session.cancelled = index % 5 == 2
            session.replyFetched = index % 7 == 3
            session.missingDirection = [nil, .clientToServer, .serverToClient][index % 3]
            session.runningAtCaptureEnd = [nil, .connectionOpen, .recentlyActive][index % 3]
            session.totalLength = index % 9 == 0 ? nil : UInt64.max - UInt64(index)
            session.firstTime = CaptureTimestamp(seconds: Int64(index) - 60, nanoseconds: UInt32(index) * 7)
            // Each kind of string a session holds: literals (long and small), strings made from
            // bytes (small and long), repaired from invalid UTF-8, and one storage shared.
            switch index % 8 {
            case 1: session.url = "/upload/a literal longer than fifteen bytes.bin"
            case 2: session.host = nil
            case 3: session.host = String(decoding: [0x68, 0xFF, 0x2E, 0x65], as: UTF8.self)
            case 4: session.url = String(decoding: [0x2F, 0xC3, 0x28] + Array("/upload/repaired/\(index).bin".utf8), as: UTF8.self)
            case 5: session.host = String(decoding: Array("a host name longer than fifteen bytes".utf8), as: UTF8.self)
            default: break
            }
            for request in session.requests.indices {
                // A record's method, url and host as the session's (not written, only said) and not.
                switch (index + request) % 7 {
                case 0:
                    session.requests[request].url = session.url
                    session.requests[request].host = session.host
                case 1:
                    session.requests[request].url = String(decoding: Array(session.url.utf8), as: UTF8.self)
                    session.requests[request].host = session.host.map { String(decoding: Array($0.utf8), as: UTF8.self) }
                case 2:
                    session.requests[request].method = "BITS_POS"
                    session.requests[request].url = session.url + "x"
                    session.requests[request].host = session.host.map { $0 + "x" }
                case 3:
                    session.requests[request].method = "BITS_POSTT"
                    session.requests[request].url = String(session.url.dropLast())
                    session.requests[request].host = nil
                case 4:
                    session.requests[request].method = "bits_post"
                    session.requests[request].url = String(decoding: [0x2F, 0xFF], as: UTF8.self)
                case 5:
                    session.requests[request].method = "BITS_POSX"
                    session.requests[request].url = String(decoding: Array(session.url.utf8.reversed()), as: UTF8.self)
                default: break
                }
                session.requests[request].contentName = request % 2 == 0 ? "part \(request)" : nil
                session.requests[request].contentLength = request % 3 == 0 ? nil : UInt64(request) << 40
                session.requests[request].bodyGapBytes = UInt64(index)
                session.requests[request].challenge = (index + request) % 2 == 0
                session.requests[request].status = request % 4 == 3 ? -1 : session.requests[request].status
                if (index + request) % 11 == 0 { session.requests[request].type = .unknown("Weird-\(index)") }
                if (index + request) % 13 == 0 { session.requests[request].type = .cancelSession }
                if (index + request) % 17 == 0 { session.requests[request].type = .ping }
            }
            return session
        }
    }

    /// Every stored property, nested ones included.
    static func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }

    @Test("every session and its tls member read back equal, one after another in one store")
    func roundTrip() {
        let sessions = Self.sessions()
        let facts: [TLSSessionFacts??] = [nil, .some(nil), .some(TLSSessionFacts(version: "TLS 1.2", cipherSuite: nil, serverName: "ñ")),
                                          .some(TLSSessionFacts(version: "TLS 1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", serverName: nil))]
        var writer = GrowableBytes(capacity: 16)
        defer { writer.deallocate() }
        var ends: [Int] = []
        for (index, session) in sessions.enumerated() {
            SessionBytes.write(session, tls: facts[index % facts.count], to: &writer)
            ends.append(writer.count)
        }
        var reader = SessionBytes.Reader(writer.bytes)
        for (index, session) in sessions.enumerated() {
            let (read, tls) = SessionBytes.read(&reader)
            #expect(Self.dumped(read) == Self.dumped(session), "session \(index)")
            #expect(Self.dumped(tls) == Self.dumped(facts[index % facts.count]), "session \(index)")
        }
        #expect(ends.last == writer.count)
    }

    /// `session` with every optional field present made absent and every absent one present, and
    /// every flag flipped, in the session and in each request record.
    static func turnedOver(_ session: BITSSession) -> BITSSession {
        func flip<Value>(_ value: Value?, _ other: Value) -> Value? { value == nil ? other : nil }
        var turned = session
        turned.number += 1_000
        turned.url += "-turned"
        turned.client = Endpoint(address: .v4(0x0A0B_0C0D), port: session.client.port &+ 1)
        turned.firstTime = CaptureTimestamp(seconds: session.firstTime.seconds + 1, nanoseconds: 3)
        turned.sessionID = flip(session.sessionID, "turned")
        turned.host = flip(session.host, "turned")
        turned.chosenProtocol = flip(session.chosenProtocol, "turned")
        turned.totalLength = flip(session.totalLength, 77)
        turned.bytesAcknowledged = flip(session.bytesAcknowledged, 78)
        turned.contentName = flip(session.contentName, "turned")
        turned.replyURL = flip(session.replyURL, "turned")
        turned.hostID = flip(session.hostID, "turned")
        turned.hostIDFallbackTimeout = flip(session.hostIDFallbackTimeout, 79)
        turned.missingDirection = flip(session.missingDirection, .serverToClient)
        turned.runningAtCaptureEnd = flip(session.runningAtCaptureEnd, .recentlyActive)
        turned.file = flip(session.file, ExtractedFile(path: "t", bytes: 1, sha256: "s", complete: true, missing: []))
        turned.createSeen.toggle()
        turned.rejected.toggle()
        turned.closed.toggle()
        turned.cancelled.toggle()
        turned.replyFetched.toggle()
        turned.lastTime = CaptureTimestamp(seconds: session.lastTime.seconds + 1, nanoseconds: 5)
        for index in turned.requests.indices {
            let record = session.requests[index]
            turned.requests[index].type = record.type == .fragment ? .unknown("Turned") : .fragment
            turned.requests[index].method += "-turned"
            turned.requests[index].url += "-turned"
            turned.requests[index].host = flip(record.host, "turned")
            turned.requests[index].time = CaptureTimestamp(seconds: record.time.seconds + 3, nanoseconds: 1)
            turned.requests[index].connection += 1
            turned.requests[index].range = flip(record.range, ContentRange(first: 1, last: 2, total: 3))
            turned.requests[index].contentLength = flip(record.contentLength, 80)
            turned.requests[index].bodyBytes += 1
            turned.requests[index].bodyGapBytes += 1
            turned.requests[index].contentName = flip(record.contentName, "turned")
            turned.requests[index].status = flip(record.status, 201)
            turned.requests[index].ackTime = flip(record.ackTime, .zero)
            turned.requests[index].received = flip(record.received, 81)
            turned.requests[index].errorCode = flip(record.errorCode, BITSErrorCode(7))
            turned.requests[index].errorContext = flip(record.errorContext, "0x7")
            turned.requests[index].challenge.toggle()
            turned.requests[index].unanswered.toggle()
        }
        return turned
    }

    @Test("read into one session reused from one to the next, each reads back equal, and copies kept of earlier ones stay as they were")
    func readIntoReused() {
        // Each session, then itself with every optional field turned over and the flags flipped, and
        // long lists after short ones and back: nothing of the session before may remain.
        let sessions = (Self.sessions() + Self.sessions().reversed()).flatMap { [$0, Self.turnedOver($0)] }
        var writer = GrowableBytes(capacity: 64)
        defer { writer.deallocate() }
        for (index, session) in sessions.enumerated() {
            SessionBytes.write(session, tls: index % 3 == 0 ? .some(nil) : nil, to: &writer)
        }
        var reader = SessionBytes.Reader(writer.bytes)
        var reused = BITSSession(number: -1, sessionID: "old", url: "old", host: "old",
                                 client: Endpoint(address: .v6(9, 9), port: 9), time: .zero)
        var kept: [BITSSession] = []
        for (index, session) in sessions.enumerated() {
            let tls = SessionBytes.read(&reader, into: &reused)
            #expect(Self.dumped(reused) == Self.dumped(session), "session \(index)")
            #expect(Self.dumped(tls) == Self.dumped(index % 3 == 0 ? TLSSessionFacts??.some(nil) : nil), "session \(index)")
            // As the digest keeps some: sharing the reused session's lists.
            if index % 5 == 0 { kept.append(reused) }
        }
        for (offset, session) in kept.enumerated() {
            #expect(Self.dumped(session) == Self.dumped(sessions[offset * 5]), "kept session \(offset)")
        }
    }

    @Test("the session and its request record have the properties the bytes carry")
    func propertiesCarried() {
        let session = Self.sessions()[0]
        // Add the new property to SessionBytes.write and read (and to the sessions above), then here.
        #expect(Mirror(reflecting: session).children.count == 27)
        #expect(Mirror(reflecting: session.requests[0]).children.count == 18)
    }

    @Test("every part fits in a store of any size, whatever is missing and however long the lists")
    func roomBetweenChecks() {
        // Every optional string absent: the heads are most of the bytes.
        var bare = BITSSession(number: 7, sessionID: nil, url: "", host: nil,
                               client: Endpoint(address: .v6(1, 2), port: 9), time: .zero)
        bare.requests = (0..<40).map { index in
            var record = BITSRequestRecord(type: .fragment, method: "", url: "", host: nil, time: .zero, connection: index)
            record.range = ContentRange(first: 0, last: 1, total: 2)
            record.contentLength = 1
            record.status = 200
            record.ackTime = .zero
            record.received = 2
            record.errorCode = BITSErrorCode(5)
            return record
        }
        // Each list long in a writer of its own, so that no earlier growth leaves room for it by chance.
        var servers = bare, connections = bare, missing = bare
        servers.servers = (0..<3_000).map { Endpoint(address: .v6(UInt64($0), 0), port: UInt16($0)) }
        connections.connections = Array(0..<3_000)
        missing.file = ExtractedFile(path: "", bytes: 1, sha256: "", complete: false,
                                     missing: (0..<3_000).map { UInt64($0)...UInt64($0) })
        for long in [servers, connections, missing] {
            let sessions = [bare, long, bare]
            for capacity in [1, 100, 255, 256, 257, 1_000] {
                var writer = GrowableBytes(capacity: capacity)
                defer { writer.deallocate() }
                for session in sessions { SessionBytes.write(session, tls: nil, to: &writer) }
                var reader = SessionBytes.Reader(writer.bytes)
                for session in sessions {
                    #expect(Self.dumped(SessionBytes.read(&reader).session) == Self.dumped(session), "capacity \(capacity)")
                }
            }
        }
    }
}
