import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A running `bits-loopback server` on 127.0.0.1 and a free port (the server picks it and reports it
/// through a ready file, so no port can be taken in between).
final class LoopbackServer {
    /// The port the server listens on.
    let port: UInt16
    private let child: LoopbackProcess

    /// Starts a server that stops by itself after `duration` seconds at the latest. Throws if it does
    /// not report its port within 30 s.
    init(duration: Int = 120) throws {
        let readyFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("bits-loopback-ready-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: readyFile) }
        let launched = try LoopbackProcess(LoopbackProcess.loopbackExecutable, [
            "server", "--port", "0", "--duration", String(duration), "--ready-file", readyFile,
        ])
        let announced = LoopbackProcess.poll(for: 30) {
            FileManager.default.fileExists(atPath: readyFile) || !launched.isRunning
        }
        let text = (try? String(contentsOfFile: readyFile, encoding: .utf8)) ?? ""
        guard announced, let port = UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            launched.terminate()
            throw LoopbackProcessError(description: "server did not report its port; stderr: \(launched.errorText)")
        }
        self.port = port
        child = launched
    }

    /// Whether the server process is still running.
    var isRunning: Bool { child.isRunning }

    /// Stops the server with `signal`, checks it exited 0 and returns the summary it printed.
    func stop(signal: Int32 = SIGTERM) throws -> LoopbackServerReport {
        try child.stop(signal: signal)
        return try report()
    }

    /// Waits up to `timeout` seconds for the server to stop by itself, then returns its summary.
    func waitForExit(timeout: TimeInterval) throws -> LoopbackServerReport {
        try child.wait(timeout: timeout)
        return try report()
    }

    /// Ends the server whatever its state (for `defer`).
    func terminate() { child.terminate() }

    private func report() throws -> LoopbackServerReport {
        guard child.status == 0 else {
            throw LoopbackProcessError(description: "server exited \(child.status); stderr: \(child.errorText)")
        }
        return try JSONDecoder().decode(LoopbackServerReport.self, from: child.output)
    }
}
