import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A capture of real BITS traffic on loopback together with what the client and server say happened.
struct LoopbackRecording {
    /// The pcap file tcpdump wrote (the caller deletes it when done).
    var pcapPath: String
    /// What the client did (merged over the scenarios run).
    var manifest: LoopbackManifest
    /// What the server stored.
    var serverReport: LoopbackServerReport
    /// The server's TCP port (the capture filter).
    var port: UInt16
    /// What tcpdump printed (its packet counts, e.g. "0 packets dropped by kernel").
    var tcpdumpReport: String
}

/// Records `bits-loopback` scenarios with `tcpdump -i lo`: the loopback-capture helper for tests
/// that compare the analyzer's timeline with the manifest. Needs root and tcpdump.
enum LoopbackCapture {
    /// Why recording is impossible here (not root, or no tcpdump), or nil when it is possible.
    static var unavailableReason: String? {
        if getuid() != 0 { return "capturing on lo needs root (CI runs as root)" }
        if tcpdumpURL == nil { return "tcpdump is not installed" }
        return nil
    }

    /// The tcpdump binary, if any.
    static var tcpdumpURL: URL? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"]
        return folders.map { URL(fileURLWithPath: $0).appendingPathComponent("tcpdump") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Starts a server and tcpdump, runs the client once per entry of `scenarios` (a scenario name or
    /// `all`) on fresh connections, stops tcpdump (SIGINT) and the server, and returns the capture
    /// with the merged manifest. Every process is bounded in time and ended on every path. Throws if
    /// recording is unavailable or any step fails.
    static func record(scenarios: [String] = ["all"], seed: UInt64 = 1) throws -> LoopbackRecording {
        if let reason = unavailableReason { throw LoopbackProcessError(description: reason) }
        guard let tcpdump = tcpdumpURL else { throw LoopbackProcessError(description: "tcpdump is not installed") }
        let server = try LoopbackServer()
        defer { server.terminate() }
        let pcapPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("bits-loopback-\(UUID().uuidString).pcap").path
        // --immediate-mode and -U: every packet reaches the file at once (by default the kernel hands
        // them over in blocks up to a second late, and a stop would lose the tail); -B: a 32 MiB ring
        // for the bursts of a 6 MiB upload; -Z root: keep the right to write pcapPath after opening lo.
        let capture = try LoopbackProcess(tcpdump, [
            "-i", "lo", "-n", "--immediate-mode", "-U", "-B", "32768", "-Z", "root", "-w", pcapPath,
            "tcp port \(server.port)",
        ])
        defer { capture.terminate() }
        let listening = LoopbackProcess.poll(for: 30) {
            capture.errorText.contains("listening on") || !capture.isRunning
        }
        guard listening, capture.isRunning else {
            throw LoopbackProcessError(description: "tcpdump did not start: \(capture.errorText)")
        }
        let manifest = try runClients(port: server.port, scenarios: scenarios, seed: seed)
        waitUntilStopsGrowing(pcapPath)
        try capture.stop(signal: SIGINT)
        let report = try server.stop()
        return LoopbackRecording(
            pcapPath: pcapPath, manifest: manifest, serverReport: report, port: server.port,
            tcpdumpReport: capture.errorText)
    }

    /// Runs `bits-loopback client` for each of `scenarios` in turn against `port`; one manifest for
    /// all of them (the scenarios joined with commas, every session, the bytes uploaded in all).
    static func runClients(port: UInt16, scenarios: [String], seed: UInt64 = 1) throws -> LoopbackManifest {
        var sessions: [LoopbackManifest.Session] = []
        var uploadBytes = 0
        for scenario in scenarios {
            let manifest = try runClient(port: port, scenario: scenario, seed: seed)
            sessions += manifest.sessions
            uploadBytes += manifest.uploadBytes
        }
        return LoopbackManifest(scenario: scenarios.joined(separator: ","), sessions: sessions, uploadBytes: uploadBytes)
    }

    /// Runs `bits-loopback client` for `scenario` against `port` and decodes its manifest. Throws if the
    /// client fails or takes longer than 60 s.
    /// Waits until the capture file at `path` has stopped growing for half a second (at most 10 s),
    /// so the last FIN/ACK exchange is in it. A bound on waiting, not a timing assertion.
    static func waitUntilStopsGrowing(_ path: String) {
        var lastSize = -1
        var stableSince = Date()
        _ = LoopbackProcess.poll(for: 10) {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size != lastSize {
                lastSize = size
                stableSince = Date()
            }
            return Date().timeIntervalSince(stableSince) >= 0.5
        }
    }

    static func runClient(port: UInt16, scenario: String, seed: UInt64 = 1) throws -> LoopbackManifest {
        let manifestPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("bits-loopback-manifest-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: manifestPath) }
        let client = try LoopbackProcess.runLoopback([
            "client", "--port", String(port), "--scenario", scenario, "--seed", String(seed),
            "--manifest", manifestPath,
        ], timeout: 60)
        guard client.status == 0 else {
            throw LoopbackProcessError(description: "client exited \(client.status): \(client.errorText)")
        }
        return try JSONDecoder().decode(LoopbackManifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
    }
}
