import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import Testing
import TrafficSynthesis

/// Captures of one direction only (a tap or SPAN port mirroring one way): sessions are rebuilt
/// from the side that is there, each connection gets a `capture-one-sided` notice, the outcome is
/// `unknown` with its reason, and nothing is reported that needs the missing side.
@Suite struct OneSidedCaptureTests {
    /// Scenarios whose uploads go through normally, over one and several connections and servers.
    static let names = ["clean-upload", "clean-upload-ping", "three-connections", "host-id-moved", "pipelined"]

    static func build(_ name: String, keeping direction: FlowDirection, seed: UInt64) throws -> BITSScenario {
        var impairments = Impairments()
        impairments.capturedDirection = direction
        return try #require(BITSScenarioCatalog.named(name)).build(impairments: impairments, seed: seed)
    }

    @Test("from the client's packets alone: sessions, IDs, requests and ranges, outcome unknown", arguments: names)
    func clientSideOnly(name: String) throws {
        try checkOneSided(name, keeping: .clientToServer, seed: 21) { session, wanted in
            #expect(session.stateReason?.contains("server's packets are not in the capture") == true, "\(name)")
            #expect(session.totalLength == wanted.totalLength, "\(name): total length")
            #expect(session.requests.map { $0.type.description } == wanted.requests.map(\.type), "\(name): requests")
            #expect(session.requests.allSatisfy { $0.status == nil }, "\(name): no Ack was captured")
            #expect(session.connections.count == wanted.connectionCount, "\(name): connections")
        }
    }

    @Test("from the server's packets alone: sessions from the Acks, bytes acknowledged, outcome unknown",
          arguments: names)
    func serverSideOnly(name: String) throws {
        try checkOneSided(name, keeping: .serverToClient, seed: 22) { session, wanted in
            #expect(session.stateReason?.contains("client's packets are not in the capture") == true, "\(name)")
            #expect(session.bytesAcknowledged == wanted.bytesAcknowledged, "\(name): bytes acknowledged")
        }
    }

    /// Analyses scenario `name` captured in `direction` only: one session per expected session, each
    /// with the expected ID and state `unknown` and what `check` asks of it, one `capture-one-sided`
    /// notice per connection, and nothing of severity warning or above.
    private func checkOneSided(
        _ name: String, keeping direction: FlowDirection, seed: UInt64,
        _ check: (BITSSession, ExpectedBITSSession) -> Void
    ) throws {
        let scenario = try Self.build(name, keeping: direction, seed: seed)
        let (bits, findings) = try BITSScenarioTests.analyse(scenario.captureScenario.pcapFile())
        let sessions = bits.sessions
        let expected = scenario.expected.sessions
        try #require(sessions.count == expected.count, "\(name): \(sessions.map(\.sessionID))")
        for (session, wanted) in zip(sessions, expected) {
            #expect(session.sessionID == wanted.sessionID, "\(name): session ID")
            #expect(session.state == .unknown, "\(name): \(session.state)")
            check(session, wanted)
        }
        try checkFindings(findings, connections: scenario.conversations.count, context: name)
    }

    @Test("a capture of both directions never reports capture-one-sided, even picked up mid-stream")
    func bothSidesAreNotOneSided() throws {
        for name in ["midstream-capture", "three-connections", "orphaned-half"] {
            let scenario = try #require(BITSScenarioCatalog.named(name)).build(seed: 23)
            let (_, findings) = try BITSScenarioTests.analyse(scenario.captureScenario.pcapFile())
            #expect(!findings.findings.contains { $0.code == .captureOneSided }, "\(name)")
        }
    }

    /// One `capture-one-sided` notice per connection, and nothing that needs the missing side.
    private func checkFindings(_ findings: FindingCollector, connections: Int, context: String) throws {
        let notices = findings.findings.filter { $0.code == .captureOneSided }
        #expect(notices.count == connections, "\(context): \(notices.map(\.message))")
        #expect(Set(notices.compactMap(\.connection)).count == connections, "\(context)")
        let serious = findings.findings.filter { $0.severity >= .warning }
        #expect(serious.isEmpty, "\(context): \(serious.map { "\($0.code): \($0.message)" })")
    }
}
