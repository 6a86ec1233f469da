import AnalyzerCore
import BITSAnalyzer
import HTTP1Parser
import TCPReassembly

/// Analyses BITS on every TCP connection: each connection's streams feed an HTTP/1.1 parser whose
/// messages feed a ``BITSConnectionAnalyzer``; one ``BITSSessionTracker`` follows sessions across
/// all of them. BITS runs on any port, so every connection is parsed; connections that never speak
/// HTTP cost a bounded resynchronisation scan and report nothing.
public final class BITSStreamAnalysis: StreamConsumerFactory {
    /// The sessions and their findings.
    public let tracker: BITSSessionTracker
    private let httpLimits: Limits.HTTP
    private let findings: any FindingSink

    /// Creates the analysis.
    public init(limits: Limits = .init(), findings: any FindingSink) {
        self.tracker = BITSSessionTracker(limits: limits.bits, findings: findings)
        self.httpLimits = limits.http
        self.findings = findings
    }

    /// An HTTP parser and BITS analyzer for the connection.
    public func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)? {
        let analyzer = BITSConnectionAnalyzer(
            connection: BITSConnectionInfo(id: connection.id, client: connection.client, server: connection.server),
            tracker: tracker, findings: findings
        )
        return HTTPStreamConsumer(analyzer: analyzer, parser: HTTPConnectionParser(limits: httpLimits, delegate: analyzer))
    }

    /// Nothing to do: the consumer already finished its parser.
    public func connectionClosed(summary: ConnectionSummary) {}

    /// Reports what only the end shows (sessions left open). Call after the engine finished.
    public func finish() {
        tracker.finish()
    }
}

/// Adapts the reassembler's stream events to an HTTP connection parser.
final class HTTPStreamConsumer: StreamConsumer {
    // The parser holds its delegate weakly; this consumer keeps it alive for the connection's life.
    private let analyzer: BITSConnectionAnalyzer
    private let parser: HTTPConnectionParser

    init(analyzer: BITSConnectionAnalyzer, parser: HTTPConnectionParser) {
        self.analyzer = analyzer
        self.parser = parser
    }

    func streamData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        parser.receive(bytes, direction: direction, time: time)
    }

    func streamGap(length: UInt64, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        parser.receiveGap(length: length, direction: direction, time: time)
    }

    func streamEnded(direction: FlowDirection, time: CaptureTimestamp) {
        parser.end(direction: direction, time: time)
    }

    func directionNotCaptured(_ direction: FlowDirection, time: CaptureTimestamp) {
        analyzer.directionNotCaptured(direction, time: time)
    }

    func connectionClosed(_ summary: ConnectionSummary) {
        parser.finish(time: summary.lastTime)
        analyzer.connectionClosed()
    }
}
