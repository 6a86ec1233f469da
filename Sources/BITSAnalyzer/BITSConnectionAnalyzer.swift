import AnalyzerCore
import HTTP1Parser

/// Turns one TCP connection's HTTP messages into BITS requests and Acks for the session tracker.
///
/// One per connection, as the HTTP parser's delegate. BITS requests (`BITS_POST`, or any request
/// carrying `BITS-Packet-Type`) are handed to the tracker once their body has ended, with the body
/// bytes counted (never kept); their responses follow. GET and HEAD requests are passed on so the
/// tracker can tell a fetched reply. HTTP-level anomalies become findings of this connection.
public final class BITSConnectionAnalyzer: HTTPConnectionDelegate {
    private let tracker: BITSSessionTracker
    private let findings: any FindingSink
    /// The connection analysed.
    public let connection: BITSConnectionInfo
    private var pending: [Int: PendingRequest] = [:]
    private var outstandingBITSRequests = 0
    /// Whether any HTTP message was seen: anomalies of connections that never spoke HTTP (TLS,
    /// other protocols) are not reported, to keep findings about HTTP traffic.
    private var sawHTTP = false
    private var reportedAnomalies: Set<String> = []

    /// A request between its head and its answer.
    private struct PendingRequest {
        var head: HTTPRequestHead
        var time: CaptureTimestamp
        var bodyBytes: UInt64 = 0
        var bodyGapBytes: UInt64 = 0
        var handle: RequestHandle?
        /// A response that arrived before the request's body ended (e.g. a 413 sent early).
        var earlyResponse: (head: HTTPResponseHead, time: CaptureTimestamp)?
    }

    /// Creates the analyzer of one connection.
    public init(connection: BITSConnectionInfo, tracker: BITSSessionTracker, findings: any FindingSink) {
        self.connection = connection
        self.tracker = tracker
        self.findings = findings
    }

    /// Whether a request is part of the BITS upload protocol.
    static func isBITS(_ head: HTTPRequestHead) -> Bool {
        head.method.uppercased() == "BITS_POST" || head.headers.contains("BITS-Packet-Type")
    }

    /// Notes a BITS request (and pipelining), or a GET/HEAD that may fetch a reply.
    public func requestHead(_ head: HTTPRequestHead, index: Int, time: CaptureTimestamp) {
        sawHTTP = true
        if Self.isBITS(head) {
            if outstandingBITSRequests > 0 {
                tracker.pipelined(connection: connection.id, session: head.headers["BITS-Session-Id"], time: time)
            }
            outstandingBITSRequests += 1
            pending[index] = PendingRequest(head: head, time: time)
        } else if ["GET", "HEAD"].contains(head.method.uppercased()) {
            tracker.fetch(target: head.target, time: time)
        }
    }

    /// Counts body bytes (never kept).
    public func requestBody(_ bytes: UnsafeRawBufferPointer, index: Int, time: CaptureTimestamp) {
        pending[index]?.bodyBytes += UInt64(bytes.count)
    }

    /// Counts body bytes missing from the capture.
    public func requestBodyGap(length: UInt64, index: Int, time: CaptureTimestamp) {
        pending[index]?.bodyGapBytes += length
    }

    /// Hands the finished request to the tracker.
    public func requestEnd(_ end: HTTPMessageEnd, index: Int, time: CaptureTimestamp) {
        guard var request = pending[index], request.handle == nil else { return }
        request.handle = tracker.request(ObservedRequest(
            head: request.head, time: request.time, connection: connection, bodyBytes: end.bodyBytes,
            bodyGapBytes: end.bodyGapBytes, complete: end.complete
        ))
        if let early = request.earlyResponse, let handle = request.handle {
            tracker.response(early.head, time: early.time, to: handle)
            pending[index] = nil
        } else {
            pending[index] = request
        }
    }

    /// Hands an Ack (or other answer) to the tracker.
    public func responseHead(_ head: HTTPResponseHead, requestIndex: Int?, time: CaptureTimestamp) {
        sawHTTP = true
        guard !head.isInterim, let index = requestIndex, let request = pending[index] else { return }
        outstandingBITSRequests = max(0, outstandingBITSRequests - 1)
        if let handle = request.handle {
            tracker.response(head, time: time, to: handle)
            pending[index] = nil
        } else {
            pending[index]?.earlyResponse = (head, time)
        }
    }

    /// Response bodies (replies, errors) are not analysed.
    public func responseBody(_ bytes: UnsafeRawBufferPointer, requestIndex: Int?, time: CaptureTimestamp) {}

    /// Response bodies are not analysed.
    public func responseBodyGap(length: UInt64, requestIndex: Int?, time: CaptureTimestamp) {}

    /// Nothing to do: the Ack was handled at its head.
    public func responseEnd(_ end: HTTPMessageEnd, requestIndex: Int?, time: CaptureTimestamp) {}

    /// A request that will never be answered: the tracker reports `missing-ack`.
    public func unanswered(requestIndex: Int, time: CaptureTimestamp) {
        guard let request = pending.removeValue(forKey: requestIndex) else { return }
        outstandingBITSRequests = max(0, outstandingBITSRequests - 1)
        let handle = request.handle ?? tracker.request(ObservedRequest(
            head: request.head, time: request.time, connection: connection, bodyBytes: request.bodyBytes,
            bodyGapBytes: request.bodyGapBytes, complete: false
        ))
        if let early = request.earlyResponse {
            tracker.response(early.head, time: early.time, to: handle)
        } else {
            tracker.unanswered(handle, time: time)
        }
    }

    /// Reports an HTTP anomaly once per connection and code, once the connection has spoken HTTP
    /// (head limits at once: they are hit only after a valid start-line prefix, so a head that never
    /// ends is reported rather than dropped silently).
    public func anomaly(_ anomaly: HTTPAnomaly, direction: FlowDirection, time: CaptureTimestamp) {
        guard sawHTTP || Self.isHeadLimit(anomaly), reportedAnomalies.insert(anomaly.code).inserted else { return }
        findings.report(Finding(
            code: FindingCode(rawValue: anomaly.code), severity: anomaly.severity, connection: connection.id,
            time: time, message: "\(direction == .clientToServer ? "client" : "server"): \(anomaly.message)"
        ))
    }

    private static func isHeadLimit(_ anomaly: HTTPAnomaly) -> Bool {
        switch anomaly {
        case .headerBlockTooLarge, .tooManyHeaders: return true
        default: return false
        }
    }
}
