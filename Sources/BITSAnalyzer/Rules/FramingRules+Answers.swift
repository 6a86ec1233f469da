import AnalyzerCore
import HTTP1Parser

/// The framing rules an answer is checked by: its framing, its delay, a challenge to a first
/// fragment, a Create-Session Ack's session ID and encodings, and the IIS pattern.
extension FramingRules {
    /// What an answer shows: its framing, its delay, a challenge to a first fragment, and for a
    /// Create-Session the session ID, encodings and server pattern. `record` has the answer's status
    /// and challenge filled in; `requestEnd` is when the request's last byte was seen, `success`
    /// whether the answer accepted the request, `firstOnConnection` whether the request was the
    /// connection's first one in the capture, `partialClose` whether it was a Close-Session of a
    /// session with bytes unacknowledged.
    static func answer(
        _ head: HTTPResponseHead, record: BITSRequestRecord, time: CaptureTimestamp, requestEnd: CaptureTimestamp,
        success: Bool, firstOnConnection: Bool, partialClose: Bool
    ) -> [RuleFinding] {
        var found: [RuleFinding] = []
        slow(head, record: record, time: time, requestEnd: requestEnd, into: &found)
        if record.challenge {
            if record.type == .fragment, firstOnConnection, (record.contentLength ?? 0) > 0 || record.bodyBytes > 0,
               let scheme = connectionBoundScheme(head) {
                found.append(RuleFinding(.ntlmWithoutPing, "first request on connection \(record.connection) is a Fragment "
                                             + "of \(max(record.contentLength ?? 0, record.bodyBytes)) bytes challenged with "
                                             + "\(scheme): its body is sent again after the handshake; a Ping first avoids it"))
            }
            return found
        }
        var unlikeIIS: [String] = []
        // nil: no Content-Length; 0: none declared or unreadable.
        if let declared = head.headers.withValueBytes(.contentLength, { $0.map { ContentRange.decimal($0) ?? 0 } }) {
            if declared > 0, head.headers.withValueBytes(.bitsPacketType, BITSPacketType.isAck) {
                found.append(RuleFinding(.ackHasBody, "\(head.status) Ack to \(record.type) declares a body of \(declared) bytes"))
                unlikeIIS.append("an Ack with a body")
            }
        } else {
            found.append(RuleFinding(.ackMissingContentLength, "\(head.status) answer to \(record.type) without Content-Length"
                                         + (head.headers.contains(.transferEncoding) ? " (Transfer-Encoding instead)" : "")))
            unlikeIIS.append("an answer without Content-Length")
        }
        if let field = oversizedField(head.headers, headBytes: head.headBytes) {
            found.append(RuleFinding(.oversizedHeader, "answer header \(field.name) of \(field.value.utf8.count) bytes "
                                         + "(limit \(headerValueLimit))"))
        }
        if record.type == .createSession, success {
            createAck(head, into: &found, unlikeIIS: &unlikeIIS)
        } else if record.type == .closeSession, head.status == 400, partialClose {
            unlikeIIS.append("400 to a Close-Session before every byte was acknowledged")
        }
        if !unlikeIIS.isEmpty, let server = head.headers[.server], server.utf8.starts(with: "Microsoft-IIS/".utf8) {
            found.append(RuleFinding(.impersonatedIISServer, "Server \(quoted(server)) but "
                                         + unlikeIIS.joined(separator: ", ") + ", unlike the IIS BITS extension"))
        }
        return found
    }

    /// The answer to a Fragment against its session: a 413 makes the next fragment's size checked.
    static func fragmentAnswer(_ head: HTTPResponseHead, record: BITSRequestRecord, session: inout TrackedSession) {
        guard head.status == 413, let size = record.range?.length ?? record.contentLength else { return }
        session.refusedFragmentSize = size
    }

    /// A successful Create-Session Ack: its session ID's form, the encodings it accepts, and the
    /// IIS pattern (`Pragma: no-cache`, braced GUIDs).
    private static func createAck(_ head: HTTPResponseHead, into found: inout [RuleFinding], unlikeIIS: inout [String]) {
        // A braced GUID, the usual ID, is checked on the bytes; any other value as a String.
        if head.headers.withValueBytes(.bitsSessionID, { $0.map { !isBracedGUID($0) } ?? false }),
           let id = head.headers.trimmedValue(.bitsSessionID), !id.isEmpty {
            if id.utf8.count > 100 {
                found.append(RuleFinding(.malformedSessionID, "session ID of \(id.utf8.count) characters (limit 100)"))
                unlikeIIS.append("a session ID that is not a GUID")
            } else if !isBracedGUID(id) {
                found.append(RuleFinding(.malformedSessionID, "session ID \(quoted(id)) is not a braced GUID"))
                unlikeIIS.append("a session ID that is not a GUID")
            }
        }
        if head.headers.withValueBytes(.acceptEncoding, { $0.map { !onlyIdentity($0) } ?? false }),
           let accepted = head.headers[.acceptEncoding] {
            found.append(RuleFinding(.unsupportedEncoding, "Create-Session Ack advertises Accept-Encoding \(quoted(accepted)); "
                                         + "BITS fragments are sent as identity"))
        }
        if !head.headers.withValueBytes(.pragma, { $0?.equalsIgnoringASCIICase(lowercase: "no-cache") ?? false }) {
            unlikeIIS.append("a Create-Session Ack without Pragma: no-cache")
        }
    }

    /// Adds `slow-ack` when the answer came late (time running backwards, or an answer sent before
    /// the request's end, is no delay).
    private static func slow(
        _ head: HTTPResponseHead, record: BITSRequestRecord, time: CaptureTimestamp, requestEnd: CaptureTimestamp,
        into found: inout [RuleFinding]
    ) {
        guard time.seconds > requestEnd.seconds &+ (slowAckSeconds - 1) else { return }
        let delay = time.seconds(since: requestEnd)
        guard delay > Double(slowAckSeconds) else { return }
        let replyAck = record.type == .fragment && head.headers[.bitsReplyURL] != nil
        if replyAck, delay <= Double(slowReplyAckSeconds) { return }
        let shown = (delay * 10).rounded() / 10
        found.append(RuleFinding(.slowAck, "\(record.type) answered \(shown) s after the request ended (over "
                                     + (replyAck ? "\(slowReplyAckSeconds) s for the final Fragment of an upload-reply)"
                                        : "\(slowAckSeconds) s)")
                                     + (delay > Double(slowReplyAckSeconds) ? "; a Windows client gives up after 300 s" : "")))
    }

    /// NTLM or Negotiate, when a 401's WWW-Authenticate (a 407's Proxy-Authenticate) offers one.
    private static func connectionBoundScheme(_ head: HTTPResponseHead) -> String? {
        for challenge in head.headers.values(for: head.status == 407 ? .proxyAuthenticate : .wwwAuthenticate) {
            for offered in challenge.split(separator: ",") {
                let text = String(offered).trimmingASCIIWhitespace()
                if scheme(of: text, is: "NTLM") { return "NTLM" }
                if scheme(of: text, is: "Negotiate") { return "Negotiate" }
            }
        }
        return nil
    }
}
