import AnalyzerCore
import BITSAnalyzer

/// The events `bitsnoop live` streams, as NDJSON objects and as lines for a person. Field by field
/// in `docs/live-events.md`.
public enum LiveEvents {
    /// `{"event": "session-created", …}`.
    public static func sessionCreated(_ session: BITSSession, precision: TimestampPrecision) -> JSONValue {
        .object([
            ("event", .string("session-created")),
            ("time", .string(session.firstTime.rfc3339(precision: precision))),
            ("session_id", .optional(session.sessionID)),
            ("url", .string(session.url)),
            ("host", .optional(session.host)),
            ("client", .string(session.client.description)),
            ("server", .optional(session.servers.first?.description)),
            ("create_seen", .bool(session.createSeen)),
        ])
    }

    /// `{"event": "request", …}`: a request answered, or never answered.
    public static func request(_ request: BITSRequestRecord, in session: BITSSession,
                               precision: TimestampPrecision) -> JSONValue {
        .object([
            ("event", .string("request")),
            ("time", .string((request.ackTime ?? request.time).rfc3339(precision: precision))),
            ("session_id", .optional(session.sessionID)),
            ("type", .string(request.type.description)),
            ("connection", .int(Int64(request.connection))),
            ("status", request.status.map { .int(Int64($0)) } ?? .null),
            ("range", request.range.map { .object([("first", .uint($0.first)), ("last", .uint($0.last)),
                                                   ("total", .uint($0.total))]) } ?? .null),
            ("received", request.received.map { .uint($0) } ?? .null),
            ("error_code", .optional(request.errorCode?.description)),
            ("answered", .bool(!request.unanswered && request.status != nil)),
        ])
    }

    /// `{"event": "session-ended", …}`.
    public static func sessionEnded(_ session: BITSSession, time: CaptureTimestamp,
                                    precision: TimestampPrecision) -> JSONValue {
        .object([
            ("event", .string("session-ended")),
            ("time", .string(time.rfc3339(precision: precision))),
            ("session_id", .optional(session.sessionID)),
            ("state", .string(session.state.rawValue)),
            ("state_reason", .optional(session.stateReason)),
            ("total_length", session.totalLength.map { .uint($0) } ?? .null),
            ("bytes_acknowledged", session.bytesAcknowledged.map { .uint($0) } ?? .null),
            ("findings", .array(session.findingCodes.map { .string($0.rawValue) })),
        ])
    }

    /// `{"event": "finding", "code", "severity", …}`.
    public static func finding(_ finding: Finding, precision: TimestampPrecision) -> JSONValue {
        guard case .object(let members) = FindingJSON.value(finding, precision: precision) else { return .null }
        return .object([("event", .string("finding"))] + members)
    }

    /// `{"event": "stats", …}`: the counters so far.
    public static func stats(time: CaptureTimestamp?, counters: [(String, UInt64)],
                             precision: TimestampPrecision) -> JSONValue {
        .object([("event", .string("stats")), ("time", .optional(time?.rfc3339(precision: precision)))]
                + counters.map { ($0.0, .uint($0.1)) })
    }

    /// `10:42:07.123` in UTC: the clock part of a capture time, for terminal lines.
    public static func clock(_ time: CaptureTimestamp) -> String {
        let text = time.rfc3339(precision: .microseconds)
        guard let tee = text.firstIndex(of: "T") else { return text }
        return String(text[text.index(after: tee)...].prefix(12))
    }

    /// `1.2 MiB / 6.0 MiB (20%)`.
    public static func progress(_ session: BITSSession) -> String {
        let acknowledged = session.bytesAcknowledged ?? 0
        guard let total = session.totalLength else { return HumanUnits.bytes(acknowledged) }
        let percent = HumanUnits.percent(acknowledged, of: total)
        return "\(HumanUnits.bytes(acknowledged)) / \(HumanUnits.bytes(total)) (\(percent)%)"
    }
}
