import AnalyzerCore

/// Receives the messages of one connection from an ``HTTPConnectionParser``, as they are parsed.
///
/// Calls come in stream order per direction and in the order of the parser's input overall. For
/// each message: one head, zero or more body pieces and gaps, then one end. `index` numbers the
/// requests of the connection 0, 1, 2, …; a response names the request it answers (FIFO pairing),
/// or `nil` when none was waiting or the one waiting had been lost. Interim (1xx) responses name
/// the request too but leave it waiting. Implementations must not call back into the parser.
public protocol HTTPConnectionDelegate: AnyObject {
    /// A request head was parsed; the request now waits for its response.
    func requestHead(_ head: HTTPRequestHead, index: Int, time: CaptureTimestamp)
    /// Decoded body bytes of request `index`, borrowed for the duration of the call.
    func requestBody(_ bytes: UnsafeRawBufferPointer, index: Int, time: CaptureTimestamp)
    /// `length` body bytes of request `index` are missing from the capture.
    func requestBodyGap(length: UInt64, index: Int, time: CaptureTimestamp)
    /// Request `index` ended (completely or not).
    func requestEnd(_ end: HTTPMessageEnd, index: Int, time: CaptureTimestamp)
    /// A response head was parsed; `requestIndex` is the request it answers, if known.
    func responseHead(_ head: HTTPResponseHead, requestIndex: Int?, time: CaptureTimestamp)
    /// Decoded body bytes of the current response, borrowed for the duration of the call.
    func responseBody(_ bytes: UnsafeRawBufferPointer, requestIndex: Int?, time: CaptureTimestamp)
    /// `length` body bytes of the current response are missing from the capture.
    func responseBodyGap(length: UInt64, requestIndex: Int?, time: CaptureTimestamp)
    /// The current response ended (completely or not).
    func responseEnd(_ end: HTTPMessageEnd, requestIndex: Int?, time: CaptureTimestamp)
    /// Request `requestIndex` will never be paired with a response: the connection ended, too many
    /// requests were waiting, or its response was lost from the capture.
    func unanswered(requestIndex: Int, time: CaptureTimestamp)
    /// Request `requestIndex` was answered, but the response fell in a gap of the capture.
    /// (Delegates that do not tell the two apart need not implement it: it defaults to `unanswered`.)
    func responseLost(requestIndex: Int, time: CaptureTimestamp)
    /// Something unusual in one direction.
    func anomaly(_ anomaly: HTTPAnomaly, direction: FlowDirection, time: CaptureTimestamp)
}

extension HTTPConnectionDelegate {
    /// By default a lost response is one more unanswered request.
    public func responseLost(requestIndex: Int, time: CaptureTimestamp) {
        unanswered(requestIndex: requestIndex, time: time)
    }
}
