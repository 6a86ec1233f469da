import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import UploadExtraction

/// The BITS timeline: every session with its requests, every finding, the counters. Rendered as
/// the JSON document of `docs/timeline-schema.md` or as the readable summary of `bitsnoop analyze`.
public struct TimelineReport {
    /// The captures read, in order.
    public var captures: [String]
    /// Output precision of times.
    public var precision: TimestampPrecision
    /// Sessions in the order first seen.
    public var sessions: [BITSSession]
    /// Findings in capture-time order.
    public var findings: [Finding]
    /// Named counters (the `stats` object).
    public var counters: [(String, UInt64)]
    /// The folder files were extracted to (`--extract`), or `nil` when extraction was not asked for.
    public var extractionFolder: String?
    /// The extracted files, by index in ``sessions``.
    public var files: [Int: ExtractedFile]

    /// Creates a report. With an `extractionFolder`, every session gets a `file` member (`null`
    /// for sessions without an extracted file).
    public init(captures: [String], precision: TimestampPrecision, sessions: [BITSSession], findings: [Finding],
                counters: [(String, UInt64)], extractionFolder: String? = nil, files: [Int: ExtractedFile] = [:]) {
        self.extractionFolder = extractionFolder
        self.files = files
        self.captures = captures
        self.precision = precision
        self.sessions = sessions
        // Capture order: some findings are only known later than the packet that shows them
        // (e.g. held until the session's ID arrives), so order by time, keeping ties as reported.
        self.findings = findings.enumerated().sorted { lhs, rhs in
            let left = lhs.element.time ?? CaptureTimestamp(seconds: .max, nanoseconds: 0)
            let right = rhs.element.time ?? CaptureTimestamp(seconds: .max, nanoseconds: 0)
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
        self.counters = counters
    }

    /// Version of the document's schema; raised on any incompatible change.
    public static let schemaVersion = 1

    /// The timeline document.
    public func json() -> JSONValue {
        var members: [(String, JSONValue)] = []
        visitMembers(value: { members.append(($0, $1)) },
                     array: { key, count, element in members.append((key, .array((0..<count).map(element)))) })
        return .object(members)
    }

    /// Writes the text of ``json()`` (pretty, with a final newline) in pieces, one session at a
    /// time, so that the timeline of a large capture is never held whole in memory.
    public func writeJSON(to emit: @escaping ([UInt8]) -> Void) {
        var stream = JSONObjectStream(emit: emit)
        visitMembers(value: { stream.member($0, $1) },
                     array: { key, count, element in stream.arrayMember(key, 0..<count, element: element) })
        stream.finish()
        emit([UInt8(ascii: "\n")])
    }

    /// The document's members in order, for ``json()`` and ``writeJSON(to:)`` alike: large arrays
    /// are handed over as a count and an element maker, so that a writer can stream them.
    private func visitMembers(
        value: (String, JSONValue) -> Void, array: (String, Int, (Int) -> JSONValue) -> Void
    ) {
        value("format", .string("bitsnoop-timeline"))
        value("version", .int(Int64(Self.schemaVersion)))
        value("captures", .array(captures.map { .string($0) }))
        array("sessions", sessions.count, sessionJSON)
        array("findings", findings.count) { FindingJSON.value(findings[$0], precision: precision) }
        value("stats", .object(counters.map { ($0.0, .uint($0.1)) }))
    }

    private func time(_ value: CaptureTimestamp?) -> JSONValue {
        .optional(value?.rfc3339(precision: precision))
    }

    private func number(_ value: UInt64?) -> JSONValue { value.map { .uint($0) } ?? .null }

    private func sessionJSON(_ index: Int) -> JSONValue {
        let session = sessions[index]
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
            ("requests", .array(session.requests.map(requestJSON))),
            ("findings", .array(session.findingCodes.map { .string($0.rawValue) })),
        ]
        if extractionFolder != nil { members.append(("file", files[index].map(Self.fileJSON) ?? .null)) }
        return .object(members)
    }

    /// The `file` member of a session: where its upload was extracted, and what is missing.
    static func fileJSON(_ file: ExtractedFile) -> JSONValue {
        .object([
            ("path", .string(file.path)),
            ("bytes", .uint(file.bytes)),
            ("sha256", .string(file.sha256)),
            ("complete", .bool(file.complete)),
            ("missing", .array(file.missing.map { .array([.uint($0.lowerBound), .uint($0.upperBound)]) })),
        ])
    }

    private func requestJSON(_ request: BITSRequestRecord) -> JSONValue {
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
            ("error_context", .optional(request.errorContext)),
            ("challenge", .bool(request.challenge)),
            ("answered", .bool(!request.unanswered && request.status != nil)),
        ])
    }
}
