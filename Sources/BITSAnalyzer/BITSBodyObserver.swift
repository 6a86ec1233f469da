import AnalyzerCore

/// One HTTP request of the capture: its connection and its position on that connection.
public struct BITSRequestKey: Hashable, Sendable {
    /// The connection number.
    public var connection: Int
    /// The request's index on the connection (0 for the first).
    public var index: Int

    /// Creates a key.
    public init(connection: Int, index: Int) {
        self.connection = connection
        self.index = index
    }
}

/// A Fragment request as its head announces it, before any body byte.
public struct BITSFragmentStart: Sendable {
    /// The request.
    public var request: BITSRequestKey
    /// Its BITS-Session-Id, trimmed, if present and not empty.
    public var sessionID: String?
    /// Its Content-Range. Body byte `p` (counted from 0) belongs at upload offset `range.first + p`;
    /// bytes past `range.length` belong nowhere.
    public var range: ContentRange
    /// The number (``BITSSession/number``) of the session `sessionID` names, when the tracker already
    /// follows it. The verdict at the Ack normally names the same session.
    public var knownSession: Int?
    /// When the request began.
    public var time: CaptureTimestamp

    /// Creates a start.
    public init(
        request: BITSRequestKey, sessionID: String?, range: ContentRange, knownSession: Int?, time: CaptureTimestamp
    ) {
        self.request = request
        self.sessionID = sessionID
        self.range = range
        self.knownSession = knownSession
        self.time = time
    }
}

/// The server's decision on a fragment it answered 200: which upload bytes it took from it.
public struct BITSFragmentVerdict: Sendable {
    /// The request.
    public var request: BITSRequestKey
    /// The session's number (``BITSSession/number``; never reused).
    public var session: Int
    /// The upload offsets whose bytes the server stored from this fragment:
    /// `[max(first, E), min(last + 1, received))`, E being the server's expected offset before the
    /// request. Bytes below E were already stored (the first copy wins); bytes from `received` on
    /// were not acknowledged. Empty when the fragment brought nothing new.
    public var accepted: Range<UInt64>
    /// The Ack's BITS-Received-Content-Range.
    public var acknowledged: UInt64
    /// When the Ack began.
    public var time: CaptureTimestamp

    /// Creates a verdict.
    public init(
        request: BITSRequestKey, session: Int, accepted: Range<UInt64>, acknowledged: UInt64, time: CaptureTimestamp
    ) {
        self.request = request
        self.session = session
        self.accepted = accepted
        self.acknowledged = acknowledged
        self.time = time
    }
}

/// Hears the bodies of Fragment requests as they are reassembled, and the server's verdict on each,
/// so that uploaded files can be rebuilt without the analyzer keeping any body byte.
///
/// For every fragment with a parseable Content-Range: one ``fragmentStarted(_:)``, then its body
/// pieces and gaps in order, then ``fragmentBodyEnded(_:)`` (unless the connection ends first), then
/// exactly one of ``fragmentAccepted(_:)`` or ``fragmentDiscarded(_:time:)``. The verdict may come
/// after other fragments' events (pipelining, other connections). Calls come in capture order.
public protocol BITSBodyObserver: AnyObject {
    /// A Fragment request's head: where its body bytes belong.
    func fragmentStarted(_ start: BITSFragmentStart)
    /// Body bytes of `request`, borrowed for the call; `bodyOffset` counts the body bytes (and
    /// missing bytes) before them.
    func fragmentBody(_ bytes: UnsafeRawBufferPointer, bodyOffset: UInt64, request: BITSRequestKey)
    /// `length` body bytes of `request` at `bodyOffset` are missing from the capture.
    func fragmentBodyGap(length: UInt64, bodyOffset: UInt64, request: BITSRequestKey)
    /// The body of `request` ended (its verdict is still to come).
    func fragmentBodyEnded(_ request: BITSRequestKey)
    /// The server answered the fragment 200 with a BITS-Received-Content-Range.
    func fragmentAccepted(_ verdict: BITSFragmentVerdict)
    /// The server refused the fragment (416, an error, a challenge), answered it without saying how
    /// far it got, or never answered it: none of its bytes were stored.
    func fragmentDiscarded(_ request: BITSRequestKey, time: CaptureTimestamp)
    /// The session left the tracker, final: no verdict about it comes any more. Returns the file
    /// rebuilt from its fragments, if it had any (the session then carries it in ``BITSSession/file``).
    func sessionRetired(_ session: BITSSession) -> ExtractedFile?
}
