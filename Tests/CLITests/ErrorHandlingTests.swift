import Foundation
import Testing
import TrafficSynthesis

@Suite struct ErrorHandlingTests {
    @Test("--version and --help")
    func versionAndHelp() throws {
        let version = try CLIRunner.run(["--version"])
        #expect(version.status == 0)
        #expect(version.text.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try CLIRunner.run(["--help"])
        #expect(help.status == 0)
        #expect(help.text.contains("streams"))
    }

    @Test("a missing file, a directory and a file that is not a capture: one line on stderr, exit 2")
    func badInputs() throws {
        let notCapture = try CLIRunner.temporaryFile(Array("hello, this is not a capture\n".utf8), suffix: ".txt")
        let empty = try CLIRunner.temporaryFile([])
        defer {
            try? FileManager.default.removeItem(atPath: notCapture)
            try? FileManager.default.removeItem(atPath: empty)
        }
        for path in ["/nonexistent/trace.pcap", "/tmp", notCapture, empty] {
            let result = try CLIRunner.run(["streams", path])
            #expect(result.status == 2, "\(path)")
            let lines = result.standardError.split(separator: "\n")
            #expect(lines.count == 1, "\(path): \(result.standardError)")
            #expect(lines.first?.contains(path) == true, "the message names the file")
            #expect(result.standardOutput.isEmpty)
        }
    }

    @Test("a bad BPF filter and an unwritable JSON path exit 2")
    func badFilterAndOutput() throws {
        let filter = try CLIRunner.run(["streams", "-f", "tcp port banana", "samples/streams-clean.pcap"])
        #expect(filter.status == 2)
        #expect(filter.standardError.contains("banana"))
        let output = try CLIRunner.run(["streams", "--json", "/nonexistent/dir/out.json", "samples/streams-clean.pcap"])
        #expect(output.status == 2)
        #expect(output.standardError.contains("/nonexistent/dir/out.json"))
    }

    @Test("a capture cut inside a record is analysed up to the cut, with a warning and a finding")
    func truncatedCapture() throws {
        let sample = StreamSamples.all()[0].bytes
        let path = try CLIRunner.temporaryFile(Array(sample.prefix(sample.count - 700)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLIRunner.run(["streams", "--json", "-", path])
        #expect(result.status == 0)
        #expect(result.standardError.contains("warning"))
        let document = try CLIRunner.json(result.standardOutput)
        let findings = document["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["code"] as? String == "capture-truncated" })
        #expect((document["connections"] as? [Any])?.count == 3)
    }

    @Test("usage errors: no file, two stdin readers")
    func usageErrors() throws {
        #expect(try CLIRunner.run(["streams"]).status == 64)
        #expect(try CLIRunner.run(["streams", "-", "-"]).status == 64)
    }
}
