import AnalyzerCore
import BITSAnalyzer
import ReportOutput

/// Sessions and reports built by hand, for tests of the renderings.
enum ReportFixtures {
    /// A time `milliseconds` after a fixed start.
    static func time(_ milliseconds: Int64) -> CaptureTimestamp {
        CaptureTimestamp(seconds: 1_790_000_000 + milliseconds / 1000, nanoseconds: UInt32(milliseconds % 1000) * 1_000_000)
    }

    /// A fragment request `first...last` of `total` at `at` ms, answered after 5 ms with `status`
    /// and `received` (unanswered when `status` is nil).
    static func fragment(_ first: UInt64, _ last: UInt64, of total: UInt64, at: Int64, status: Int? = 200,
                         received: UInt64? = nil, connection: Int = 1) -> BITSRequestRecord {
        var request = BITSRequestRecord(type: .fragment, method: "BITS_POST", url: "/up", host: "h",
                                        time: time(at), connection: connection)
        request.range = ContentRange(first: first, last: last, total: total)
        request.bodyBytes = last - first + 1
        request.status = status
        request.ackTime = status.map { _ in time(at + 5) }
        request.received = status == nil ? nil : (received ?? last + 1)
        request.unanswered = status == nil
        return request
    }

    /// A request without a range (Create-Session, Close-Session, …) answered with `status`.
    static func request(_ type: BITSPacketType, at: Int64, status: Int? = 200, connection: Int = 1) -> BITSRequestRecord {
        var request = BITSRequestRecord(type: type, method: "BITS_POST", url: "/up", host: "h", time: time(at),
                                        connection: connection)
        request.status = status
        request.ackTime = status.map { _ in time(at + 2) }
        request.unanswered = status == nil
        return request
    }

    /// A session with `requests`, its totals and end state taken from them.
    static func session(id: String? = "{11111111-2222-3333-4444-555555555555}", url: String = "/upload/file.bin",
                        requests: [BITSRequestRecord], closed: Bool = false) -> BITSSession {
        var session = BITSSession(number: 1, sessionID: id, url: url, host: "bits.example",
                                  client: Endpoint(address: .v4(0xC000_020A), port: 50_000),
                                  time: requests.first?.time ?? time(0))
        session.servers = [Endpoint(address: .v4(0xC633_6414), port: 80)]
        session.requests = requests
        session.connections = Array(Set(requests.map(\.connection))).sorted()
        session.lastTime = requests.map { $0.ackTime ?? $0.time }.max() ?? session.firstTime
        session.totalLength = requests.compactMap { $0.range?.total }.first
        session.bytesAcknowledged = requests.compactMap(\.received).max()
        session.createSeen = requests.contains { $0.type == .createSession }
        session.closed = closed
        return session
    }

    /// A report of `sessions` and `findings`.
    static func report(_ sessions: [BITSSession], findings: [Finding] = []) -> TimelineReport {
        TimelineReport(captures: ["test.pcap"], precision: .microseconds, sessions: sessions, findings: findings,
                       counters: [("packets", 42)])
    }
}
