import ArgumentParser
import Foundation

/// `bits-loopback client`: runs one scenario (or all) against a server and writes a JSON manifest.
struct ClientCommand: ParsableCommand {
    /// Command-line description.
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Run an upload scenario against a BITS server and write a JSON manifest of what was done.",
        discussion: "Scenarios: \(LoopbackScenario.allCases.map(\.rawValue).joined(separator: ", ")), or all."
    )

    @Option(help: "Server TCP port.")
    var port: UInt16

    @Option(help: "Server IPv4 address.")
    var host = "127.0.0.1"

    @Option(help: "Scenario name, or 'all' for every scenario in turn.")
    var scenario: String

    @Option(help: "Seed of the uploaded file contents.")
    var seed: UInt64 = 1

    @Option(help: "Where to write the JSON manifest.")
    var manifest: String

    @Option(help: "Seconds any socket operation may take.")
    var timeout: Int = 30

    /// Rejects unknown scenarios and unusable timeouts.
    func validate() throws {
        guard scenario == "all" || LoopbackScenario(rawValue: scenario) != nil else {
            throw ValidationError("unknown scenario '\(scenario)'")
        }
        guard (1...600).contains(timeout) else { throw ValidationError("--timeout must be 1...600 seconds") }
    }

    /// Runs the scenarios, then writes the manifest. Exits non-zero if any scenario fails.
    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let scenarios = scenario == "all" ? LoopbackScenario.allCases : [LoopbackScenario(rawValue: scenario)!]
        let runner = ScenarioRunner(host: host, port: port, seed: seed, timeoutSeconds: timeout)
        var result = UploadManifest(scenario: scenario, sessions: [], uploadBytes: 0)
        for scenario in scenarios {
            do {
                let (session, uploaded) = try runner.run(scenario)
                result.sessions.append(session)
                result.uploadBytes += uploaded
            } catch {
                throw ClientError(description: "scenario \(scenario.rawValue): \(error)")
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(result).write(to: URL(fileURLWithPath: manifest))
    }
}
