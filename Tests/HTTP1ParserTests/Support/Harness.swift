import AnalyzerCore
import HTTP1Parser

/// A parser and its recorder, with shorthand feeding for short scenarios.
/// Text has `\n` line ends turned into CRLF.
final class Harness {
    let recorder = RecordingDelegate()
    let parser: HTTPConnectionParser
    var time = CaptureTimestamp(seconds: 1, nanoseconds: 0)

    init(limits: Limits.HTTP = .init()) {
        parser = HTTPConnectionParser(limits: limits, delegate: recorder)
    }

    static func crlf(_ text: String) -> [UInt8] {
        Array(text.utf8).flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
    }

    func client(_ text: String) { clientBytes(Self.crlf(text)) }
    func server(_ text: String) { serverBytes(Self.crlf(text)) }
    func clientBytes(_ bytes: [UInt8]) { bytes.withUnsafeBytes { receive($0, .clientToServer) } }
    func serverBytes(_ bytes: [UInt8]) { bytes.withUnsafeBytes { receive($0, .serverToClient) } }
    func receive(_ bytes: UnsafeRawBufferPointer, _ direction: FlowDirection) {
        parser.receive(bytes, direction: direction, time: time)
    }
    func gap(_ direction: FlowDirection, _ length: UInt64) {
        parser.receiveGap(length: length, direction: direction, time: time)
    }
    func end(_ direction: FlowDirection) { parser.end(direction: direction, time: time) }
    func finish() { parser.finish(time: time) }

    var summary: [String] { recorder.summary }
    var anomalies: [HTTPAnomaly] { recorder.anomalies }

    /// The first request head reported, if any.
    var firstRequestHead: HTTPRequestHead? {
        for case .requestHead(_, let head) in recorder.events { return head }
        return nil
    }

    /// The first response head reported, if any.
    var firstResponseHead: HTTPResponseHead? {
        for case .responseHead(_, let head) in recorder.events { return head }
        return nil
    }
}
