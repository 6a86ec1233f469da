import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer

/// A session (and its `tls` member) as plain bytes, every stored property in order, and back: how a
/// ``TimelineWritingThread`` takes sessions. Nothing reference-counted crosses the threads: the
/// analysing thread frees its session at once, as when it rendered it itself, and the writing
/// thread makes and frees its own copy. (Handing the `BITSSession` value over instead made the
/// analysing thread release, later, strings and lists whose cache lines the writing thread had
/// read meanwhile: each release then waited for the line to come back, and the releases cost more
/// time than the rendering they saved.)
///
/// The bytes are made and read by this program only, in one run; they are trusted.
enum SessionBytes {
    /// Appends bytes to storage the writer owns and reuses.
    ///
    /// Room is checked in few places, not per field: after every checked step (``room(_:)``, each
    /// string) at least ``slack`` bytes are free, and the fixed-size fields written between two
    /// such steps take fewer than that, so they are stored without a check of their own.
    struct Writer: ~Copyable {
        private(set) var base: UnsafeMutableRawPointer
        private var capacity: Int
        private(set) var count = 0

        /// Room kept free after every checked step: more than the fixed-size fields
        /// ``SessionBytes/write(_:tls:to:)`` writes between two of them (at most 140 bytes: a
        /// record's with no optional string, then the session's tail).
        static var slack: Int { 256 }

        init(capacity: Int = 4_096) {
            self.capacity = max(capacity, Self.slack)
            base = .allocate(byteCount: self.capacity, alignment: 8)
        }

        deinit { base.deallocate() }

        /// The bytes written.
        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

        mutating func reset() { count = 0 }

        /// Makes sure `bytes` more, and ``slack`` beyond them, fit.
        @inline(__always)
        mutating func room(_ bytes: Int) {
            guard capacity &- count < bytes &+ Self.slack else { return }
            grow(bytes &+ Self.slack)
        }

        private mutating func grow(_ bytes: Int) {
            let grown = max(2 * capacity, count + bytes)
            let store = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 8)
            store.copyMemory(from: base, byteCount: count)
            base.deallocate()
            base = store
            capacity = grown
        }

        /// Stores a word in the room a checked step left (see the type).
        @inline(__always)
        mutating func word(_ value: UInt64) {
            assert(capacity - count >= 8, "SessionBytes.Writer: a field written without room")
            base.storeBytes(of: value, toByteOffset: count, as: UInt64.self)
            count &+= 8
        }

        /// Stores a byte in the room a checked step left (see the type).
        @inline(__always)
        mutating func byte(_ value: UInt8) {
            assert(capacity - count >= 1, "SessionBytes.Writer: a field written without room")
            base.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
            count &+= 1
        }

        @inline(__always)
        mutating func int(_ value: Int) { word(UInt64(bitPattern: Int64(value))) }
        @inline(__always)
        mutating func bool(_ value: Bool) { byte(value ? 1 : 0) }

        /// Stores the string's length and its UTF-8, checking room once.
        @inline(__always)
        mutating func string(_ value: String) {
            // Read in place through a span of the borrowed string: no retain and release (the
            // UTF-8 view's `withContiguousStorageIfAvailable` cost one of each per string).
            value.utf8Span.span.withUnsafeBytes { text($0) }
        }

        @inline(__always)
        private mutating func text(_ text: UnsafeRawBufferPointer) {
            room(8 &+ text.count)
            base.storeBytes(of: UInt64(text.count), toByteOffset: count, as: UInt64.self)
            if let start = text.baseAddress, !text.isEmpty {
                (base + (count &+ 8)).copyMemory(from: start, byteCount: text.count)
            }
            count &+= 8 &+ text.count
        }

        @inline(__always)
        mutating func string(_ value: String?) {
            guard let value else { return byte(0) }
            byte(1)
            string(value)
        }

        @inline(__always)
        mutating func uint(_ value: UInt64?) {
            guard let value else { return byte(0) }
            byte(1)
            word(value)
        }

        @inline(__always)
        mutating func time(_ value: CaptureTimestamp) {
            word(UInt64(bitPattern: value.seconds))
            word(UInt64(value.nanoseconds))
        }

        @inline(__always)
        mutating func endpoint(_ value: Endpoint) {
            switch value.address {
            case .v4(let address):
                byte(4)
                word(UInt64(address))
            case .v6(let high, let low):
                byte(6)
                word(high)
                word(low)
            }
            word(UInt64(value.port))
        }
    }

    /// Reads what a ``Writer`` wrote, in the same order.
    struct Reader {
        private let bytes: UnsafeRawBufferPointer
        private var offset = 0

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func word() -> UInt64 {
            let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
            return value
        }

        mutating func byte() -> UInt8 {
            let value = bytes[offset]
            offset += 1
            return value
        }

        mutating func int() -> Int { Int(Int64(bitPattern: word())) }
        mutating func bool() -> Bool { byte() != 0 }

        mutating func string() -> String {
            let length = Int(word())
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
            offset += length
            return text
        }

        mutating func optionalString() -> String? { byte() == 0 ? nil : string() }
        mutating func uint() -> UInt64? { byte() == 0 ? nil : word() }

        mutating func time() -> CaptureTimestamp {
            let seconds = Int64(bitPattern: word())
            return CaptureTimestamp(seconds: seconds, nanoseconds: UInt32(truncatingIfNeeded: word()))
        }

        mutating func endpoint() -> Endpoint {
            let address: IPAddress = byte() == 4 ? .v4(UInt32(truncatingIfNeeded: word())) : .v6(word(), word())
            return Endpoint(address: address, port: UInt16(truncatingIfNeeded: word()))
        }
    }

    /// Writes `session` and its `tls` member.
    static func write(_ session: BITSSession, tls: TLSSessionFacts??, to out: inout Writer) {
        out.room(0)
        out.int(session.number)
        out.string(session.sessionID)
        out.string(session.url)
        out.string(session.host)
        out.endpoint(session.client)
        out.int(session.servers.count)
        out.room(25 * session.servers.count)
        for server in session.servers { out.endpoint(server) }
        out.int(session.connections.count)
        out.room(8 * session.connections.count)
        for connection in session.connections { out.int(connection) }
        out.int(session.supportedProtocols.count)
        for offered in session.supportedProtocols { out.string(offered) }
        out.string(session.chosenProtocol)
        out.uint(session.totalLength)
        out.uint(session.bytesAcknowledged)
        out.string(session.contentName)
        out.string(session.replyURL)
        out.string(session.hostID)
        out.uint(session.hostIDFallbackTimeout)
        out.time(session.firstTime)
        out.time(session.lastTime)
        out.int(session.requests.count)
        // Each record read where it is (iterating copied each one, retaining its strings).
        session.requests.withUnsafeBufferPointer { records in
            for index in records.indices { write(records.baseAddress! + index, to: &out) }
        }
        out.int(session.findingCodes.count)
        for code in session.findingCodes { out.string(code.rawValue) }
        out.bool(session.createSeen)
        out.bool(session.rejected)
        out.bool(session.closed)
        out.bool(session.cancelled)
        out.bool(session.replyFetched)
        out.byte(session.missingDirection.map { UInt8($0.rawValue) + 1 } ?? 0)
        out.string(session.runningAtCaptureEnd?.rawValue)
        if let file = session.file {
            out.byte(1)
            out.string(file.path)
            out.word(file.bytes)
            out.string(file.sha256)
            out.bool(file.complete)
            out.int(file.missing.count)
            out.room(16 * file.missing.count)
            for range in file.missing {
                out.word(range.lowerBound)
                out.word(range.upperBound)
            }
        } else {
            out.byte(0)
        }
        switch tls {
        case nil: out.byte(0)
        case .some(nil): out.byte(1)
        case .some(.some(let facts)):
            out.byte(2)
            out.string(facts.version)
            out.string(facts.cipherSuite)
            out.string(facts.serverName)
        }
    }

    private static func write(_ record: UnsafePointer<BITSRequestRecord>, to out: inout Writer) {
        out.room(0)
        switch record.pointee.type {
        case .ping: out.byte(0)
        case .createSession: out.byte(1)
        case .fragment: out.byte(2)
        case .closeSession: out.byte(3)
        case .cancelSession: out.byte(4)
        case .ack: out.byte(5)
        case .unknown(let name):
            out.byte(6)
            out.string(name)
        }
        out.string(record.pointee.method)
        out.string(record.pointee.url)
        out.string(record.pointee.host)
        out.time(record.pointee.time)
        out.int(record.pointee.connection)
        if let range = record.pointee.range {
            out.byte(1)
            out.word(range.first)
            out.word(range.last)
            out.word(range.total)
        } else {
            out.byte(0)
        }
        out.uint(record.pointee.contentLength)
        out.word(record.pointee.bodyBytes)
        out.word(record.pointee.bodyGapBytes)
        out.string(record.pointee.contentName)
        out.uint(record.pointee.status.map { UInt64(bitPattern: Int64($0)) })
        if let ackTime = record.pointee.ackTime {
            out.byte(1)
            out.time(ackTime)
        } else {
            out.byte(0)
        }
        out.uint(record.pointee.received)
        out.uint(record.pointee.errorCode.map { UInt64($0.value) })
        out.string(record.pointee.errorContext)
        out.bool(record.pointee.challenge)
        out.bool(record.pointee.unanswered)
    }

    /// Reads a session and its `tls` member written by ``write(_:tls:to:)``.
    static func read(_ input: inout Reader) -> (session: BITSSession, tls: TLSSessionFacts??) {
        let number = input.int()
        let sessionID = input.optionalString()
        let url = input.string()
        let host = input.optionalString()
        let client = input.endpoint()
        var session = BITSSession(number: number, sessionID: sessionID, url: url, host: host, client: client, time: .zero)
        session.servers = (0..<input.int()).map { _ in input.endpoint() }
        session.connections = (0..<input.int()).map { _ in input.int() }
        session.supportedProtocols = (0..<input.int()).map { _ in input.string() }
        session.chosenProtocol = input.optionalString()
        session.totalLength = input.uint()
        session.bytesAcknowledged = input.uint()
        session.contentName = input.optionalString()
        session.replyURL = input.optionalString()
        session.hostID = input.optionalString()
        session.hostIDFallbackTimeout = input.uint()
        session.firstTime = input.time()
        session.lastTime = input.time()
        session.requests = (0..<input.int()).map { _ in readRecord(&input) }
        session.findingCodes = (0..<input.int()).map { _ in FindingCode(rawValue: input.string()) }
        session.createSeen = input.bool()
        session.rejected = input.bool()
        session.closed = input.bool()
        session.cancelled = input.bool()
        session.replyFetched = input.bool()
        let direction = input.byte()
        session.missingDirection = direction == 0 ? nil : FlowDirection(rawValue: Int(direction) - 1)
        session.runningAtCaptureEnd = input.optionalString().flatMap(BITSSession.RunningAtEnd.init(rawValue:))
        if input.byte() == 1 {
            let path = input.string()
            let bytes = input.word()
            let sha256 = input.string()
            let complete = input.bool()
            let missing = (0..<input.int()).map { _ in
                let lower = input.word()
                return lower...input.word()
            }
            session.file = ExtractedFile(path: path, bytes: bytes, sha256: sha256, complete: complete, missing: missing)
        }
        let tls: TLSSessionFacts??
        switch input.byte() {
        case 0: tls = nil
        case 1: tls = .some(nil)
        default:
            let version = input.string()
            let cipherSuite = input.optionalString()
            tls = .some(TLSSessionFacts(version: version, cipherSuite: cipherSuite, serverName: input.optionalString()))
        }
        return (session, tls)
    }

    private static func readRecord(_ input: inout Reader) -> BITSRequestRecord {
        let type: BITSPacketType
        switch input.byte() {
        case 0: type = .ping
        case 1: type = .createSession
        case 2: type = .fragment
        case 3: type = .closeSession
        case 4: type = .cancelSession
        case 5: type = .ack
        default: type = .unknown(input.string())
        }
        let method = input.string()
        let url = input.string()
        let host = input.optionalString()
        let time = input.time()
        var record = BITSRequestRecord(type: type, method: method, url: url, host: host, time: time, connection: input.int())
        if input.byte() == 1 {
            let first = input.word(), last = input.word()
            record.range = ContentRange(first: first, last: last, total: input.word())
        }
        record.contentLength = input.uint()
        record.bodyBytes = input.word()
        record.bodyGapBytes = input.word()
        record.contentName = input.optionalString()
        record.status = input.uint().map { Int(Int64(bitPattern: $0)) }
        if input.byte() == 1 { record.ackTime = input.time() }
        record.received = input.uint()
        record.errorCode = input.uint().map { BITSErrorCode(UInt32(truncatingIfNeeded: $0)) }
        record.errorContext = input.optionalString()
        record.challenge = input.bool()
        record.unanswered = input.bool()
        return record
    }
}
