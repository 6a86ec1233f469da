import AnalyzerCore
import BITSAnalyzer

/// Writes the timeline document of `docs/timeline-schema.md` as the analysis goes: the head at
/// once, each session when it leaves the tracker (``append(_:)``), the findings and the counters at
/// the end (``finish(findings:counters:)``). Nothing of the document is held but the piece being
/// written, so a capture of a million sessions is written in flat memory.
///
/// Sessions appear in the order they are appended: the order in which they leave the tracker
/// (documented in `docs/timeline-schema.md`); findings in capture-time order.
public struct TimelineDocumentWriter {
    /// Version of the document's schema; raised on any incompatible change.
    public static let schemaVersion = 1

    private var stream: JSONObjectStream
    private let precision: TimestampPrecision
    private let withFiles: Bool
    private let emit: ([UInt8]) -> Void
    private var sessionsOpen = true

    /// Starts a document about `captures`. With `extractionFolder`, every session gets a `file`
    /// member (`null` for sessions without an extracted file).
    public init(
        captures: [String], precision: TimestampPrecision, extractionFolder: String? = nil,
        emit: @escaping ([UInt8]) -> Void
    ) {
        self.precision = precision
        self.withFiles = extractionFolder != nil
        self.emit = emit
        stream = JSONObjectStream(emit: emit)
        stream.member("format", .string("bitsnoop-timeline"))
        stream.member("version", .int(Int64(Self.schemaVersion)))
        stream.member("captures", .array(captures.map { .string($0) }))
        stream.beginArrayMember("sessions")
    }

    /// Writes one session, final.
    public mutating func append(_ session: BITSSession) {
        precondition(sessionsOpen, "a session appended after the findings")
        stream.arrayElement(TimelineJSON.session(session, precision: precision, withFile: withFiles))
    }

    /// Hands on what is buffered, so that a reader following the file sees the sessions ended so far.
    public mutating func flush() { stream.flush() }

    /// Writes the findings (put in capture-time order here) and the counters, and ends the document
    /// with a newline.
    public mutating func finish(findings: [Finding], counters: [(String, UInt64)]) {
        precondition(sessionsOpen, "the document was finished twice")
        sessionsOpen = false
        stream.endArrayMember()
        let ordered = TimelineJSON.captureOrder(findings)
        let precision = precision
        stream.arrayMember("findings", ordered) { FindingJSON.value($0, precision: precision) }
        stream.member("stats", .object(counters.map { ($0.0, .uint($0.1)) }))
        stream.finish()
        emit([UInt8(ascii: "\n")])
    }

    /// The whole document for `sessions` at once, as text (tests, the fuzz harness, small uses).
    public static func document(
        captures: [String], precision: TimestampPrecision, sessions: [BITSSession], findings: [Finding],
        counters: [(String, UInt64)], extractionFolder: String? = nil
    ) -> [UInt8] {
        var text: [UInt8] = []
        var writer = TimelineDocumentWriter(captures: captures, precision: precision,
                                            extractionFolder: extractionFolder) { text += $0 }
        for session in sessions { writer.append(session) }
        writer.finish(findings: findings, counters: counters)
        return text
    }
}

/// The JSON values of the timeline's sessions, requests and files.
enum TimelineJSON {
    /// Findings in capture order: some are only known later than the packet that shows them (held
    /// until the session's ID arrives), so they are ordered by time, ties kept as reported; findings
    /// without a time go last.
    static func captureOrder(_ findings: [Finding]) -> [Finding] {
        findings.enumerated().sorted { lhs, rhs in
            let left = lhs.element.time ?? CaptureTimestamp(seconds: .max, nanoseconds: 0)
            let right = rhs.element.time ?? CaptureTimestamp(seconds: .max, nanoseconds: 0)
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// One session object.
    static func session(_ session: BITSSession, precision: TimestampPrecision, withFile: Bool) -> JSONValue {
        func time(_ value: CaptureTimestamp?) -> JSONValue { .optional(value?.rfc3339(precision: precision)) }
        var members: [(String, JSONValue)] = [
            ("session_id", .optional(session.sessionID)),
            ("url", .string(session.url)),
            ("host", .optional(session.host)),
            ("client", .string(session.client.description)),
            ("server", .optional(session.servers.first?.description)),
            ("servers", .array(session.servers.map { .string($0.description) })),
            ("connections", .array(session.connections.map { .int(Int64($0)) })),
            ("state", .string(session.state.rawValue)),
            ("state_reason", .optional(session.stateReason)),
            ("protocol", .optional(session.chosenProtocol)),
            ("supported_protocols", .array(session.supportedProtocols.map { .string($0) })),
            ("total_length", number(session.totalLength)),
            ("bytes_acknowledged", number(session.bytesAcknowledged)),
            ("content_name", .optional(session.contentName)),
            ("reply_url", .optional(session.replyURL)),
            ("host_id", .optional(session.hostID)),
            ("create_seen", .bool(session.createSeen)),
            ("first_time", time(session.firstTime)),
            ("last_time", time(session.lastTime)),
            ("requests", .array(session.requests.map { request($0, precision: precision) })),
            ("findings", .array(session.findingCodes.map { .string($0.rawValue) })),
        ]
        if withFile { members.append(("file", session.file.map(file) ?? .null)) }
        return .object(members)
    }

    /// The `file` member of a session: where its upload was extracted, and what is missing.
    static func file(_ file: ExtractedFile) -> JSONValue {
        .object([
            ("path", .string(file.path)),
            ("bytes", .uint(file.bytes)),
            ("sha256", .string(file.sha256)),
            ("complete", .bool(file.complete)),
            ("missing", .array(file.missing.map { .array([.uint($0.lowerBound), .uint($0.upperBound)]) })),
        ])
    }

    private static func number(_ value: UInt64?) -> JSONValue { value.map { .uint($0) } ?? .null }

    private static func request(_ request: BITSRequestRecord, precision: TimestampPrecision) -> JSONValue {
        func time(_ value: CaptureTimestamp?) -> JSONValue { .optional(value?.rfc3339(precision: precision)) }
        let range: JSONValue = request.range.map {
            .object([("first", .uint($0.first)), ("last", .uint($0.last)), ("total", .uint($0.total))])
        } ?? .null
        return .object([
            ("type", .string(request.type.description)),
            ("method", .string(request.method)),
            ("time", time(request.time)),
            ("connection", .int(Int64(request.connection))),
            ("host", .optional(request.host)),
            ("status", request.status.map { .int(Int64($0)) } ?? .null),
            ("ack_time", time(request.ackTime)),
            ("range", range),
            ("content_length", number(request.contentLength)),
            ("body_bytes", .uint(request.bodyBytes)),
            ("body_gap_bytes", .uint(request.bodyGapBytes)),
            ("received", number(request.received)),
            ("error_code", .optional(request.errorCode?.description)),
            ("error_name", .optional(request.errorCode?.name)),
            ("error_meaning", .optional(request.errorCode?.meaning)),
            ("error_context", .optional(request.errorContext)),
            ("error_context_name", .optional(request.errorContext.flatMap { BITSErrorContext(headerValue: $0)?.name })),
            ("challenge", .bool(request.challenge)),
            ("answered", .bool(!request.unanswered && request.status != nil)),
        ])
    }
}
