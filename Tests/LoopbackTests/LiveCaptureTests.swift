import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `bitsnoop live -i lo` against our BITS server and client on real sockets.
@Suite(.serialized) struct LiveCaptureTests {
    static let unavailable = LoopbackCapture.unavailableReason
    static var bitsnoop: URL { LoopbackProcess.builtExecutable("bitsnoop") }

    /// A temporary path.
    static func temporary(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-live-\(UUID().uuidString)\(suffix)").path
    }

    /// Parses NDJSON: one object per line.
    static func events(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "line: \(line)")
        }
    }

    @Test("live sniffing follows every scenario; after SIGINT its timeline equals analyze of its -w capture",
          .enabled(if: unavailable == nil, Comment(rawValue: unavailable ?? "")))
    func liveMatchesAnalyzeAndClient() throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let (pcap, timeline, ndjson) = (Self.temporary(".pcap"), Self.temporary(".json"), Self.temporary(".ndjson"))
        defer { for path in [pcap, timeline, ndjson] { try? FileManager.default.removeItem(atPath: path) } }
        let live = try LoopbackProcess(Self.bitsnoop, [
            "live", "-i", "lo", "-f", "tcp port \(server.port)", "-w", pcap, "--json", timeline,
            "--json-lines", ndjson, "--duration", "120",
        ])
        defer { live.terminate() }
        #expect(LoopbackProcess.poll(for: 30) { live.errorText.contains("listening on lo") || !live.isRunning })
        try #require(live.isRunning, "live did not start: \(live.errorText)")

        let manifest = try LoopbackCapture.runClient(port: server.port, scenario: "all")
        // The last session ends with the client's last request; wait (bounded) for its event.
        let ended = LoopbackProcess.poll(for: 20) {
            ((try? Self.events(ndjson)) ?? []).filter { $0["event"] as? String == "session-ended" }.count
                >= manifest.sessions.count - 1
        }
        #expect(ended, "session-ended events did not arrive")
        try live.stop(signal: SIGINT, timeout: 10)
        #expect(live.status == 0, "\(live.errorText)")

        // The timeline matches what the client did.
        let liveDocument = try TimelineComparison.document(Data(contentsOf: URL(fileURLWithPath: timeline)))
        TimelineComparison.check(liveDocument, against: manifest, label: "live")

        // It equals analyze's timeline of the -w capture, sessions and findings alike.
        let analyze = try LoopbackProcess(Self.bitsnoop, ["analyze", "--json", "-", pcap])
        try analyze.wait(timeout: 60)
        let offline = try TimelineComparison.document(analyze.output)
        #expect(NSDictionary(dictionary: ["s": liveDocument["sessions"] ?? []])
                .isEqual(to: ["s": offline["sessions"] ?? []]), "sessions differ")
        #expect(NSDictionary(dictionary: ["f": liveDocument["findings"] ?? []])
                .isEqual(to: ["f": offline["findings"] ?? []]), "findings differ")

        // The NDJSON stream: one object per line, each event kind as many times as it happened.
        let events = try Self.events(ndjson)
        let kinds = events.map { $0["event"] as? String ?? "?" }
        #expect(kinds.filter { $0 == "session-created" }.count == manifest.sessions.count)
        #expect(kinds.filter { $0 == "session-ended" }.count == manifest.sessions.count)
        #expect(kinds.filter { $0 == "request" }.count == manifest.sessions.reduce(0) { $0 + $1.requests.count })
        #expect(kinds.filter { $0 == "finding" }.count == (liveDocument["findings"] as? [Any])?.count)
        #expect(kinds.last == "stats")
        #expect(events.last?["pcap_dropped"] != nil && events.last?["packets"] != nil)
        let endedStates = events.filter { $0["event"] as? String == "session-ended" }.compactMap { $0["state"] as? String }
        #expect(endedStates.sorted() == manifest.sessions.map(\.expectedState).sorted())

        // People get one line per event and a closing summary with libpcap's counters.
        let text = String(decoding: live.output, as: UTF8.self)
        #expect(text.contains("created: /upload/"))
        #expect(text.contains("ended: completed"))
        #expect(text.contains("dropped by kernel"))
        _ = try server.stop()
    }

    @Test("-c (tcpdump's count, --count) and --duration stop by themselves with status 0",
          .enabled(if: unavailable == nil, Comment(rawValue: unavailable ?? "")))
    func stopConditions() throws {
        let byDuration = try LoopbackProcess(Self.bitsnoop, ["live", "-i", "lo", "--duration", "1", "-f", "tcp port 9"])
        try byDuration.wait(timeout: 20)
        #expect(byDuration.status == 0, "\(byDuration.errorText)")
        #expect(String(decoding: byDuration.output, as: UTF8.self).contains("0 sessions"))

        let server = try LoopbackServer()
        defer { server.terminate() }
        let byCount = try LoopbackProcess(Self.bitsnoop, [
            "live", "-i", "lo", "-f", "tcp port \(server.port)", "-c", "5", "--json-lines", "-",
            "--duration", "60",
        ])
        defer { byCount.terminate() }
        #expect(LoopbackProcess.poll(for: 30) { byCount.errorText.contains("listening on lo") || !byCount.isRunning })
        _ = try LoopbackCapture.runClient(port: server.port, scenario: "clean")
        try byCount.wait(timeout: 20)
        #expect(byCount.status == 0, "\(byCount.errorText)")
        let last = String(decoding: byCount.output, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.contains("\"event\":\"stats\"") && last.contains("\"packets\":5"))
    }

    @Test("an unknown interface is one line on stderr and status 2; -D lists lo")
    func interfaceErrors() throws {
        let unknown = try LoopbackProcess(Self.bitsnoop, ["live", "-i", "nosuchif0"])
        try unknown.wait(timeout: 20)
        #expect(unknown.status == 2)
        let lines = unknown.errorText.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("nosuchif0"), "\(unknown.errorText)")
        #expect(lines.first?.contains("list them with 'bitsnoop live -D'") == true, "\(unknown.errorText)")

        let list = try LoopbackProcess(Self.bitsnoop, ["live", "-D"])
        try list.wait(timeout: 20)
        #expect(list.status == 0)
        #expect(String(decoding: list.output, as: UTF8.self).contains(".lo"))
    }

    @Test("-w into a missing folder: one line naming the path once, with the system's reason; status 2",
          .enabled(if: unavailable == nil, Comment(rawValue: unavailable ?? "")))
    func writeIntoMissingFolder() throws {
        let path = "/nonexistent-\(UUID().uuidString)/live.pcap"
        let run = try LoopbackProcess(Self.bitsnoop, ["live", "-i", "lo", "-w", path, "--duration", "1"])
        try run.wait(timeout: 20)
        #expect(run.status == 2)
        #expect(run.errorText == "bitsnoop: \(path): cannot write: No such file or directory\n", "\(run.errorText)")
    }

    @Test("live's lines are coloured with --color always, as analyze's: states and severities in colour",
          .enabled(if: unavailable == nil, Comment(rawValue: unavailable ?? "")))
    func colouredLines() throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let live = try LoopbackProcess(Self.bitsnoop, [
            "live", "-i", "lo", "-f", "tcp port \(server.port)", "--color", "always", "--duration", "60",
        ])
        defer { live.terminate() }
        #expect(LoopbackProcess.poll(for: 30) { live.errorText.contains("listening on lo") || !live.isRunning })
        _ = try LoopbackCapture.runClient(port: server.port, scenario: "clean")
        #expect(LoopbackProcess.poll(for: 20) { String(decoding: live.output, as: UTF8.self).contains("ended: ") })
        try live.stop(signal: SIGINT, timeout: 10)
        let text = String(decoding: live.output, as: UTF8.self)
        #expect(text.contains("\u{1B}[1mcreated\u{1B}[0m: /upload/"), "\(text)")
        #expect(text.contains("ended: \u{1B}[32mcompleted\u{1B}[0m"), "\(text)")
        #expect(text.contains("session: \u{1B}[32m1 completed\u{1B}[0m"), "the summary: \(text)")
        let plain = try LoopbackProcess(Self.bitsnoop, ["live", "-i", "lo", "--color", "never", "--duration", "1",
                                                        "-f", "tcp port 9"])
        try plain.wait(timeout: 20)
        #expect(!String(decoding: plain.output, as: UTF8.self).contains("\u{1B}["))
    }

    @Test("without capture privileges: one line saying what to do, status 2",
          .enabled(if: getuid() != 0, "running as root: privileges cannot be missing (CI runs as root)"))
    func missingPrivileges() throws {
        let run = try LoopbackProcess(Self.bitsnoop, ["live", "-i", "lo", "--duration", "1"])
        try run.wait(timeout: 20)
        #expect(run.status == 2)
        #expect(run.errorText.contains("root") || run.errorText.contains("CAP_NET_RAW"))
    }
}
