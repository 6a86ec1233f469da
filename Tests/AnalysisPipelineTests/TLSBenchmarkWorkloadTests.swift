import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import Foundation
import Testing
import TLSDecryption
import TrafficSynthesis

/// The benchmark workload over TLS 1.3 (`bitsnoop-gen bench --tls13`): analysed with its key log it
/// must give what the same workload gives in plain HTTP, plus each session's TLS facts; without the
/// key log, only the `tls-not-decrypted` notice for every connection.
@Suite struct TLSBenchmarkWorkloadTests {
    /// A small bulk workload: 6 uploads of 64–300 KiB, 4 at a time (a full wave and a partial one).
    static func workload(tls13: Bool) -> BenchmarkWorkload {
        var workload = BenchmarkWorkload(sessions: 6, seed: 11)
        workload.concurrency = 4
        workload.fileSizes = (64 << 10)...(300 << 10)
        workload.fragmentSizes = (16 << 10)...(100 << 10)
        workload.tls13 = tls13
        return workload
    }

    /// Sessions and findings of a capture, decrypting with `keyLog` when given.
    static func analyse(_ bytes: [UInt8], keyLog: TLSKeyLog?) throws -> (BITSStreamAnalysis, FindingCollector) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-tlsbench-\(UUID().uuidString).pcap")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var capture = try OfflineCapture(paths: [url.path])
        let findings = FindingCollector()
        let bits = BITSStreamAnalysis(findings: findings, keyLog: keyLog)
        bits.keepSessions()
        let engine = AnalysisEngine(factory: bits, findings: findings)
        try engine.run(&capture)
        bits.finish()
        return (bits, findings)
    }

    /// What must be the same in plain HTTP and decrypted TLS, per session.
    static func summary(_ session: BITSSession) -> String {
        let requests = session.requests.map { "\($0.type) \($0.status.map(String.init) ?? "-") \($0.bodyBytes)" }
        return "\(session.sessionID ?? "-") \(session.state) \(session.url) \(session.totalLength ?? 0) "
            + "\(session.bytesAcknowledged ?? 0) \(session.contentName ?? "-") [\(requests.joined(separator: ", "))]"
    }

    @Test("decrypted with its key log, the TLS workload gives the plain one's sessions, states, bytes and findings")
    func sameAsPlain() throws {
        var plainBytes: [UInt8] = []
        let plainSummary = Self.workload(tls13: false).write { plainBytes += $0 }
        var tlsBytes: [UInt8] = []
        var keyLogText = ""
        let tlsSummary = Self.workload(tls13: true).write({ tlsBytes += $0 }, keyLog: { keyLogText += $0 })
        #expect(tlsSummary.sessions == 6 && tlsSummary.uploadedBytes == plainSummary.uploadedBytes)
        #expect(tlsBytes.count > plainBytes.count)
        #expect(keyLogText.split(separator: "\n").count == 6 * 4)

        let (plain, plainFindings) = try Self.analyse(plainBytes, keyLog: nil)
        let keyLog = TLSKeyLog(text: keyLogText)
        let (tls, tlsFindings) = try Self.analyse(tlsBytes, keyLog: keyLog)
        #expect(plain.sessions.count == 6)
        #expect(plain.sessions.allSatisfy { $0.state == .completed })
        #expect(tls.sessions.map(Self.summary) == plain.sessions.map(Self.summary))
        #expect(tlsFindings.findings.map(\.code) == plainFindings.findings.map(\.code),
                "\(tlsFindings.findings.map(\.message))")
        #expect(plainFindings.findings.isEmpty)
        let acknowledged = tls.sessions.reduce(UInt64(0)) { $0 + ($1.bytesAcknowledged ?? 0) }
        #expect(acknowledged == tlsSummary.uploadedBytes)

        let decryption = try #require(tls.decryption)
        #expect(decryption.connections == 6 && decryption.decryptedConnections == 6)
        #expect(decryption.recordsFailedAuthentication == 0 && decryption.recordsNotDecrypted == 0)
        let expected = TLSSessionFacts(version: "TLS 1.3", cipherSuite: "TLS_AES_128_GCM_SHA256",
                                       serverName: BenchmarkWorkload.serverName)
        for session in tls.sessions {
            #expect(decryption.sessionFacts.facts(for: session) == expected, "\(session.sessionID ?? "-")")
        }
    }

    @Test("without the key log: no session, one tls-not-decrypted notice counting every connection")
    func withoutKeyLog() throws {
        var tlsBytes: [UInt8] = []
        _ = Self.workload(tls13: true).write { tlsBytes += $0 }
        let (tls, findings) = try Self.analyse(tlsBytes, keyLog: nil)
        #expect(tls.sessions.isEmpty)
        #expect(findings.findings.map(\.code) == [.tlsNotDecrypted])
        let message = findings.findings.first?.message ?? ""
        #expect(message.hasPrefix("6 TLS connections (HTTPS) not decrypted:"), "\(message)")
        #expect(message.contains("(SNI \(BenchmarkWorkload.serverName))"), "\(message)")
        #expect(tls.tls.connections == 6)
    }

    @Test("a key log for other connections: every connection reported not decrypted for want of a key")
    func wrongKeyLog() throws {
        var tlsBytes: [UInt8] = []
        _ = Self.workload(tls13: true).write { tlsBytes += $0 }
        var otherKeys = ""
        var other = Self.workload(tls13: true)
        other.seed = 12
        _ = other.write({ _ in }, keyLog: { otherKeys += $0 })
        let (tls, findings) = try Self.analyse(tlsBytes, keyLog: TLSKeyLog(text: otherKeys))
        #expect(tls.sessions.isEmpty)
        #expect(findings.findings.map(\.code) == [.tlsNotDecrypted])
        let message = findings.findings.first?.message ?? ""
        #expect(message.hasPrefix("6 of 6 TLS connections not (fully) decrypted with the key log: no key in the key log x6"),
                "\(message)")
    }
}
