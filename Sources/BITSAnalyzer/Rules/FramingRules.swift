import AnalyzerCore
import HTTP1Parser

/// The rules of message framing, negotiation and identity (`docs/findings.md`, §5 #1, #6, #7, #9,
/// #10, #13, #15, #16, #20, #26, #47, #50, #72, #73, #79, #80): requests here, answers in
/// `FramingRules+Answers`. Each looks a header up only for the packet type or status it concerns,
/// and builds its message only when it fires.
enum FramingRules {
    /// The one upload protocol defined, "BITS 1.5 Upload Protocol" (§2.4).
    static let uploadProtocolGUID = uploadProtocolGUIDText.description
    /// The longest header value the Windows server accepts (§1.1: 4 KB).
    static let headerValueLimit = 4_096
    /// An answer later than this after its request ended is `slow-ack` (§5 #13: suggested 120 s).
    static let slowAckSeconds: Int64 = 120
    /// For the final fragment of an upload-reply (its Ack names the reply), the server application's
    /// own limit: 5 minutes, after which the Windows client has given up as well (§1.6).
    static let slowReplyAckSeconds: Int64 = 300
    /// The longest Content-Name Windows sends (§2.1: 260 characters).
    static let contentNameLimit = 260

    // MARK: Requests

    /// What any BITS request's head shows, whatever its session: its method, framing, offered
    /// protocols, encoding, credentials and client. `hasTypeHeader`: whether BITS-Packet-Type was sent.
    static func request(_ head: HTTPRequestHead, record: BITSRequestRecord, hasTypeHeader: Bool) -> [RuleFinding] {
        var found: [RuleFinding] = []
        if hasTypeHeader, head.method != "BITS_POST" {
            found.append(RuleFinding(.nonBITSPostMethod, "\(record.type) sent with method \(quoted(head.method)), not BITS_POST"))
        }
        // An unreadable Content-Length is `http-invalid-content-length`; only an absent one is this.
        if record.contentLength == nil, !head.headers.contains(.contentLength) {
            found.append(RuleFinding(.missingContentLength, "\(record.type) without Content-Length"
                                         + (head.headers.contains(.transferEncoding) ? " (Transfer-Encoding instead)" : "")))
        }
        if let field = oversizedField(head.headers, headBytes: head.headBytes) {
            found.append(RuleFinding(.oversizedHeader, "request header \(field.name) of \(field.value.utf8.count) bytes "
                                         + "(limit \(headerValueLimit))"))
        }
        switch record.type {
        case .createSession: offeredProtocols(head.headers, into: &found)
        case .fragment:
            if head.headers.withValueBytes(.contentEncoding, { $0.map { !onlyIdentity($0) } ?? false }),
               let encoding = head.headers[.contentEncoding] {
                found.append(RuleFinding(.unsupportedEncoding, "Fragment with Content-Encoding \(quoted(encoding)); "
                                             + "BITS servers accept identity only"))
            }
        default: break
        }
        // Everything parsed here travelled as plain HTTP (TLS is not decrypted). The credentials
        // themselves stay out of the message.
        if let name = basicCredentialsHeader(head.headers) {
            found.append(RuleFinding(.basicAuthCleartext, "\(name): Basic on \(record.type) over plain HTTP: "
                                         + "user name and password readable on the path"))
        }
        if head.headers.withValueBytes(.userAgent, { $0.map { !$0.hasPrefix("Microsoft BITS/") } ?? false }),
           let agent = head.headers[.userAgent] {
            found.append(RuleFinding(.nonWindowsClient, "User-Agent \(quoted(agent)), not Microsoft BITS/<version>"))
        }
        return found
    }

    /// A request against its session: a changed or odd Content-Name, a fragment not shrunk after a
    /// 413. Runs before the tracker records the request's Content-Name in the session.
    static func sessionRequest(_ record: BITSRequestRecord, session: inout TrackedSession) -> [RuleFinding] {
        var found: [RuleFinding] = []
        if let name = record.contentName {
            let known = session.record.contentName
            if let known, known != name {
                found.append(RuleFinding(.contentNameAnomaly, "Content-Name \(quoted(name)) differs from "
                                             + "\(quoted(known)) sent before in the session"))
            } else if known == nil || record.type == .createSession, let problem = contentNameProblem(name) {
                // Each new name is checked once: the Create-Session's, or the first fragment's.
                found.append(RuleFinding(.contentNameAnomaly, "Content-Name \(quoted(name)) \(problem)"))
            }
        }
        if record.type == .fragment, let refused = session.refusedFragmentSize {
            session.refusedFragmentSize = nil
            if let size = record.range?.length ?? record.contentLength, size >= refused {
                found.append(RuleFinding(.fragmentNotShrunkAfter413, "fragment of \(size) bytes"
                                             + (record.range.map { " (\($0.text))" } ?? "")
                                             + " after a 413 refused one of \(refused) bytes"))
            }
        }
        return found
    }

    // MARK: Header values

    /// The first BITS-relevant field (`BITS-*`, Content-Name, Content-Range, Content-Encoding) whose
    /// value is longer than ``headerValueLimit``; none without looking when the whole head is shorter.
    static func oversizedField(_ headers: HTTPHeaders, headBytes: Int) -> HTTPHeaderField? {
        guard headBytes > headerValueLimit else { return nil }
        return headers.fields.first { field in
            guard field.value.utf8.count > headerValueLimit else { return false }
            let name = field.name
            return name.utf8.count > 5 && String(name.prefix(5)).equalsIgnoringASCIICase("BITS-")
                || name.equalsIgnoringASCIICase("Content-Name") || name.equalsIgnoringASCIICase("Content-Range")
                || name.equalsIgnoringASCIICase("Content-Encoding")
        }
    }

    /// Adds `missing-supported-protocols` or `unknown-protocol-offer` for a Create-Session's offer
    /// (read as bytes; the list is made only for a message).
    private static func offeredProtocols(_ headers: HTTPHeaders, into found: inout [RuleFinding]) {
        // The usual offer, the upload protocol alone as Windows spells it: one compare settles it
        // (a GUID has no separator, so the split would find that one piece and accept it).
        if headers.withValueBytes(.bitsSupportedProtocols, isUploadProtocolAlone) { return }
        offeredProtocolsSplit(headers, into: &found)
    }

    /// Whether a value's bytes are ``uploadProtocolGUIDText`` exactly (nothing else, same case).
    static func isUploadProtocolAlone(_ value: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let value, value.count == uploadProtocolGUIDText.utf8CodeUnitCount else { return false }
        return value.hasPrefix(uploadProtocolGUIDText)
    }

    /// ``offeredProtocols(_:into:)`` without its fast path: each piece of the value compared.
    static func offeredProtocolsSplit(_ headers: HTTPHeaders, into found: inout [RuleFinding]) {
        var offersAny = false
        let (present, offersUpload) = headers.withValueBytes(.bitsSupportedProtocols) { value in
            (value != nil, !(value ?? UnsafeBufferPointer(start: nil, count: 0)).forEachPiece(separatedBy: isProtocolSeparator) { guid in
                offersAny = true
                return !guid.equalsIgnoringASCIICase(uploadProtocolGUIDText)
            })
        }
        if !offersAny {
            found.append(RuleFinding(.missingSupportedProtocols, !present ? "Create-Session without BITS-Supported-Protocols"
                                         : "Create-Session with an empty BITS-Supported-Protocols"))
        } else if !offersUpload {
            let offered = BITSSessionTracker.protocolList(headers[.bitsSupportedProtocols])
            found.append(RuleFinding(.unknownProtocolOffer, "Create-Session offers \(quoted(offered.joined(separator: " "))), "
                                         + "not the BITS 1.5 upload protocol \(uploadProtocolGUID)"))
        }
    }

    /// ``uploadProtocolGUID`` as a static string, for comparing bytes with it.
    static let uploadProtocolGUIDText: StaticString = "{7df0354d-249b-430f-820d-3d2a9bef4931}"

    /// The separators of BITS-Supported-Protocols: space, comma, tab.
    static func isProtocolSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x2C || byte == 0x09 }

    /// Whether every coding listed (parameters after `;` ignored) is `identity`.
    static func onlyIdentity(_ value: String) -> Bool { value.withUTF8Bytes(onlyIdentity) }

    /// ``onlyIdentity(_:)-(String)`` on a value's bytes.
    static func onlyIdentity(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        value.forEachPiece(separatedBy: { $0 == UInt8(ascii: ",") }) { item in
            let name = UnsafeBufferPointer(rebasing: item[..<(item.firstIndex(of: UInt8(ascii: ";")) ?? item.endIndex)]).trimmingASCIIWhitespace()
            return name.isEmpty || name.equalsIgnoringASCIICase(lowercase: "identity")
        }
    }

    /// The credentials header (Authorization, else Proxy-Authorization) that carries Basic ones, if any.
    private static func basicCredentialsHeader(_ headers: HTTPHeaders) -> String? {
        if let credentials = headers[.authorization], scheme(of: credentials, is: "Basic") { return "Authorization" }
        if let credentials = headers[.proxyAuthorization], scheme(of: credentials, is: "Basic") {
            return "Proxy-Authorization"
        }
        return nil
    }

    /// Whether a credentials value starts with the scheme `scheme` (compared without case).
    static func scheme(of credentials: String, is scheme: String) -> Bool {
        let token = credentials.utf8.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        return token.count == scheme.utf8.count && String(decoding: token, as: UTF8.self).equalsIgnoringASCIICase(scheme)
    }

    /// Why a Content-Name is odd: too long, or with a character Windows forbids in file names (it
    /// names the local file, without a path); `nil` when it is not.
    static func contentNameProblem(_ name: String) -> String? {
        // A UTF-16 count is at most the UTF-8 one (counted at once, where the UTF-16 view is a walk).
        if name.utf8.count > contentNameLimit, name.utf16.count > contentNameLimit { return "is \(name.utf16.count) characters long (limit \(contentNameLimit))" }
        // Over the bytes in place: a Set look-up, or a generic search of the UTF-8 view, per byte
        // cost some 2,000 instructions for every Content-Name of a busy server (docs/performance.md).
        guard let bad = name.withUTF8Bytes({ bytes in bytes.first(where: isForbiddenInFileNames) }) else { return nil }
        return "contains '\(Character(Unicode.Scalar(bad)))', which Windows forbids in a file name"
    }

    /// Whether Windows forbids `byte` in a file name: \ / : * ? " < > |.
    @inline(__always)
    private static func isForbiddenInFileNames(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x5C, 0x2F, 0x3A, 0x2A, 0x3F, 0x22, 0x3C, 0x3E, 0x7C: true
        default: false
        }
    }

    /// Whether `id` is `{8-4-4-4-12}` hex digits (either case).
    static func isBracedGUID(_ id: String) -> Bool {
        // The bytes borrowed in place (an array of them cost an allocation per Ack).
        id.withUTF8Bytes(isBracedGUID)
    }

    /// ``isBracedGUID(_:)-(String)`` on a header value's bytes (no trimming: a GUID has no blanks).
    static func isBracedGUID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 38, bytes[0] == UInt8(ascii: "{"), bytes[37] == UInt8(ascii: "}"),
              bytes[9] == UInt8(ascii: "-"), bytes[14] == UInt8(ascii: "-"), bytes[19] == UInt8(ascii: "-"),
              bytes[24] == UInt8(ascii: "-")
        else { return false }
        // The hex runs between the dashes, each byte looked up: testing every position for a dash
        // and both digit ranges cost some 11 instructions a byte (an Ack's ID each).
        return hexDigitTable.withUnsafeBufferPointer { isHex in
            for (start, end) in [(1, 9), (10, 14), (15, 19), (20, 24), (25, 37)] as [(Int, Int)] {
                for index in start..<end where !isHex[Int(bytes[index])] { return false }
            }
            return true
        }
    }

    /// Whether each byte value is a hex digit (`0`-`9`, `a`-`f`, `A`-`F`).
    private static let hexDigitTable: [Bool] = (0...255).map { (value: Int) -> Bool in
        let byte = UInt8(value)
        return (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }

    /// A value from the wire for a message: quoted, and cut after 80 characters.
    static func quoted(_ value: String) -> String {
        value.count > 80 ? "'\(value.prefix(80))…'" : "'\(value)'"
    }
}
