import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import Testing
import TrafficSynthesis

/// The generator's scenarios whose one session ID the analysis reports as two session records
/// (``BITSScenarioCatalog/sessionsInTwoRecords``), written to capture files in several framings,
/// read back and analysed. Their expectations are stated here: the generator's per-ID expectation
/// does not model the split.
@Suite struct SessionRecordScenarioTests {
    /// The analysis of `name` built with seed `seed` in framing `framing` (pcapng for odd seeds).
    static func analysed(_ name: String, seed: UInt64, framing: Int) throws -> (BITSScenario, [BITSSession], [Finding]) {
        let recipe = try #require(BITSScenarioCatalog.sessionsInTwoRecords.first { $0.name == name })
        let encapsulation = LinkEncapsulation.allCases[framing % LinkEncapsulation.allCases.count]
        let impairments = seed % 2 == 0 ? Impairments.none : Impairments(reorderProbability: 0.3, duplicateProbability: 0.2)
        let scenario = recipe.build(encapsulation: encapsulation, impairments: impairments, seed: seed)
        let bytes = seed % 2 == 0 ? scenario.captureScenario.pcapFile() : scenario.captureScenario.pcapngFile()
        let (bits, findings) = try BITSScenarioTests.analyse(bytes)
        return (scenario, bits.sessions, findings.findings)
    }

    @Test("session-id-reuse: the second Create-Session is given the first session's ID; two completed records",
          arguments: 0..<4)
    func idReuse(seed: Int) throws {
        let (scenario, sessions, findings) = try Self.analysed("session-id-reuse", seed: UInt64(seed), framing: seed)
        let id = try #require(scenario.expected.sessions.first?.sessionID)
        #expect(sessions.map(\.sessionID) == [id, id])
        #expect(sessions.map(\.state) == [.completed, .completed])
        #expect(sessions.map { $0.findingCodes.map(\.rawValue) } == [[], ["session-id-reuse"]])
        #expect(sessions.map { $0.requests.map(\.type) } == Array(repeating: [.createSession, .fragment, .fragment, .fragment,
                                                                              .closeSession], count: 2))
        #expect(findings.map(\.code.rawValue) == ["session-id-reuse"])
        #expect(findings.first?.message.contains("(closed)") == true)
    }

    @Test("session-timeout-exceeded: 15 days of silence split the session; the second record says so",
          arguments: 0..<4)
    func timeoutExceeded(seed: Int) throws {
        let (scenario, sessions, findings) = try Self.analysed("session-timeout-exceeded", seed: UInt64(seed), framing: seed + 3)
        let id = try #require(scenario.expected.sessions.first?.sessionID)
        let total = UInt64(scenario.expected.clientFile.count)
        #expect(sessions.map(\.sessionID) == [id, id])
        #expect(sessions.map(\.state) == [.orphaned, .completed])
        #expect(sessions.map { $0.findingCodes.map(\.rawValue) } == [["orphaned-session"], ["session-timeout-exceeded"]])
        #expect(sessions.last?.requests.map(\.type) == [.ping, .fragment, .closeSession])
        #expect(sessions.last?.bytesAcknowledged == total)
        let finding = try #require(findings.first { $0.code.rawValue == "session-timeout-exceeded" })
        #expect(finding.severity == .info)
        #expect(finding.message.contains("15.0 days") && finding.message.contains("kept the session"))
    }
}
