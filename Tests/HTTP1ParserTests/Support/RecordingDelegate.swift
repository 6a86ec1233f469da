import AnalyzerCore
import HTTP1Parser

/// Turns parser callbacks into a comparable list; consecutive body pieces of one message are
/// concatenated, so that lists from differently cut inputs can be compared.
final class RecordingDelegate: HTTPConnectionDelegate {
    enum Event: Equatable {
        case requestHead(Int, HTTPRequestHead)
        case requestBody(Int, [UInt8])
        case requestBodyGap(Int, UInt64)
        case requestEnd(Int, HTTPMessageEnd)
        case responseHead(Int?, HTTPResponseHead)
        case responseBody(Int?, [UInt8])
        case responseBodyGap(Int?, UInt64)
        case responseEnd(Int?, HTTPMessageEnd)
        case unanswered(Int)
        case anomaly(FlowDirection, HTTPAnomaly)
    }

    private(set) var events: [Event] = []
    /// The time of every callback, in order (body pieces not merged).
    private(set) var times: [CaptureTimestamp] = []
    /// Largest body piece count per callback seen, to check no empty piece is delivered.
    private(set) var emptyBodyPieces = 0

    func requestHead(_ head: HTTPRequestHead, index: Int, time: CaptureTimestamp) {
        record(.requestHead(index, head), time)
    }
    func requestBody(_ bytes: UnsafeRawBufferPointer, index: Int, time: CaptureTimestamp) {
        if bytes.isEmpty { emptyBodyPieces += 1 }
        times.append(time)
        if case .requestBody(index, let earlier)? = events.last {
            events[events.count - 1] = .requestBody(index, earlier + Array(bytes))
        } else {
            events.append(.requestBody(index, Array(bytes)))
        }
    }
    func requestBodyGap(length: UInt64, index: Int, time: CaptureTimestamp) {
        record(.requestBodyGap(index, length), time)
    }
    func requestEnd(_ end: HTTPMessageEnd, index: Int, time: CaptureTimestamp) {
        record(.requestEnd(index, end), time)
    }
    func responseHead(_ head: HTTPResponseHead, requestIndex: Int?, time: CaptureTimestamp) {
        record(.responseHead(requestIndex, head), time)
    }
    func responseBody(_ bytes: UnsafeRawBufferPointer, requestIndex: Int?, time: CaptureTimestamp) {
        if bytes.isEmpty { emptyBodyPieces += 1 }
        times.append(time)
        if case .responseBody(requestIndex, let earlier)? = events.last {
            events[events.count - 1] = .responseBody(requestIndex, earlier + Array(bytes))
        } else {
            events.append(.responseBody(requestIndex, Array(bytes)))
        }
    }
    func responseBodyGap(length: UInt64, requestIndex: Int?, time: CaptureTimestamp) {
        record(.responseBodyGap(requestIndex, length), time)
    }
    func responseEnd(_ end: HTTPMessageEnd, requestIndex: Int?, time: CaptureTimestamp) {
        record(.responseEnd(requestIndex, end), time)
    }
    func unanswered(requestIndex: Int, time: CaptureTimestamp) {
        record(.unanswered(requestIndex), time)
    }
    func anomaly(_ anomaly: HTTPAnomaly, direction: FlowDirection, time: CaptureTimestamp) {
        record(.anomaly(direction, anomaly), time)
    }

    private func record(_ event: Event, _ time: CaptureTimestamp) {
        events.append(event)
        times.append(time)
    }

    /// The events as short lines, for readable expectations.
    var summary: [String] { events.map(Self.describe) }

    /// The anomalies only.
    var anomalies: [HTTPAnomaly] {
        events.compactMap { if case .anomaly(_, let anomaly) = $0 { return anomaly } else { return nil } }
    }

    static func describe(_ event: Event) -> String {
        func who(_ index: Int?) -> String { index.map(String.init) ?? "-" }
        switch event {
        case .requestHead(let index, let head):
            return "req \(index) head \(head.method) \(head.target) \(head.version)"
        case .requestBody(let index, let bytes):
            return "req \(index) body \(text(bytes))"
        case .requestBodyGap(let index, let length):
            return "req \(index) gap \(length)"
        case .requestEnd(let index, let end):
            return "req \(index) end \(describe(end))"
        case .responseHead(let index, let head):
            return "rsp \(who(index)) head \(head.status) \(head.reason)"
        case .responseBody(let index, let bytes):
            return "rsp \(who(index)) body \(text(bytes))"
        case .responseBodyGap(let index, let length):
            return "rsp \(who(index)) gap \(length)"
        case .responseEnd(let index, let end):
            return "rsp \(who(index)) end \(describe(end))"
        case .unanswered(let index):
            return "unanswered \(index)"
        case .anomaly(let direction, let anomaly):
            return "! \(direction == .clientToServer ? "c2s" : "s2c") \(anomaly)"
        }
    }

    /// `5:hello` for short printable bodies, `1000B` otherwise.
    static func text(_ bytes: [UInt8]) -> String {
        let printable = bytes.allSatisfy { (0x20..<0x7F).contains($0) }
        return printable && bytes.count <= 40 ? "\(bytes.count):\(String(decoding: bytes, as: UTF8.self))" : "\(bytes.count)B"
    }

    static func describe(_ end: HTTPMessageEnd) -> String {
        let framing: String
        switch end.framing {
        case .none: framing = "none"
        case .contentLength(let length): framing = "cl=\(length)"
        case .chunked: framing = "chunked"
        case .untilClose: framing = "close"
        }
        let gap = end.bodyGapBytes > 0 ? " gap=\(end.bodyGapBytes)" : ""
        return "\(framing) body=\(end.bodyBytes)\(gap) \(end.complete ? "complete" : "incomplete")"
    }
}
