import AnalyzerCore
import BITSAnalyzer
import HTTP1Parser
import ReportOutput

/// The BITS fuzz target: a stream script (``StreamScriptReader``) of up to four connections at a
/// time through HTTP parsers and ``BITSConnectionAnalyzer``s into one ``BITSSessionTracker`` with
/// small limits; then the end-of-capture findings and the timeline in JSON and text.
public enum BITSFuzzing {
    /// Runs one input.
    public static func run(_ input: UnsafeRawBufferPointer) {
        let limits = FuzzLimits.small
        let findings = FindingCollector()
        let tracker = BITSSessionTracker(limits: limits.bits, findings: findings)
        let retired = BITSSessionList()
        tracker.sink = retired
        var slots: [(parser: HTTPConnectionParser, analyzer: BITSConnectionAnalyzer)?] = [nil, nil, nil, nil]
        var nextConnection = 1
        func slot(_ index: Int) -> (parser: HTTPConnectionParser, analyzer: BITSConnectionAnalyzer) {
            if let open = slots[index] { return open }
            // Two clients and two servers, so that sessions move between connections and servers.
            let connection = BITSConnectionInfo(
                id: nextConnection,
                client: Endpoint(address: .v4(0x0A00_0001 + UInt32(index & 1)),
                                 port: UInt16(40_000 + nextConnection % 20_000)),
                server: Endpoint(address: .v4(0x0A00_0100 + UInt32(index >> 1)), port: 80))
            nextConnection += 1
            let analyzer = BITSConnectionAnalyzer(connection: connection, tracker: tracker, findings: findings)
            let opened = (HTTPConnectionParser(limits: limits.http, delegate: analyzer), analyzer)
            slots[index] = opened
            return opened
        }
        var reader = StreamScriptReader(input)
        while let step = reader.next() {
            if let index = step.feed(time: reader.time, to: { slot($0).parser }) {
                slots[index]?.parser.finish(time: reader.time)
                slots[index]?.analyzer.connectionClosed()
                slots[index] = nil
            }
        }
        for case let open? in slots {
            open.parser.finish(time: reader.time)
            open.analyzer.connectionClosed()
        }
        tracker.finish()
        BITSInvariants.verify(tracker, retired: retired, limits: limits.bits)
        for finding in findings.findings {
            check(!finding.message.isEmpty, "finding \(finding.code) without a message")
        }
        let report = TimelineReport(captures: ["fuzz"], precision: .nanoseconds, sessions: retired.sessions,
                                    findings: findings.findings, counters: [])
        _ = TimelineDocumentWriter.document(captures: ["fuzz"], precision: .nanoseconds, sessions: retired.sessions,
                                            findings: report.findings, counters: [])
        _ = report.text()
    }
}
