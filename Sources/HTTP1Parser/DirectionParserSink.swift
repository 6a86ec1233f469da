import AnalyzerCore

/// What a ``DirectionParser`` tells the connection: parsed heads, body pieces, message ends,
/// losses and anomalies. Implementations must not touch the calling direction parser.
protocol DirectionParserSink: AnyObject {
    /// A request head was parsed.
    func requestHeadParsed(_ head: HTTPRequestHead, time: CaptureTimestamp)
    /// A response head was parsed; returns whether it answers a `HEAD` request (so has no body).
    func responseHeadParsed(_ head: HTTPResponseHead, time: CaptureTimestamp) -> Bool
    /// Body bytes of the current message of `direction`.
    func bodyData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, time: CaptureTimestamp)
    /// Missing body bytes of the current message of `direction`.
    func bodyGap(length: UInt64, direction: FlowDirection, time: CaptureTimestamp)
    /// The current message of `direction` ended.
    func messageEnded(_ end: HTTPMessageEnd, direction: FlowDirection, time: CaptureTimestamp)
    /// A message of `direction` that had not been reported was lost (a gap or an abandoned head).
    func messageLost(direction: FlowDirection, time: CaptureTimestamp)
    /// Something odd in `direction`.
    func anomaly(_ anomaly: HTTPAnomaly, direction: FlowDirection, time: CaptureTimestamp)
}
