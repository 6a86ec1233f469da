import Foundation
import Testing

/// Each client scenario against a real server: the manifest says what was done, and the server's own
/// account of the session agrees with it byte for byte.
@Suite(.serialized) struct ScenarioTests {
    /// What a scenario must do, written independently of the client's own tables.
    struct Expectation: CustomTestStringConvertible, Sendable {
        var name: String
        var state: String
        var findings: [String]
        var serverState: String
        /// Bytes the server must hold: the whole file, or this fraction's numerator and denominator.
        var storedFraction: (Int, Int)
        var connections: Int
        var lastRequest: String
        var testDescription: String { name }
    }

    static let expectations = [
        Expectation(name: "clean", state: "completed", findings: [], serverState: "closed", storedFraction: (1, 1),
                    connections: 1, lastRequest: "close-session"),
        Expectation(name: "large", state: "completed", findings: [], serverState: "closed", storedFraction: (1, 1),
                    connections: 1, lastRequest: "close-session"),
        Expectation(name: "reconnect", state: "completed", findings: ["session-multi-connection"],
                    serverState: "closed", storedFraction: (1, 1), connections: 2, lastRequest: "close-session"),
        Expectation(name: "orphaned", state: "orphaned", findings: ["orphaned-session"], serverState: "receiving",
                    storedFraction: (1, 3), connections: 1, lastRequest: "fragment"),
        Expectation(name: "partial-close", state: "closed-partial", findings: ["partial-file-close"],
                    serverState: "closed", storedFraction: (1, 2), connections: 1, lastRequest: "close-session"),
        Expectation(name: "cancel", state: "cancelled", findings: [], serverState: "cancelled",
                    storedFraction: (1, 4), connections: 1, lastRequest: "cancel-session"),
    ]

    @Test("A scenario uploads what its manifest says, and the server stored exactly that", arguments: expectations)
    func scenario(_ expected: Expectation) throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let manifest = try LoopbackCapture.runClient(port: server.port, scenario: expected.name)
        let report = try server.stop()
        #expect(manifest.scenario == expected.name)
        try #require(manifest.sessions.count == 1)
        try check(manifest.sessions[0], against: expected, report: report)
        #expect(manifest.uploadBytes == fragmentBytes(manifest.sessions[0]))
    }

    @Test("--scenario all runs every scenario in order, each in its own session")
    func allScenarios() throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let manifest = try LoopbackCapture.runClient(port: server.port, scenario: "all")
        let report = try server.stop()
        #expect(manifest.scenario == "all")
        try #require(manifest.sessions.count == Self.expectations.count)
        for (session, expected) in zip(manifest.sessions, Self.expectations) {
            try check(session, against: expected, report: report)
        }
        #expect(Set(manifest.sessions.map(\.sessionID)).count == manifest.sessions.count)
        #expect(report.sessions.map(\.sessionID) == manifest.sessions.map(\.sessionID))
        #expect(manifest.uploadBytes == manifest.sessions.map(fragmentBytes).reduce(0, +))
    }

    @Test("The seed decides the file contents")
    func seedDeterminesContents() throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let first = try LoopbackCapture.runClient(port: server.port, scenario: "clean", seed: 7)
        let again = try LoopbackCapture.runClient(port: server.port, scenario: "clean", seed: 7)
        let other = try LoopbackCapture.runClient(port: server.port, scenario: "clean", seed: 8)
        #expect(first.sessions.first?.sha256 == again.sessions.first?.sha256)
        #expect(first.sessions.first?.sha256 != other.sessions.first?.sha256)
        #expect(first.sessions.first?.sessionID != again.sessions.first?.sessionID)
    }

    @Test("The client fails (non-zero exit) for an unknown scenario and for a port nobody listens on")
    func clientFailures() throws {
        let manifest = FileManager.default.temporaryDirectory.appendingPathComponent("unused-\(UUID().uuidString)").path
        let unknown = try LoopbackProcess.runLoopback(
            ["client", "--port", "9", "--scenario", "nope", "--manifest", manifest])
        #expect(unknown.status != 0)
        // A server that has stopped leaves a port that refuses connections.
        let server = try LoopbackServer()
        let port = server.port
        _ = try server.stop()
        let refused = try LoopbackProcess.runLoopback(
            ["client", "--port", String(port), "--scenario", "clean", "--manifest", manifest])
        #expect(refused.status != 0)
        #expect(!FileManager.default.fileExists(atPath: manifest))
    }

    /// Checks one manifest session against its expectation and the server's report.
    private func check(
        _ session: LoopbackManifest.Session, against expected: Expectation, report: LoopbackServerReport
    ) throws {
        #expect(session.expectedState == expected.state, "\(expected.name)")
        #expect(session.expectedFindings == expected.findings, "\(expected.name)")
        #expect(session.connections == expected.connections, "\(expected.name)")
        #expect(session.requests.first?.type == "create-session")
        #expect(session.requests.last?.type == expected.lastRequest, "\(expected.name)")
        #expect(session.requests.allSatisfy { $0.status == 200 }, "\(expected.name)")
        #expect(session.requests.contains { $0.type == "ping" } == (expected.connections > 1), "\(expected.name)")
        // Fragments are contiguous from 0, each acknowledged at last + 1.
        var offset = 0
        for request in session.requests where request.type == "fragment" {
            let range = try #require(request.range)
            #expect(range == [offset, range[1], session.totalLength], "\(expected.name)")
            #expect(request.received == range[1] + 1, "\(expected.name)")
            offset = range[1] + 1
        }
        let (numerator, denominator) = expected.storedFraction
        #expect(offset == session.totalLength * numerator / denominator, "\(expected.name)")
        let stored = try #require(report.session(session.sessionID), "server does not know \(session.sessionID)")
        #expect(stored.state == expected.serverState, "\(expected.name)")
        #expect(stored.storedBytes == offset, "\(expected.name)")
        #expect(stored.totalLength == session.totalLength, "\(expected.name)")
        #expect(stored.connections == session.connections, "\(expected.name)")
        // The integrity check: the server's bytes are the client's file exactly when all were sent.
        #expect((stored.sha256 == session.sha256) == (offset == session.totalLength), "\(expected.name)")
    }

    private func fragmentBytes(_ session: LoopbackManifest.Session) -> Int {
        session.requests.compactMap(\.range).map { $0[1] - $0[0] + 1 }.reduce(0, +)
    }
}
