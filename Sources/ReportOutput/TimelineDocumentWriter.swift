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
    private var sessionsOpen = true

    /// Starts a document about `captures`, handed to `emit` in pieces (a copy each). With
    /// `extractionFolder`, every session gets a `file` member (`null` for sessions without an
    /// extracted file). With `tlsFacts` (TLS decrypted with a key log), every session gets a `tls`
    /// member (`null` for sessions over plain HTTP).
    public init(
        captures: [String], precision: TimestampPrecision, extractionFolder: String? = nil,
        tlsFacts: ((BITSSession) -> TLSSessionFacts?)? = nil, emit: @escaping ([UInt8]) -> Void
    ) {
        self.init(captures: captures, precision: precision, extractionFolder: extractionFolder, tlsFacts: tlsFacts,
                  stream: JSONObjectStream(emit: emit))
    }

    /// Starts a document like ``init(captures:precision:extractionFolder:tlsFacts:emit:)``, handed
    /// to `handOff` in the storage it was written in each time `pieceBytes` or more are written
    /// (``JSONTextWriter/handOff(_:)``: the receiver may keep the storage and give back its own).
    public init(
        captures: [String], precision: TimestampPrecision, extractionFolder: String? = nil,
        tlsFacts: ((BITSSession) -> TLSSessionFacts?)? = nil, pieceBytes: Int = JSONObjectStream.flushThreshold,
        handOff: @escaping (inout JSONTextStore) -> Void
    ) {
        self.init(captures: captures, precision: precision, extractionFolder: extractionFolder, tlsFacts: tlsFacts,
                  stream: JSONObjectStream(flushThreshold: pieceBytes, handOff: handOff))
    }

    private init(captures: [String], precision: TimestampPrecision, extractionFolder: String?,
                 tlsFacts: ((BITSSession) -> TLSSessionFacts?)?, stream: JSONObjectStream) {
        self.tlsFacts = tlsFacts
        self.precision = precision
        self.withFiles = extractionFolder != nil
        self.stream = stream
        self.stream.member("format", .string("bitsnoop-timeline"))
        self.stream.member("version", .int(Int64(Self.schemaVersion)))
        self.stream.member("captures", .array(captures.map { .string($0) }))
        self.stream.beginArrayMember("sessions")
    }

    /// Writes one session, final.
    public mutating func append(_ session: BITSSession) {
        append(session, tls: tlsFacts.map { $0(session) })
    }

    /// Writes one session, final, with its `tls` member as given: `nil` leaves it out, `.some(nil)`
    /// writes `null` (``tlsLookUp`` looked up beforehand: a ``TimelineWritingThread`` does so on the
    /// analysing thread, which owns the TLS facts, and writes the session on its own).
    public mutating func append(_ session: BITSSession, tls: TLSSessionFacts??) {
        precondition(sessionsOpen, "a session appended after the findings")
        let precision = precision, withFiles = withFiles
        stream.arrayElement { TimelineJSON.write(session, precision: precision, withFile: withFiles, tls: tls, to: &$0) }
    }

    /// How this document looks up a session's TLS facts (its `tls` member), if it writes them.
    public var tlsLookUp: ((BITSSession) -> TLSSessionFacts?)? { tlsFacts }

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
        stream.finish(trailer: [UInt8(ascii: "\n")])
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

    /// The members of a session object, in order (`docs/timeline-schema.md`); with `file` and
    /// `tls` after them when written. Written as objects of fixed members: see
    /// ``JSONTextWriter/beginObject(fixedMembers:)``.
    private static let sessionMembers: StaticString = """
        session_id url host client server servers connections state state_reason protocol supported_protocols \
        total_length bytes_acknowledged content_name reply_url host_id create_seen first_time last_time requests findings
        """
    private static let sessionMembersWithFile: StaticString = """
        session_id url host client server servers connections state state_reason protocol supported_protocols \
        total_length bytes_acknowledged content_name reply_url host_id create_seen first_time last_time requests findings \
        file
        """
    private static let sessionMembersWithTLS: StaticString = """
        session_id url host client server servers connections state state_reason protocol supported_protocols \
        total_length bytes_acknowledged content_name reply_url host_id create_seen first_time last_time requests findings \
        tls
        """
    private static let sessionMembersWithFileAndTLS: StaticString = """
        session_id url host client server servers connections state state_reason protocol supported_protocols \
        total_length bytes_acknowledged content_name reply_url host_id create_seen first_time last_time requests findings \
        file tls
        """
    /// The members of a request object, in order.
    private static let requestMembers: StaticString = """
        type method time connection host status ack_time range content_length body_bytes body_gap_bytes received \
        error_code error_name error_meaning error_context error_context_name challenge answered
        """

    /// Writes one session object.
    /// `tls` is `nil` to leave the `tls` member out, `.some(nil)` to write it as `null`.
    static func write(_ session: BITSSession, precision: TimestampPrecision, withFile: Bool,
                      tls: TLSSessionFacts?? = nil, to json: inout JSONTextWriter) {
        func time(_ value: CaptureTimestamp?) { json.time(value, precision: precision) }
        // Members are started by their index in the list; a member not started is `null`.
        switch (withFile, tls != nil) {
        case (false, false): json.beginObject(fixedMembers: sessionMembers)
        case (true, false): json.beginObject(fixedMembers: sessionMembersWithFile)
        case (false, true): json.beginObject(fixedMembers: sessionMembersWithTLS)
        case (true, true): json.beginObject(fixedMembers: sessionMembersWithFileAndTLS)
        }
        json.fixedMember(0); json.string(session.sessionID)
        json.fixedMember(1); json.string(session.url)
        json.fixedMember(2); json.string(session.host)
        json.fixedMember(3); json.endpoint(session.client)
        if let server = session.servers.first { json.fixedMember(4); json.endpoint(server) }
        json.fixedMember(5); json.beginArray()
        for server in session.servers { json.endpoint(server) }
        json.endArray()
        json.fixedMember(6); json.beginArray()
        for connection in session.connections { json.int(Int64(connection)) }
        json.endArray()
        json.fixedMember(7); json.string(session.state.rawValue)
        if let reason = session.stateReason { json.fixedMember(8); json.string(reason) }
        json.fixedMember(9); json.string(session.chosenProtocol)
        json.fixedMember(10); json.beginArray()
        for offered in session.supportedProtocols { json.string(offered) }
        json.endArray()
        if let length = session.totalLength { json.fixedMember(11); json.uint(length) }
        if let acknowledged = session.bytesAcknowledged { json.fixedMember(12); json.uint(acknowledged) }
        json.fixedMember(13); json.string(session.contentName)
        if let replyURL = session.replyURL { json.fixedMember(14); json.string(replyURL) }
        if let hostID = session.hostID { json.fixedMember(15); json.string(hostID) }
        json.fixedMember(16); json.bool(session.createSeen)
        json.fixedMember(17); time(session.firstTime)
        json.fixedMember(18); time(session.lastTime)
        json.fixedMember(19); json.beginArray()
        // Each record read where it is (iterating copied each one, retaining its strings).
        session.requests.withUnsafeBufferPointer { records in
            for index in records.indices { write(records.baseAddress! + index, precision: precision, to: &json) }
        }
        json.endArray()
        json.fixedMember(20); json.beginArray()
        for code in session.findingCodes { json.string(code.rawValue) }
        json.endArray()
        if withFile, let file = session.file { json.fixedMember(21); json.value(Self.file(file)) }
        if let tls, let facts = tls {
            json.fixedMember(withFile ? 22 : 21)
            json.value(.object([
                ("version", .string(facts.version)),
                ("cipher_suite", facts.cipherSuite.map(JSONValue.string) ?? .null),
                ("server_name", facts.serverName.map(JSONValue.string) ?? .null),
            ]))
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
        // Members by their index in `requestMembers`; one not started is `null` (most requests:
        // the five error members, `range` or `received`, copied with the text around them).
        json.beginObject(fixedMembers: requestMembers)
        json.fixedMember(0); json.string(record.pointee.type.description)
        json.fixedMember(1); json.string(record.pointee.method)
        json.fixedMember(2); json.time(record.pointee.time, precision: precision)
        json.fixedMember(3); json.int(Int64(record.pointee.connection))
        if let host = record.pointee.host { json.fixedMember(4); json.string(host) }
        if let status = record.pointee.status { json.fixedMember(5); json.int(Int64(status)) }
        if let ackTime = record.pointee.ackTime { json.fixedMember(6); json.time(ackTime, precision: precision) }
        if let range = record.pointee.range {
            json.fixedMember(7); json.beginObject(fixedMembers: "first last total")
            json.fixedMember(0); json.uint(range.first)
            json.fixedMember(1); json.uint(range.last)
            json.fixedMember(2); json.uint(range.total)
            json.endObject()
        }
        if let length = record.pointee.contentLength { json.fixedMember(8); json.uint(length) }
        json.fixedMember(9); json.uint(record.pointee.bodyBytes)
        json.fixedMember(10); json.uint(record.pointee.bodyGapBytes)
        if let received = record.pointee.received { json.fixedMember(11); json.uint(received) }
        if let code = record.pointee.errorCode {
            json.fixedMember(12); json.string(code.description)
            json.fixedMember(13); json.string(code.name)
            json.fixedMember(14); json.string(code.meaning)
        }
        if let context = record.pointee.errorContext {
            json.fixedMember(15); json.string(context)
            json.fixedMember(16); json.string(BITSErrorContext(headerValue: context)?.name)
        }
        json.fixedMember(17); json.bool(record.pointee.challenge)
        json.fixedMember(18); json.bool(!record.pointee.unanswered && record.pointee.status != nil)
        json.endObject()
    }
}
