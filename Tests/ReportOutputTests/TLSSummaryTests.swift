import AnalyzerCore
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
