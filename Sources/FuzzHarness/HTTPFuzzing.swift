import AnalyzerCore
import HTTP1Parser

/// The HTTP fuzz target: a stream script (``StreamScriptReader``) through one
/// ``HTTPConnectionParser`` per connection slot, with small limits, every event checked by
/// ``CheckingHTTPDelegate``.
public enum HTTPFuzzing {
    /// Runs one input.
    public static func run(_ input: UnsafeRawBufferPointer) {
        let limits = FuzzLimits.small.http
        var slots: [(parser: HTTPConnectionParser, delegate: CheckingHTTPDelegate)?] = [nil, nil, nil, nil]
        func slot(_ index: Int) -> (parser: HTTPConnectionParser, delegate: CheckingHTTPDelegate) {
            if let open = slots[index] { return open }
            let delegate = CheckingHTTPDelegate()
            let opened = (HTTPConnectionParser(limits: limits, delegate: delegate), delegate)
            slots[index] = opened
            return opened
        }
        var reader = StreamScriptReader(input)
        while let step = reader.next() {
            if let index = step.feed(time: reader.time, to: { slot($0).parser }), let open = slots[index] {
                open.parser.finish(time: reader.time)
                open.delegate.checkFinished()
                slots[index] = nil
            }
            for case let open? in slots {
                check(open.parser.bufferedHeadBytes <= 2 * max(1, limits.maxHeaderBlockBytes),
                      "\(open.parser.bufferedHeadBytes) head bytes buffered, limit \(limits.maxHeaderBlockBytes)")
                check(open.parser.pendingRequests <= max(1, limits.maxPendingRequests),
                      "\(open.parser.pendingRequests) requests pending, limit \(limits.maxPendingRequests)")
            }
        }
        for case let open? in slots {
            open.parser.finish(time: reader.time)
            open.delegate.checkFinished()
        }
    }
}

/// A delegate that checks the event grammar of ``HTTPConnectionDelegate``: requests numbered from
/// 0 in order, each message's body events between its head and its end with matching counts,
/// responses paired in FIFO order, and every request answered or given up exactly once.
final class CheckingHTTPDelegate: HTTPConnectionDelegate {
    /// A message between its head and its end.
    private struct OpenMessage {
        var index: Int?
        var bodyBytes: UInt64 = 0
        var gapBytes: UInt64 = 0
    }

    private var nextRequestIndex = 0
    private var openRequest: OpenMessage?
    private var openResponse: OpenMessage?
    /// Requests paired with a final response, or given up as unanswered.
    private var settled: Set<Int> = []
    private var lastFinalAnswer = -1

    func requestHead(_ head: HTTPRequestHead, index: Int, time: CaptureTimestamp) {
        check(openRequest == nil, "request \(index) began before request \(openRequest?.index ?? -1) ended")
        check(index == nextRequestIndex, "request \(index) reported, \(nextRequestIndex) expected")
        nextRequestIndex += 1
        openRequest = OpenMessage(index: index)
    }

    func requestBody(_ bytes: UnsafeRawBufferPointer, index: Int, time: CaptureTimestamp) {
        check(openRequest?.index == index, "body of request \(index) outside it")
        check(!bytes.isEmpty, "empty request body piece")
        if let current = openRequest?.bodyBytes { openRequest?.bodyBytes = Self.sum(current, UInt64(bytes.count)) }
    }

    func requestBodyGap(length: UInt64, index: Int, time: CaptureTimestamp) {
        check(openRequest?.index == index, "body gap of request \(index) outside it")
        if let current = openRequest?.gapBytes { openRequest?.gapBytes = Self.sum(current, length) }
    }

    func requestEnd(_ end: HTTPMessageEnd, index: Int, time: CaptureTimestamp) {
        guard let message = openRequest, message.index == index else {
            return check(false, "end of request \(index) outside it")
        }
        Self.checkEnd(end, of: message, "request \(index)")
        openRequest = nil
    }

    func responseHead(_ head: HTTPResponseHead, requestIndex: Int?, time: CaptureTimestamp) {
        check(openResponse == nil, "a response began before the previous one ended")
        if let requestIndex {
            check(requestIndex < nextRequestIndex, "response to request \(requestIndex), never made")
            check(!settled.contains(requestIndex), "response to request \(requestIndex), already settled")
            check(requestIndex > lastFinalAnswer, "response to request \(requestIndex) out of FIFO order")
            if !head.isInterim {
                settled.insert(requestIndex)
                lastFinalAnswer = requestIndex
            }
        }
        openResponse = OpenMessage(index: requestIndex)
    }

    func responseBody(_ bytes: UnsafeRawBufferPointer, requestIndex: Int?, time: CaptureTimestamp) {
        check(openResponse.map { $0.index == requestIndex } ?? false, "response body outside a response")
        check(!bytes.isEmpty, "empty response body piece")
        if let current = openResponse?.bodyBytes { openResponse?.bodyBytes = Self.sum(current, UInt64(bytes.count)) }
    }

    func responseBodyGap(length: UInt64, requestIndex: Int?, time: CaptureTimestamp) {
        check(openResponse.map { $0.index == requestIndex } ?? false, "response body gap outside a response")
        if let current = openResponse?.gapBytes { openResponse?.gapBytes = Self.sum(current, length) }
    }

    func responseEnd(_ end: HTTPMessageEnd, requestIndex: Int?, time: CaptureTimestamp) {
        guard let message = openResponse, message.index == requestIndex else {
            return check(false, "response end outside a response")
        }
        Self.checkEnd(end, of: message, "the response to \(requestIndex.map(String.init) ?? "a lost request")")
        openResponse = nil
    }

    func unanswered(requestIndex: Int, time: CaptureTimestamp) {
        check(requestIndex < nextRequestIndex, "request \(requestIndex) given up, never made")
        check(settled.insert(requestIndex).inserted, "request \(requestIndex) settled twice")
    }

    func anomaly(_ anomaly: HTTPAnomaly, direction: FlowDirection, time: CaptureTimestamp) {
        check(!anomaly.code.isEmpty && !anomaly.message.isEmpty, "an anomaly without code or message")
    }

    /// After the parser's `finish`: no message open, every request settled.
    func checkFinished() {
        check(openRequest == nil, "a request still open after finish")
        check(openResponse == nil, "a response still open after finish")
        check(settled.count == nextRequestIndex, "\(nextRequestIndex - settled.count) requests never settled")
    }

    private static func checkEnd(_ end: HTTPMessageEnd, of message: OpenMessage, _ name: String) {
        check(end.bodyBytes == message.bodyBytes,
              "\(name): end says \(end.bodyBytes) body bytes, \(message.bodyBytes) seen")
        check(end.bodyGapBytes == message.gapBytes,
              "\(name): end says \(end.bodyGapBytes) gap bytes, \(message.gapBytes) seen")
        if end.complete, case .contentLength(let length) = end.framing {
            check(sum(end.bodyBytes, end.bodyGapBytes) == length,
                  "\(name): complete but body and gaps are not \(length)")
        }
    }

    private static func sum(_ a: UInt64, _ b: UInt64) -> UInt64 { a.saturatingAdding(b) }
}
