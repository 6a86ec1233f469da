import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import Foundation
import Testing
import TrafficSynthesis

/// Every BITS scenario of the generator's catalogue, in several framings and under TCP reordering,
/// retransmission and overlap, written to a capture file, read back through libpcap and analysed:
/// sessions, states, requests and findings must be what the generator says they are.
@Suite struct BITSScenarioTests {
    static let names = BITSScenarioCatalog.all.map(\.name)

    /// Every framing, clean and impaired (see `BITSScenarioVariants`).
    static let variants = BITSScenarioVariants.all

    /// Analyses a capture file's bytes.
    static func analyse(_ bytes: [UInt8]) throws -> (BITSStreamAnalysis, FindingCollector) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-bits-\(UUID().uuidString).pcap")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var capture = try OfflineCapture(paths: [url.path])
        let findings = FindingCollector()
        let bits = BITSStreamAnalysis(findings: findings)
        bits.keepSessions()
        let engine = AnalysisEngine(factory: bits, findings: findings)
        try engine.run(&capture)
        bits.finish()
        return (bits, findings)
    }

    @Test("sessions, states, requests and findings match the generator", arguments: names)
    func scenarioMatches(name: String) throws {
        let recipe = try #require(BITSScenarioCatalog.named(name))
        for (index, (encapsulation, impairments, label)) in Self.variants.enumerated() {
            let scenario = recipe.build(encapsulation: encapsulation, impairments: impairments, seed: UInt64(index + 1))
            let bytes = index % 2 == 0 ? scenario.captureScenario.pcapFile() : scenario.captureScenario.pcapngFile()
            let (bits, findings) = try Self.analyse(bytes)
            let context = "\(name) [\(label)]"
            let sessions = bits.sessions
            let expected = scenario.expected
            #expect(sessions.count == expected.sessions.count, "\(context): session count")
            for (actual, wanted) in zip(sessions, expected.sessions) {
                #expect(actual.sessionID == wanted.sessionID, "\(context): session id")
                #expect(actual.state.rawValue == wanted.state, "\(context): state")
                #expect(actual.totalLength == wanted.totalLength, "\(context): total length")
                #expect(actual.bytesAcknowledged == wanted.bytesAcknowledged, "\(context): bytes acknowledged")
                #expect(actual.requests.map { ExpectedBITSRequest(type: $0.type.description, status: $0.status) }
                        == wanted.requests, "\(context): requests")
                #expect(actual.connections.count == wanted.connectionCount, "\(context): connections")
                #expect(actual.findingCodes.map(\.rawValue).sorted() == wanted.findings, "\(context): session findings")
            }
            let actualFindings = findings.findings.map { ExpectedBITSFinding(code: $0.code.rawValue, sessionID: $0.sessionID) }
            #expect(Set(actualFindings) == Set(expected.findings), "\(context): findings")
            #expect(actualFindings.count == expected.findings.count, "\(context): findings reported once each")
        }
    }

    @Test("a clean upload reports no finding at all, in every framing")
    func cleanUploadsAreClean() throws {
        for name in ["clean-upload", "clean-upload-ping", "upper-case-types"] {
            let recipe = try #require(BITSScenarioCatalog.named(name))
            for encapsulation in LinkEncapsulation.allCases {
                let scenario = recipe.build(encapsulation: encapsulation, impairments: .none, seed: 7)
                let (bits, findings) = try Self.analyse(scenario.captureScenario.pcapFile())
                #expect(findings.findings.isEmpty, "\(name) \(encapsulation): \(findings.findings.map(\.code))")
                #expect(bits.sessions.map(\.state) == [.completed])
            }
        }
    }
}
