import Foundation
import Testing

/// `bitsnoop-gen bench --tls13 --keylog FILE` as bench/run.sh uses it: the bulk workload over TLS 1.3
/// that `bitsnoop analyze --tls-keylog FILE` reads as the same uploads as the plain workload.
@Suite struct BenchGeneratorTLSCLITests {
    /// Runs the `bitsnoop-gen` built beside `bitsnoop`.
    static func generate(_ arguments: [String]) throws -> CLIRunner.Result {
        let generator = CLIRunner.executable.deletingLastPathComponent().appendingPathComponent("bitsnoop-gen")
        try #require(FileManager.default.isExecutableFile(atPath: generator.path), "bitsnoop-gen is not built")
        let process = Process()
        process.executableURL = generator
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Result(status: process.terminationStatus, standardOutput: outputData,
                                standardError: String(decoding: errorData, as: UTF8.self))
    }

    @Test("bench --tls13 --keylog: analysed with the key log, the plain workload's sessions and findings, each with TLS 1.3 facts")
    func tlsWorkload() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-gen-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = folder.appendingPathComponent("plain.pcap").path
        let tls = folder.appendingPathComponent("tls.pcap").path
        let keys = folder.appendingPathComponent("tls.keys").path
        #expect(try Self.generate(["bench", "--output", plain, "--sessions", "2", "--seed", "4"]).status == 0)
        let made = try Self.generate(["bench", "--output", tls, "--sessions", "2", "--seed", "4", "--tls13", "--keylog", keys])
        #expect(made.status == 0, "\(made.standardError)")
        #expect(try String(contentsOfFile: keys, encoding: .utf8).split(separator: "\n").count == 8)

        let plainRun = try CLIRunner.run(["analyze", "--json", "-", plain])
        let tlsRun = try CLIRunner.run(["analyze", "--json", "-", "--tls-keylog", keys, tls])
        #expect(plainRun.status == 0 && tlsRun.status == 0, "\(tlsRun.standardError)")
        let without = try CLIRunner.json(plainRun.standardOutput)
        let with = try CLIRunner.json(tlsRun.standardOutput)
        let sessions = with["sessions"] as? [[String: Any]] ?? []
        #expect(sessions.count == 2)
        let expected: [String: Any] = ["version": "TLS 1.3", "cipher_suite": "TLS_AES_128_GCM_SHA256", "server_name": "bits.example"]
        #expect(sessions.allSatisfy { NSDictionary(dictionary: $0["tls"] as? [String: Any] ?? [:]).isEqual(to: expected) })
        // The same sessions but for the tls member and the server's port (443 instead of 80).
        func comparable(_ sessions: [[String: Any]]) -> [String] {
            sessions.map { session in
                ["session_id", "state", "url", "total_length", "bytes_acknowledged"].map { "\(session[$0] ?? "-")" }
                    .joined(separator: " ")
            }
        }
        #expect(comparable(sessions) == comparable(without["sessions"] as? [[String: Any]] ?? []))
        #expect((with["findings"] as? [Any])?.isEmpty == true && (without["findings"] as? [Any])?.isEmpty == true)
    }

    @Test("bench --tls13 without --keylog, or --keylog without --tls13: refused before writing")
    func keylogRequired() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-gen-\(UUID().uuidString).pcap").path
        let missing = try Self.generate(["bench", "--output", output, "--sessions", "1", "--tls13"])
        #expect(missing.status != 0 && missing.standardError.contains("--keylog"), "\(missing.standardError)")
        let stray = try Self.generate(["bench", "--output", output, "--sessions", "1", "--keylog", output + ".keys"])
        #expect(stray.status != 0 && stray.standardError.contains("--tls13"), "\(stray.standardError)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
