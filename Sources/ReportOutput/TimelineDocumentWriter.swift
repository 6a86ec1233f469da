import AnalysisPipeline
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
    /// With a key log: each session's TLS facts (its `tls` member); `nil` leaves the member out.
    private let tlsFacts: ((BITSSession) -> TLSSessionFacts?)?
    private let emit: ([UInt8]) -> Void
    private var sessionsOpen = true

    /// Starts a document about `captures`. With `extractionFolder`, every session gets a `file`
    /// member (`null` for sessions without an extracted file). With `tlsFacts` (TLS decrypted with a
    /// key log), every session gets a `tls` member (`null` for sessions over plain HTTP).
    public init(
        captures: [String], precision: TimestampPrecision, extractionFolder: String? = nil,
        tlsFacts: ((BITSSession) -> TLSSessionFacts?)? = nil, emit: @escaping ([UInt8]) -> Void
    ) {
        self.tlsFacts = tlsFacts
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
        let precision = precision, withFiles = withFiles
        let tls: TLSSessionFacts?? = tlsFacts.map { $0(session) }
        stream.arrayElement { TimelineJSON.write(session, precision: precision, withFile: withFiles, tls: tls, to: &$0) }
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

    /// Writes one session object.
    /// `tls` is `nil` to leave the `tls` member out, `.some(nil)` to write it as `null`.
    static func write(_ session: BITSSession, precision: TimestampPrecision, withFile: Bool,
                      tls: TLSSessionFacts?? = nil, to json: inout JSONTextWriter) {
        func time(_ value: CaptureTimestamp?) { json.time(value, precision: precision) }
        json.beginObject()
        json.key("session_id"); json.string(session.sessionID)
        json.key("url"); json.string(session.url)
        json.key("host"); json.string(session.host)
        json.key("client"); json.endpoint(session.client)
        json.key("server"); json.endpoint(session.servers.first)
        json.key("servers"); json.beginArray()
        for server in session.servers { json.endpoint(server) }
        json.endArray()
        json.key("connections"); json.beginArray()
        for connection in session.connections { json.int(Int64(connection)) }
        json.endArray()
        json.key("state"); json.string(session.state.rawValue)
        json.member("state_reason", session.stateReason) { $0.string($1) }
        json.key("protocol"); json.string(session.chosenProtocol)
        json.key("supported_protocols"); json.beginArray()
        for offered in session.supportedProtocols { json.string(offered) }
        json.endArray()
        json.key("total_length"); json.uint(session.totalLength)
        json.key("bytes_acknowledged"); json.uint(session.bytesAcknowledged)
        json.key("content_name"); json.string(session.contentName)
        json.member("reply_url", session.replyURL) { $0.string($1) }
        json.member("host_id", session.hostID) { $0.string($1) }
        json.key("create_seen"); json.bool(session.createSeen)
        json.key("first_time"); time(session.firstTime)
        json.key("last_time"); time(session.lastTime)
        json.key("requests"); json.beginArray()
        // Each record read where it is (iterating copied each one, retaining its strings).
        session.requests.withUnsafeBufferPointer { records in
            for index in records.indices { write(records.baseAddress! + index, precision: precision, to: &json) }
        }
        json.endArray()
        json.key("findings"); json.beginArray()
        for code in session.findingCodes { json.string(code.rawValue) }
        json.endArray()
        if withFile {
            json.key("file")
            if let file = session.file { json.value(Self.file(file)) } else { json.null() }
        }
        if let tls {
            json.key("tls")
            if let facts = tls {
                json.value(.object([
                    ("version", .string(facts.version)),
                    ("cipher_suite", facts.cipherSuite.map(JSONValue.string) ?? .null),
                    ("server_name", facts.serverName.map(JSONValue.string) ?? .null),
                ]))
            } else {
                json.null()
            }
        }
        json.endObject()
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

    /// Writes one request object, reading the record where it is (`record.pointee.field`, never the
    /// whole record: a copy of it retained and released its strings).
    private static func write(_ record: UnsafePointer<BITSRequestRecord>, precision: TimestampPrecision,
                              to json: inout JSONTextWriter) {
        func time(_ value: CaptureTimestamp?) { json.time(value, precision: precision) }
        json.beginObject()
        json.key("type"); json.string(record.pointee.type.description)
        json.key("method"); json.string(record.pointee.method)
        json.key("time"); time(record.pointee.time)
        json.key("connection"); json.int(Int64(record.pointee.connection))
        json.key("host"); json.string(record.pointee.host)
        json.member("status", record.pointee.status) { $0.int(Int64($1)) }
        json.key("ack_time"); time(record.pointee.ackTime)
        if let range = record.pointee.range {
            json.key("range"); json.beginObject()
            json.key("first"); json.uint(range.first)
            json.key("last"); json.uint(range.last)
            json.key("total"); json.uint(range.total)
            json.endObject()
        } else {
            json.nullMembers("range")
        }
        json.key("content_length"); json.uint(record.pointee.contentLength)
        json.key("body_bytes"); json.uint(record.pointee.bodyBytes)
        json.key("body_gap_bytes"); json.uint(record.pointee.bodyGapBytes)
        json.member("received", record.pointee.received) { $0.uint($1) }
        if record.pointee.errorCode == nil, record.pointee.errorContext == nil {
            // Almost every request: the five members as one kept piece.
            json.nullMembers("error_code error_name error_meaning error_context error_context_name")
        } else {
            json.key("error_code"); json.string(record.pointee.errorCode?.description)
            json.key("error_name"); json.string(record.pointee.errorCode?.name)
            json.key("error_meaning"); json.string(record.pointee.errorCode?.meaning)
            json.key("error_context"); json.string(record.pointee.errorContext)
            json.key("error_context_name")
            json.string(record.pointee.errorContext.flatMap { BITSErrorContext(headerValue: $0)?.name })
        }
        json.key("challenge"); json.bool(record.pointee.challenge)
        json.key("answered"); json.bool(!record.pointee.unanswered && record.pointee.status != nil)
        json.endObject()
    }
}
