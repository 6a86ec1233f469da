import ArgumentParser
import Foundation

/// `bits-loopback server`: serves BITS uploads until `--duration` ends or SIGINT/SIGTERM arrives, then
/// prints a JSON summary of its sessions to standard output and exits 0.
struct ServerCommand: ParsableCommand {
    /// Command-line description.
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run a BITS upload server (IIS-like Acks); print a JSON summary of its sessions on exit."
    )

    @Option(help: "TCP port to listen on (0 picks a free one; see --ready-file).")
    var port: UInt16

    @Option(help: "IPv4 address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Seconds to serve before stopping (at most 86400).")
    var duration: Double = 300

    @Option(name: .customLong("ready-file"), help: "Write the listening port to this file once listening.")
    var readyFile: String?

    /// Rejects durations that would not bound the run.
    func validate() throws {
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration must be in (0, 86400]") }
    }

    /// Serves, then prints `{"sessions": [...]}`.
    func run() throws {
        // Before any thread exists, so that every thread leaves the stop signals to the accept loop.
        BITSServer.blockStopSignals()
        let server = try BITSServer(host: host, port: port)
        let actualPort = server.port ?? port
        if let readyFile {
            // Written whole then renamed, so a reader never sees a partial file.
            let temporary = readyFile + ".tmp"
            try Data("\(actualPort)\n".utf8).write(to: URL(fileURLWithPath: temporary))
            try FileManager.default.moveItem(atPath: temporary, toPath: readyFile)
        }
        FileHandle.standardError.write(Data("bits-loopback: listening on \(host):\(actualPort)\n".utf8))
        try server.run(until: Date().addingTimeInterval(duration))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let summary = try encoder.encode(["sessions": server.store.summaries()])
        FileHandle.standardOutput.write(summary + Data("\n".utf8))
    }
}
