import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A session (and its `tls` member) as plain bytes, every stored property in order, and back: how a
/// ``TimelineWritingThread`` takes sessions. Nothing reference-counted crosses the threads: the
/// analysing thread frees its session at once, as when it rendered it itself, and the writing
/// thread makes and frees its own copy. (Handing the `BITSSession` value over instead made the
/// analysing thread release, later, strings and lists whose cache lines the writing thread had
/// read meanwhile: each release then waited for the line to come back, and the releases cost more
/// time than the rendering they saved.)
///
/// A session is its fixed-size fields in one plain struct (``SessionHead``) stored with one copy,
/// its lists of plain values each copied whole, then its strings (length and UTF-8); each request
/// record likewise (``RecordHead``, then its strings). Field by field, it cost some 3,000
/// instructions a session on the analysing thread.
///
/// The bytes are made and read by this program only, in one run; they are trusted.
enum SessionBytes {
    /// Reads what ``write(_:tls:to:)`` wrote, in the same order.
    struct Reader {
        private let bytes: UnsafeRawBufferPointer
        private var offset = 0

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// Reads a value stored by `GrowableBytes.plain(_:)`.
        @inline(__always)
        mutating func plain<Value>(_: Value.Type = Value.self) -> Value {
            precondition(_isPOD(Value.self), "SessionBytes: a value holding references read from bytes")
            let value = bytes.loadUnaligned(fromByteOffset: offset, as: Value.self)
            offset += MemoryLayout<Value>.size
            return value
        }

        /// Reads `count` elements stored by `GrowableBytes.elements(_:)`.
        mutating func elements<Value>(_ count: Int, of _: Value.Type = Value.self) -> [Value] {
            precondition(_isPOD(Value.self), "SessionBytes: values holding references read from bytes")
            let byteCount = count * MemoryLayout<Value>.stride
            let source = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + byteCount)])
            offset += byteCount
            return [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                initialized = count
            }
        }

        /// Reads `count` elements stored by `GrowableBytes.elements(_:)` into `values`, replacing
        /// what it held (its storage kept when it is the only holder).
        mutating func elements<Value>(_ count: Int, into values: inout [Value]) {
            precondition(_isPOD(Value.self), "SessionBytes: values holding references read from bytes")
            values.removeAll(keepingCapacity: true)
            values.reserveCapacity(count)
            for index in 0..<count {
                values.append(bytes.loadUnaligned(fromByteOffset: offset + index * MemoryLayout<Value>.stride, as: Value.self))
            }
            offset += count * MemoryLayout<Value>.stride
        }

        mutating func string() -> String {
            let length = Int(plain(UInt64.self))
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
            offset += length
            return text
        }

        /// Reads a string into `value`, which keeps its storage when it already holds those bytes
        /// (a session read into one reused from the last often repeats its strings: the method,
        /// the host, the protocol), so that no string is made for it.
        mutating func string(into value: inout String) {
            let length = Int(plain(UInt64.self))
            let text = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
            offset += length
            let same = value.withUTF8 { utf8 in
                utf8.count == length && (length == 0 || memcmp(utf8.baseAddress!, text.baseAddress!, length) == 0)
            }
            if !same { value = String(decoding: text, as: UTF8.self) }
        }

        /// Reads an optional string into `value` like ``string(into:)``, `present` as its head says.
        mutating func string(if present: Bool, into value: inout String?) {
            guard present else { return value = nil }
            if value == nil { value = string() } else { string(into: &value!) }
        }

        /// Reads a string stored by `GrowableBytes.string(ifAny:)`, `present` as its head says.
        mutating func string(if present: Bool) -> String? { present ? string() : nil }

        mutating func optionalString() -> String? { string(if: plain(Bool.self)) }
    }

    /// A session's fixed-size fields, the counts of its lists and which of its optional strings
    /// follow.
    struct SessionHead {
        var number: Int
        var client: Endpoint
        var totalLength: UInt64?
        var bytesAcknowledged: UInt64?
        var hostIDFallbackTimeout: UInt64?
        var firstTime: CaptureTimestamp
        var lastTime: CaptureTimestamp
        var servers: Int
        var connections: Int
        var supportedProtocols: Int
        var requests: Int
        var findingCodes: Int
        var missingDirection: FlowDirection?
        var runningAtCaptureEnd: BITSSession.RunningAtEnd?
        var createSeen: Bool
        var rejected: Bool
        var closed: Bool
        var cancelled: Bool
        var replyFetched: Bool
        var hasSessionID: Bool
        var hasHost: Bool
        var hasChosenProtocol: Bool
        var hasContentName: Bool
        var hasReplyURL: Bool
        var hasHostID: Bool
        var hasFile: Bool
        /// 0: no `tls` member; 1: `null`; 2: facts follow.
        var tls: UInt8
    }

    /// A request record's fixed-size fields and which of its optional strings follow.
    struct RecordHead {
        /// The packet type: 0 to 5 the known ones, 6 an unknown one (its name follows).
        var type: UInt8
        /// The method is `BITS_POST` (not written).
        var post: Bool
        /// The url is the session's (not written).
        var sameURL: Bool
        /// The host is the session's (not written; `hasHost` is set).
        var sameHost: Bool
        var hasHost: Bool
        var hasContentName: Bool
        var hasErrorContext: Bool
        var challenge: Bool
        var unanswered: Bool
        var time: CaptureTimestamp
        var connection: Int
        var range: ContentRange?
        var contentLength: UInt64?
        var bodyBytes: UInt64
        var bodyGapBytes: UInt64
        var status: Int?
        var ackTime: CaptureTimestamp?
        var received: UInt64?
        var errorCode: BITSErrorCode?
    }

    /// An extracted file's fixed-size fields.
    struct FileHead {
        var bytes: UInt64
        var missing: Int
        var complete: Bool
    }

    /// Writes `session` and its `tls` member.
    static func write(_ session: BITSSession, tls: TLSSessionFacts??, to out: inout GrowableBytes) {
        let tlsKind: UInt8 = switch tls { case nil: 0; case .some(nil): 1; case .some(.some): 2 }
        let hasFile = session.hasExtractedFile
        out.plain(SessionHead(
            number: session.number, client: session.client, totalLength: session.totalLength,
            bytesAcknowledged: session.bytesAcknowledged, hostIDFallbackTimeout: session.hostIDFallbackTimeout,
            firstTime: session.firstTime, lastTime: session.lastTime, servers: session.servers.count,
            connections: session.connections.count, supportedProtocols: session.supportedProtocols.count,
            requests: session.requests.count, findingCodes: session.findingCodes.count,
            missingDirection: session.missingDirection, runningAtCaptureEnd: session.runningAtCaptureEnd,
            createSeen: session.createSeen, rejected: session.rejected, closed: session.closed,
            cancelled: session.cancelled, replyFetched: session.replyFetched,
            hasSessionID: session.sessionID != nil, hasHost: session.host != nil,
            hasChosenProtocol: session.chosenProtocol != nil, hasContentName: session.contentName != nil,
            hasReplyURL: session.replyURL != nil, hasHostID: session.hostID != nil, hasFile: hasFile,
            tls: tlsKind))
        out.elements(session.servers)
        out.elements(session.connections)
        // The strings read in place (``GrowableBytes/string(inPlace:)-(String)``: only read, never
        // changed), through a pointer to the borrowed session.
        withUnsafePointer(to: session) { session in
            let strings = UnsafeMutablePointer(mutating: session)
            out.string(inPlace: &strings.pointee.sessionID)
            out.string(inPlace: &strings.pointee.url)
            out.string(inPlace: &strings.pointee.host)
            session.pointee.supportedProtocols.withUnsafeBufferPointer { offered in
                for index in offered.indices { out.string(inPlace: &UnsafeMutablePointer(mutating: offered.baseAddress! + index).pointee) }
            }
            out.string(inPlace: &strings.pointee.chosenProtocol)
            out.string(inPlace: &strings.pointee.contentName)
            out.string(inPlace: &strings.pointee.replyURL)
            out.string(inPlace: &strings.pointee.hostID)
            // Each record read where it is (iterating copied each one, retaining its strings), its
            // url and host compared with the session's, lent for the while.
            session.pointee.requests.withUnsafeBufferPointer { records in
                guard !records.isEmpty else { return }
                strings.pointee.url.withUTF8 { url in
                    withSessionHost(strings) { host in
                        for index in records.indices {
                            write(records.baseAddress! + index, sessionURL: url, sessionHost: host, to: &out)
                        }
                    }
                }
            }
            session.pointee.findingCodes.withUnsafeBufferPointer { codes in
                for index in codes.indices {
                    out.string(inPlace: &UnsafeMutablePointer(mutating: codes.baseAddress! + index).pointee.rawValue)
                }
            }
        }
        // Copied only when there is one (binding it copied the `nil` of every other session).
        if hasFile, let file = session.file {
            out.plain(FileHead(bytes: file.bytes, missing: file.missing.count, complete: file.complete))
            out.elements(file.missing)
            out.string(file.path)
            out.string(file.sha256)
        }
        if case .some(.some(let facts)) = tls {
            out.string(facts.version)
            out.optionalString(facts.cipherSuite)
            out.optionalString(facts.serverName)
        }
    }

    /// Calls `body` with the session's host's bytes, `nil` without one (read in place like
    /// ``GrowableBytes/string(inPlace:)-(String)``).
    @inline(__always)
    private static func withSessionHost(_ session: UnsafeMutablePointer<BITSSession>,
                                        _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        if session.pointee.host != nil { session.pointee.host!.withUTF8 { body($0) } } else { body(nil) }
    }

    /// Whether two strings' bytes are the same (the same storage when shared: no comparison).
    @inline(__always)
    private static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.count == 0 || a.baseAddress == b.baseAddress || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// Whether `method` is `BITS_POST`, compared as two loads.
    @inline(__always)
    private static func isBITSPost(_ method: UnsafeBufferPointer<UInt8>) -> Bool {
        // "BITS_POS" as a little-endian word, then "T".
        method.count == 9
            && UInt64(littleEndian: UnsafeRawPointer(method.baseAddress!).loadUnaligned(as: UInt64.self)) == 0x534F_505F_5354_4942
            && method[8] == UInt8(ascii: "T")
    }

    /// Writes one record, read where it is (`record.pointee.field`, never the whole record: a copy
    /// of it retained and released its strings). Its method when `BITS_POST`, its url when the
    /// session's and its host when the session's (as nearly every record's are) are not written,
    /// only said in its head: their bytes were most of a record's.
    private static func write(_ record: UnsafePointer<BITSRequestRecord>, sessionURL: UnsafeBufferPointer<UInt8>,
                              sessionHost: UnsafeBufferPointer<UInt8>?, to out: inout GrowableBytes) {
        // Read in place (see `GrowableBytes.string(inPlace:)`): only read, never changed.
        let strings = UnsafeMutablePointer(mutating: record)
        let post = strings.pointee.method.withUTF8 { isBITSPost($0) }
        let sameURL = strings.pointee.url.withUTF8 { sameBytes($0, sessionURL) }
        var sameHost = false
        if let sessionHost, strings.pointee.host != nil {
            sameHost = strings.pointee.host!.withUTF8 { sameBytes($0, sessionHost) }
        }
        out.plain(RecordHead(
            type: tag(record.pointee.type), post: post, sameURL: sameURL, sameHost: sameHost,
            hasHost: record.pointee.host != nil,
            hasContentName: record.pointee.contentName != nil, hasErrorContext: record.pointee.errorContext != nil,
            challenge: record.pointee.challenge, unanswered: record.pointee.unanswered, time: record.pointee.time,
            connection: record.pointee.connection, range: record.pointee.range,
            contentLength: record.pointee.contentLength, bodyBytes: record.pointee.bodyBytes,
            bodyGapBytes: record.pointee.bodyGapBytes, status: record.pointee.status, ackTime: record.pointee.ackTime,
            received: record.pointee.received, errorCode: record.pointee.errorCode))
        if let name = unknownName(record.pointee.type) { out.string(name) }
        if !post { out.string(inPlace: &strings.pointee.method) }
        if !sameURL { out.string(inPlace: &strings.pointee.url) }
        if !sameHost { out.string(inPlace: &strings.pointee.host) }
        out.string(inPlace: &strings.pointee.contentName)
        out.string(inPlace: &strings.pointee.errorContext)
    }

    /// A packet type's tag in a ``RecordHead``.
    private static func tag(_ type: BITSPacketType) -> UInt8 {
        switch type {
        case .ping: 0
        case .createSession: 1
        case .fragment: 2
        case .closeSession: 3
        case .cancelSession: 4
        case .ack: 5
        case .unknown: 6
        }
    }

    /// The name of an unknown packet type (written after its record's head).
    private static func unknownName(_ type: BITSPacketType) -> String? {
        guard case .unknown(let name) = type else { return nil }
        return name
    }

    /// Reads a session and its `tls` member written by ``write(_:tls:to:)``.
    static func read(_ input: inout Reader) -> (session: BITSSession, tls: TLSSessionFacts??) {
        var session = BITSSession(number: 0, sessionID: nil, url: "", host: nil, client: Endpoint(address: .v4(0), port: 0),
                                  time: .zero)
        let tls = read(&input, into: &session)
        return (session, tls)
    }

    /// Reads a session written by ``write(_:tls:to:)`` into `session`, every stored property set
    /// (whatever it held before), and returns its `tls` member. The lists of a session reused from
    /// one to the next keep their storage when nothing else holds it (the writing thread's
    /// allocations per session).
    static func read(_ input: inout Reader, into session: inout BITSSession) -> TLSSessionFacts?? {
        let head = input.plain(SessionHead.self)
        session.number = head.number
        session.client = head.client
        input.elements(head.servers, into: &session.servers)
        input.elements(head.connections, into: &session.connections)
        input.string(if: head.hasSessionID, into: &session.sessionID)
        input.string(into: &session.url)
        input.string(if: head.hasHost, into: &session.host)
        session.supportedProtocols.removeAll(keepingCapacity: true)
        for _ in 0..<head.supportedProtocols { session.supportedProtocols.append(input.string()) }
        input.string(if: head.hasChosenProtocol, into: &session.chosenProtocol)
        session.totalLength = head.totalLength
        session.bytesAcknowledged = head.bytesAcknowledged
        input.string(if: head.hasContentName, into: &session.contentName)
        input.string(if: head.hasReplyURL, into: &session.replyURL)
        input.string(if: head.hasHostID, into: &session.hostID)
        session.hostIDFallbackTimeout = head.hostIDFallbackTimeout
        session.firstTime = head.firstTime
        session.lastTime = head.lastTime
        // Records read over the last session's, where it had as many: their strings kept when equal.
        let reused = min(head.requests, session.requests.count)
        session.requests.removeLast(session.requests.count - reused)
        let url = session.url, host = session.host
        for index in 0..<reused { readRecord(&input, sessionURL: url, sessionHost: host, into: &session.requests[index]) }
        for _ in reused..<head.requests { session.requests.append(readRecord(&input, sessionURL: url, sessionHost: host)) }
        session.findingCodes.removeAll(keepingCapacity: true)
        for _ in 0..<head.findingCodes { session.findingCodes.append(FindingCode(rawValue: input.string())) }
        session.createSeen = head.createSeen
        session.rejected = head.rejected
        session.closed = head.closed
        session.cancelled = head.cancelled
        session.replyFetched = head.replyFetched
        session.missingDirection = head.missingDirection
        session.runningAtCaptureEnd = head.runningAtCaptureEnd
        session.file = nil
        if head.hasFile {
            let file = input.plain(FileHead.self)
            let missing = input.elements(file.missing, of: ClosedRange<UInt64>.self)
            let path = input.string()
            session.file = ExtractedFile(path: path, bytes: file.bytes, sha256: input.string(), complete: file.complete,
                                         missing: missing)
        }
        switch head.tls {
        case 0: return nil
        case 1: return .some(nil)
        default:
            let version = input.string()
            let cipherSuite = input.optionalString()
            return .some(TLSSessionFacts(version: version, cipherSuite: cipherSuite, serverName: input.optionalString()))
        }
    }

    private static func readRecord(_ input: inout Reader, sessionURL: String, sessionHost: String?) -> BITSRequestRecord {
        let head = input.plain(RecordHead.self)
        let type: BITSPacketType
        switch head.type {
        case 0: type = .ping
        case 1: type = .createSession
        case 2: type = .fragment
        case 3: type = .closeSession
        case 4: type = .cancelSession
        case 5: type = .ack
        default: type = .unknown(input.string())
        }
        let method = head.post ? "BITS_POST" : input.string()
        let url = head.sameURL ? sessionURL : input.string()
        let host = head.sameHost ? sessionHost : input.string(if: head.hasHost)
        var record = BITSRequestRecord(type: type, method: method, url: url, host: host,
                                       time: head.time, connection: head.connection)
        record.range = head.range
        record.contentLength = head.contentLength
        record.bodyBytes = head.bodyBytes
        record.bodyGapBytes = head.bodyGapBytes
        record.contentName = input.string(if: head.hasContentName)
        record.status = head.status
        record.ackTime = head.ackTime
        record.received = head.received
        record.errorCode = head.errorCode
        record.errorContext = input.string(if: head.hasErrorContext)
        record.challenge = head.challenge
        record.unanswered = head.unanswered
        return record
    }

    /// Reads a record over `record`, every stored property set; its strings keep their storage
    /// where they hold the same bytes (``Reader/string(into:)``).
    private static func readRecord(_ input: inout Reader, sessionURL: String, sessionHost: String?,
                                   into record: inout BITSRequestRecord) {
        let head = input.plain(RecordHead.self)
        switch head.type {
        case 0: record.type = .ping
        case 1: record.type = .createSession
        case 2: record.type = .fragment
        case 3: record.type = .closeSession
        case 4: record.type = .cancelSession
        case 5: record.type = .ack
        default: record.type = .unknown(input.string())
        }
        if head.post { record.method = "BITS_POST" } else { input.string(into: &record.method) }
        if head.sameURL { record.url = sessionURL } else { input.string(into: &record.url) }
        if head.sameHost { record.host = sessionHost } else { input.string(if: head.hasHost, into: &record.host) }
        record.time = head.time
        record.connection = head.connection
        record.range = head.range
        record.contentLength = head.contentLength
        record.bodyBytes = head.bodyBytes
        record.bodyGapBytes = head.bodyGapBytes
        input.string(if: head.hasContentName, into: &record.contentName)
        record.status = head.status
        record.ackTime = head.ackTime
        record.received = head.received
        record.errorCode = head.errorCode
        input.string(if: head.hasErrorContext, into: &record.errorContext)
        record.challenge = head.challenge
        record.unanswered = head.unanswered
    }
}

/// How ``SessionBytes`` appends: each step makes room for itself, then stores in place.
extension GrowableBytes {
    /// Stores a value of a plain type (no references) as its bytes, with one copy.
    @inline(__always)
    mutating func plain<Value>(_ value: Value) {
        precondition(_isPOD(Value.self), "SessionBytes: a value holding references stored as bytes")
        reserve(MemoryLayout<Value>.size)
        base.storeBytes(of: value, toByteOffset: count, as: Value.self)
        appended(MemoryLayout<Value>.size)
    }

    /// Stores the elements of a list of a plain type, as they lie in its storage (its count is
    /// stored before, in a head).
    @inline(__always)
    mutating func elements<Value>(_ values: [Value]) {
        precondition(_isPOD(Value.self), "SessionBytes: values holding references stored as bytes")
        values.withUnsafeBytes { _ = append($0) }
    }

    /// Stores the string's length and its UTF-8.
    @inline(__always)
    mutating func string(_ value: String) {
        // Read in place through a span of the borrowed string: no retain and release (the
        // UTF-8 view's `withContiguousStorageIfAvailable` cost one of each per string).
        value.utf8Span.span.withUnsafeBytes { text($0) }
    }

    @inline(__always)
    private mutating func text(_ text: UnsafeRawBufferPointer) {
        reserve(8 &+ text.count)
        base.storeBytes(of: UInt64(text.count), toByteOffset: count, as: UInt64.self)
        if let start = text.baseAddress, !text.isEmpty {
            (base + (count &+ 8)).copyMemory(from: start, byteCount: text.count)
        }
        appended(8 &+ text.count)
    }

    /// Stores the string's length and its UTF-8, read where the string is: reading a string's
    /// bytes through a pointer to a record with ``string(_:)`` retained and released it, and its
    /// `utf8Span` is a call where `withUTF8` is inlined. `withUTF8` is mutating only to make a
    /// string that is not contiguous UTF-8 (bridged lazily from Objective-C, which this program
    /// never does) contiguous, by assigning it; every other string (literals, small ones, ones
    /// made from bytes, repaired from invalid UTF-8, or shared) it lends in place, a small one
    /// copied to the stack, never writing or trapping. So `value` is only read. (Checking
    /// `isContiguousUTF8` first, with ``string(_:)`` otherwise, cost some 90 instructions a
    /// session: the check was not merged with `withUTF8`'s.) SessionBytesTests holds each kind.
    @inline(__always)
    mutating func string(inPlace value: inout String) {
        value.withUTF8 { text(UnsafeRawBufferPointer($0)) }
    }

    /// Stores the string when there is one, read in place (``string(inPlace:)-(String)``).
    @inline(__always)
    mutating func string(inPlace value: inout String?) {
        value?.withUTF8 { text(UnsafeRawBufferPointer($0)) }
    }

    /// Stores the string when there is one (whether there is is stored in a head).
    @inline(__always)
    mutating func string(ifAny value: String?) {
        if let value { string(value) }
    }

    /// Stores whether there is a string, and the string (for the rare fields without a head).
    mutating func optionalString(_ value: String?) {
        plain(value != nil)
        string(ifAny: value)
    }
}
