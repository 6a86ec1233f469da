import AnalyzerCore
import BITSAnalyzer
import ReportOutput
import Testing

/// A capture whose BITS ran over HTTPS must not read like a capture without BITS.
@Suite struct TLSSummaryTests {
    @Test("no session and TLS connections: the summary's first line says the uploads may be inside TLS")
    func firstLineNamesTLS() {
        let report = TimelineReport(captures: ["https.pcap"], precision: .microseconds, sessions: [], findings: [],
                                    counters: [("packets", 40), ("tls_connections", 3)])
        let first = report.text().split(separator: "\n").first.map(String.init)
        #expect(first == "No BITS session seen, but 3 TLS connections were not decrypted: BITS over HTTPS cannot be seen "
            + "(tls-not-decrypted)")
    }

    @Test("no session and no TLS: no such line")
    func noTLSNoLine() {
        let report = TimelineReport(captures: ["empty.pcap"], precision: .microseconds, sessions: [], findings: [],
                                    counters: [("packets", 40), ("tls_connections", 0)])
        #expect(!report.text().contains("TLS"))
    }
}

/// The live stream says why a session's outcome is unknown, as the timeline does.
@Suite struct LiveEventStateReasonTests {
    typealias F = ReportFixtures

    @Test("session-ended carries state_reason: null when known, the missing side when unknown")
    func stateReason() {
        var session = F.session(requests: [])
        let known = LiveEvents.sessionEnded(session, time: F.time(1), precision: .microseconds).serialized(pretty: false)
        #expect(known.contains("\"state_reason\":null"), "\(known)")
        session.missingDirection = .serverToClient
        let unknown = LiveEvents.sessionEnded(session, time: F.time(1), precision: .microseconds).serialized(pretty: false)
        #expect(unknown.contains("\"state\":\"unknown\""), "\(unknown)")
        #expect(unknown.contains("\"state_reason\":\"capture-one-sided: the server's packets are not in the capture"),
                "\(unknown)")
    }
}
