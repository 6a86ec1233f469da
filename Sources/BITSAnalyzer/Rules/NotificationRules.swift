import AnalyzerCore
import HTTP1Parser

/// The rules of the BITS server's notification to its back-end application (§5 G,
/// `docs/findings.md`): an ordinary `POST` from the IIS box to the notification URL, visible when
/// the capture covers that hop. Only plain POSTs are looked at, so BITS traffic pays nothing.
enum NotificationRules {
    /// The headers that mark a request as a BITS notification ([MC-BUP] §2.2.12.2 and its §4.2
    /// capture, whose file-header names differ: both are read).
    static let originalURL = "BITS-Original-Request-URL"
    static let requestFileNames = ["BITS-Request-DataFile-Name", "BITS-Request-DataEntity-Name"]
    static let responseFileNames = ["BITS-Response-DataFile-Name", "BITS-Response-DataEntity-Name"]
    /// How long the application may take: IIS's default (BITS 1.5 allowed 30 s, which the capture
    /// cannot tell from the server's version).
    static let answerWithinSeconds: Int64 = 300

    /// The findings of a `POST`'s head if it is a notification (it carries one of the BITS
    /// notification headers, or the `BITSExts` user agent), else `nil`.
    static func request(_ head: HTTPRequestHead) -> [RuleFinding]? {
        let original = head.headers[originalURL]
        let requestFile = requestFileNames.lazy.compactMap { head.headers[$0] }.first
        let responseFile = responseFileNames.lazy.compactMap { head.headers[$0] }.first
        guard original != nil || requestFile != nil || responseFile != nil
            || head.headers["User-Agent"].map({ $0.trimmingASCIIWhitespace().hasPrefix("BITSExts") }) == true
        else { return nil }
        var found: [RuleFinding] = []
        if original == nil {
            found.append(RuleFinding(.notificationMissingOriginalURL, "notification POST \(head.target) without \(originalURL)"))
        }
        if (requestFile == nil) != (responseFile == nil) {
            found.append(RuleFinding(.notificationReferenceHeadersInconsistent, "notification POST by reference with only the "
                                         + (requestFile == nil ? "response" : "request") + " data-file header"))
        } else if requestFile != nil, hasBody(head) {
            found.append(RuleFinding(.notificationReferenceHeadersInconsistent,
                                     "notification POST names both data files and also carries a body"))
        }
        return found
    }

    /// The finding for a notification sent at `sent` and answered at `answered` with `status`, if
    /// the application took longer than IIS waits.
    static func answer(status: Int, sent: CaptureTimestamp, answered: CaptureTimestamp) -> RuleFinding? {
        guard sent.adding(seconds: answerWithinSeconds) < answered else { return nil }
        return RuleFinding(.notificationSlow, "the application answered the notification (\(status)) after "
                               + "\(wholeSeconds(answered.seconds(since: sent))) s; "
                               + "IIS waits \(answerWithinSeconds) s, then fails the upload's Ack and notifies again")
    }

    /// The finding for a notification sent at `sent` still unanswered when its connection, silent
    /// until `silentUntil`, was dropped as idle, if IIS's wait ran out meanwhile (at the default
    /// idle timeout of 300 s it just has).
    static func unanswered(sent: CaptureTimestamp, silentUntil: CaptureTimestamp) -> RuleFinding? {
        guard sent.adding(seconds: answerWithinSeconds) <= silentUntil else { return nil }
        return RuleFinding(.notificationSlow, "no answer to the notification for \(wholeSeconds(silentUntil.seconds(since: sent))) s, "
                               + "when its connection went idle; IIS waits \(answerWithinSeconds) s, then fails the upload's Ack and notifies again")
    }

    /// Whole seconds as text, without trapping on absurd timestamps.
    private static func wholeSeconds(_ elapsed: Double) -> String {
        abs(elapsed) < 1e15 ? String(Int64(elapsed)) : String(elapsed)
    }

    /// Whether the head announces a body: a non-zero Content-Length, or a Transfer-Encoding.
    private static func hasBody(_ head: HTTPRequestHead) -> Bool {
        if head.headers["Transfer-Encoding"] != nil { return true }
        return head.headers["Content-Length"].flatMap { ContentRange.decimal(Substring($0)) }.map { $0 > 0 } ?? false
    }
}

/// The notifications of one connection waiting for their answer (requests by index, sent at).
struct PendingNotifications {
    private var waiting: [(index: Int, sent: CaptureTimestamp)] = []

    /// Whether none is waiting (the connection analyzer's cheap test on every message).
    var isEmpty: Bool { waiting.isEmpty }

    /// Notes notification `index`, its body starting at `time`.
    mutating func sent(_ index: Int, at time: CaptureTimestamp) {
        if waiting.count < 64 { waiting.append((index, time)) }  // Bounded: a hostile peer may never answer.
    }

    /// The request `index`'s body ended at `time`: the application's wait starts then.
    mutating func bodyEnded(_ index: Int, at time: CaptureTimestamp) {
        if let position = waiting.firstIndex(where: { $0.index == index }) { waiting[position].sent = time }
    }

    /// When the oldest waiting notification's body ended.
    var oldest: CaptureTimestamp? { waiting.first?.sent }

    /// Removes notification `index`, returning when it was sent if it was one.
    mutating func answered(_ index: Int) -> CaptureTimestamp? {
        guard let position = waiting.firstIndex(where: { $0.index == index }) else { return nil }
        return waiting.remove(at: position).sent
    }
}
