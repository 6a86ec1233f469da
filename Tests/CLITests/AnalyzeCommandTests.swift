import Foundation
import Testing
import TrafficSynthesis

@Suite struct AnalyzeCommandTests {
    static let bitsSamples = (BITSSamples.all() + FieldSamples.all()).map(\.fileName)

    /// A JSON value as a comparable string.
    static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "null"
        case let number as NSNumber: return number.stringValue
        case let string as String: return string
        default: return "\(value!)"
        }
    }

    @Test("analyze --json gives, for every BITS and field sample, the sessions and findings the generator expects",
          arguments: bitsSamples)
    func sampleMatchesExpected(name: String) throws {
        let result = try CLIRunner.run(["analyze", "--json", "-", "samples/\(name)"])
        #expect(result.status == 0, "\(result.standardError)")
        let document = try CLIRunner.json(result.standardOutput)
        #expect(document["format"] as? String == "bitsnoop-timeline")
        #expect(document["version"] as? Int == 1)
        let expected = try CLIRunner.json(Data(contentsOf: CLIRunner.repositoryRoot
            .appendingPathComponent("samples/expected/\(name).json")))
        let sessions = try #require(document["sessions"] as? [[String: Any]])
        let wanted = try #require(expected["sessions"] as? [[String: Any]])
        #expect(sessions.count == wanted.count, "\(name): sessions")
        for (actual, want) in zip(sessions, wanted) {
            #expect(Self.text(actual["session_id"]) == Self.text(want["sessionID"]), "\(name): id")
            #expect(Self.text(actual["state"]) == Self.text(want["state"]), "\(name): state")
            #expect(Self.text(actual["total_length"]) == Self.text(want["totalLength"]), "\(name): total")
            #expect(Self.text(actual["bytes_acknowledged"]) == Self.text(want["bytesAcknowledged"]), "\(name): acked")
            #expect((actual["connections"] as? [Any])?.count == want["connectionCount"] as? Int, "\(name): connections")
            let requests = (actual["requests"] as? [[String: Any]] ?? []).map { "\(Self.text($0["type"])) \(Self.text($0["status"]))" }
            let wantedRequests = (want["requests"] as? [[String: Any]] ?? []).map { "\(Self.text($0["type"])) \(Self.text($0["status"]))" }
            #expect(requests == wantedRequests, "\(name): requests")
            #expect(((actual["findings"] as? [String]) ?? []).sorted() == (want["findings"] as? [String] ?? []), "\(name): codes")
        }
        let findings = (document["findings"] as? [[String: Any]] ?? []).map { "\(Self.text($0["code"])) \(Self.text($0["session_id"]))" }
        let wantedFindings = (expected["findings"] as? [[String: Any]] ?? []).map { "\(Self.text($0["code"])) \(Self.text($0["sessionID"]))" }
        #expect(findings.sorted() == wantedFindings.sorted(), "\(name): findings")
        for finding in document["findings"] as? [[String: Any]] ?? [] {
            #expect(["error", "warning", "notice", "info"].contains(Self.text(finding["severity"])))
            #expect(!(Self.text(finding["message"]).isEmpty))
        }
    }

    @Test("the checked-in BITS samples are exactly what `bitsnoop-gen samples` writes")
    func samplesAreRegenerable() throws {
        let folder = CLIRunner.repositoryRoot.appendingPathComponent("samples")
        for sample in BITSSamples.all() + FieldSamples.all() {
            let onDisk = try Data(contentsOf: folder.appendingPathComponent(sample.fileName))
            #expect(onDisk == Data(sample.bytes), "\(sample.fileName) differs: run `swift run bitsnoop-gen samples`")
            let expected = try String(contentsOf: folder.appendingPathComponent("expected/\(sample.fileName).json"),
                                      encoding: .utf8)
            #expect(expected == sample.expectedJSON)
        }
    }

    @Test("--fail-on sets exit status 1 only when a finding at or above the severity exists")
    func failOn() throws {
        let clean = "samples/bits-clean-upload.pcap"
        let broken = "samples/bits-close-halfway.pcap"  // partial-file-close is an error
        #expect(try CLIRunner.run(["analyze", clean]).status == 0)
        #expect(try CLIRunner.run(["analyze", "--fail-on", "info", clean]).status == 0)
        #expect(try CLIRunner.run(["analyze", broken]).status == 0)
        #expect(try CLIRunner.run(["analyze", "--fail-on", "error", broken]).status == 1)
        #expect(try CLIRunner.run(["analyze", "--fail-on", "warning", broken]).status == 1)
        let onlyInfo = "samples/bits-three-connections.pcap"  // session-multi-connection is info
        #expect(try CLIRunner.run(["analyze", "--fail-on", "notice", onlyInfo]).status == 0)
        #expect(try CLIRunner.run(["analyze", "--fail-on", "info", onlyInfo]).status == 1)
        #expect(try CLIRunner.run(["analyze", "--fail-on", "bogus", clean]).status == 64)
        #expect(try CLIRunner.run(["analyze", "--fail-on", "error", "/nonexistent.pcap"]).status == 2)
    }

    @Test("the summary lists each session and its findings under it, most severe first")
    func summaryText() throws {
        let result = try CLIRunner.run(["analyze", "samples/bits-ignored-416.pcap"])
        let lines = result.text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("session") == true)
        #expect(lines.contains { $0.contains("completed") && $0.contains("100% of 26.3 KiB") && $0.hasSuffix(" 3") })
        let heading = try #require(lines.firstIndex(of:
            "session {9187F33B-D6D2-4DC3-B0E3-CABE748C6117}  completed  /upload/report.pdf"))
        let warning = try #require(lines.firstIndex { $0.hasPrefix("  warning  fragment-gap  conn 1") })
        let info = try #require(lines.firstIndex { $0.hasPrefix("  info     out-of-sync-416  conn 1") })
        #expect(heading < warning && warning < info)
    }

    @Test("a refused upload's row says why (status and HRESULT name), and its finding is listed under it")
    func refusedRow() throws {
        let result = try CLIRunner.run(["analyze", "samples/bits-create-refused.pcap"])
        let lines = result.text.split(separator: "\n").map(String.init)
        let row = try #require(lines.dropFirst().first)
        #expect(row.hasPrefix("(no ID) ") && row.contains("  rejected  ") && row.contains("  403 E_ACCESSDENIED  "), "\(row)")
        let heading = try #require(lines.firstIndex(of: "session (no ID)  rejected: 403 E_ACCESSDENIED  /upload/crashdump.dmp"))
        #expect(lines[heading + 1].hasPrefix("  info     access-denied  conn 1  create-session answered 403"), "\(lines[heading + 1])")
        #expect(!result.text.contains("not tied to a session"))
    }

    @Test("a BPF filter that excludes the upload leaves no session; several files are one capture")
    func filterAndFiles() throws {
        let sample = "samples/bits-three-connections.pcap"
        let filtered = try CLIRunner.run(["analyze", "--json", "-", "-f", "tcp port 1", sample])
        #expect(filtered.status == 0)
        #expect((try CLIRunner.json(filtered.standardOutput)["sessions"] as? [Any])?.isEmpty == true)
        let two = try CLIRunner.run(["analyze", "--json", "-", sample, "samples/bits-clean-upload.pcap"])
        #expect((try CLIRunner.json(two.standardOutput)["sessions"] as? [Any])?.count == 2)
    }

    @Test("on one core (`taskset -c 0`) or two, analyze writes the same timeline and summary")
    func oneCoreOrTwo() throws {
        // Two cores: reading on one thread, the analysis on another; one core: a single thread.
        for sample in ["samples/bits-clean-upload.pcap", "samples/bits-gap-416-fixed.pcap",
                       "samples/bits-three-connections.pcap", "samples/streams-tunnel-vxlan.pcap"] {
            let two = try CLIRunner.run(["analyze", "--json", "-", sample])
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
            process.arguments = ["-c", "0", CLIRunner.executable.path, "analyze", "--json", "-", sample]
            process.currentDirectoryURL = CLIRunner.repositoryRoot
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let one = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && two.status == 0, "\(sample)")
            #expect(!one.isEmpty && one == two.standardOutput, "\(sample): one core and two differ")
        }
    }

    /// How a run on `cores` (`taskset -c`) ended: its status (or signal), standard error, and
    /// standard output (unless `closedOutput`: a pipe whose reading end is closed before it starts).
    static func run(_ arguments: [String], cores: String, closedOutput: Bool) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
        process.arguments = ["-c", cores, CLIRunner.executable.path] + arguments
        process.currentDirectoryURL = CLIRunner.repositoryRoot
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        if closedOutput { try output.fileHandleForReading.close() }
        try process.run()
        try output.fileHandleForWriting.close()
        let errorReader = BackgroundRead(error.fileHandleForReading)
        let printed = closedOutput ? Data() : output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return "\(process.terminationReason == .uncaughtSignal ? "signal" : "status") \(process.terminationStatus)\n"
            + String(decoding: errorReader.data(), as: UTF8.self) + String(decoding: printed, as: UTF8.self)
    }

    @Test("a timeline that cannot be written (disk full, a closed pipe) ends the run as on one core, where the analysing thread writes it")
    func unwritableTimeline() throws {
        // Some 600 KB of timeline: several pieces, on one core and on the writing thread.
        let capture = try ManySessionsCapture.file(scenarios: 200)
        defer { try? FileManager.default.removeItem(atPath: capture) }
        for (arguments, closed) in [(["analyze", "--json", "/dev/full", capture], false),
                                    (["analyze", "--json", "-", capture], true)] {
            let one = try Self.run(arguments, cores: "0", closedOutput: closed)
            let two = try Self.run(arguments, cores: "0,1", closedOutput: closed)
            #expect(one == two, "\(arguments)")
            // Today a full disk goes unreported (status 0, the summary printed) and a closed pipe
            // ends the run with SIGPIPE, unless it is ignored (then as the full disk).
            #expect(one.hasPrefix("status 0") || one.hasPrefix("signal \(SIGPIPE)"), "\(one.prefix(200))")
        }
    }
}
