import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import Testing
import TrafficSynthesis

/// The benchmark's capture must be what bench/README.md says: clean uploads that a correct analysis
/// reports as exactly that many completed sessions, every byte acknowledged, and no finding.
@Suite struct BenchmarkWorkloadTests {
    @Test("a small benchmark capture analyses to its uploads, all completed, no finding")
    func smallWorkload() throws {
        // 20 uploads: one full wave of 16 and a partial one.
        var bytes: [UInt8] = []
        let summary = BenchmarkWorkload(sessions: 20, seed: 7).write { bytes += $0 }
        #expect(summary.sessions == 20)
        #expect(summary.fileBytes == UInt64(bytes.count))

        let (bits, findings) = try BITSScenarioTests.analyse(bytes)
        let sessions = bits.sessions
        #expect(sessions.count == 20)
        #expect(sessions.allSatisfy { $0.state == .completed })
        #expect(findings.findings.isEmpty, "\(findings.findings.map(\.message))")
        let acknowledged = sessions.reduce(UInt64(0)) { $0 + ($1.bytesAcknowledged ?? 0) }
        #expect(acknowledged == summary.uploadedBytes)
        #expect(Set(sessions.compactMap(\.sessionID)).count == 20)
    }

    @Test("a small busy-server capture: one small upload per connection, 1,000 at a time, all completed")
    func smallBusyWorkload() throws {
        // 1,500 uploads: one full wave of 1,000 connections in flight and a partial one.
        var bytes: [UInt8] = []
        let summary = BenchmarkWorkload.busy(sessions: 1_500, seed: 3).write { bytes += $0 }
        #expect(summary.sessions == 1_500)
        #expect(summary.uploadedBytes >= 1_500 * 256 && summary.uploadedBytes <= 1_500 * 640)

        let (bits, findings) = try BITSScenarioTests.analyse(bytes)
        let sessions = bits.sessions
        #expect(sessions.count == 1_500)
        #expect(sessions.allSatisfy { $0.state == .completed && $0.requests.count == 3 })
        #expect(findings.findings.isEmpty, "\(findings.findings.prefix(3).map(\.message))")
        let acknowledged = sessions.reduce(UInt64(0)) { $0 + ($1.bytesAcknowledged ?? 0) }
        #expect(acknowledged == summary.uploadedBytes)
    }
}
