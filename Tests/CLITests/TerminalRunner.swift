import Foundation
import Testing

/// Runs `bitsnoop` with chosen environment variables, either with pipes (not a terminal) or under
/// a pseudo-terminal made by util-linux `script`, where standard output and standard error are
/// both the terminal and come back mixed.
enum TerminalRunner {
    /// Whether `script` (util-linux) is there to make a pseudo-terminal.
    static let scriptPath: String? = ["/usr/bin/script", "/bin/script"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// What a run printed: `output` is standard output (everything, under a terminal), `error`
    /// standard error (empty under a terminal).
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// Runs `bitsnoop arguments` with `environment` added to (or, with a nil value, removed from)
    /// the test's own; under a pseudo-terminal when `terminal`.
    static func run(_ arguments: [String], environment: [String: String?] = [:], terminal: Bool) throws -> Result {
        let bitsnoop = CLIRunner.executable.path
        try #require(FileManager.default.isExecutableFile(atPath: bitsnoop), "bitsnoop is not built at \(bitsnoop)")
        let process = Process()
        if terminal {
            let script = try #require(scriptPath, "util-linux script is not installed")
            process.executableURL = URL(fileURLWithPath: script)
            let command = ([bitsnoop] + arguments).map(quoted).joined(separator: " ")
            process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        } else {
            process.executableURL = CLIRunner.executable
            process.arguments = arguments
        }
        var merged = ProcessInfo.processInfo.environment
        merged["COLUMNS"] = nil
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        process.currentDirectoryURL = CLIRunner.repositoryRoot
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errorReader = BackgroundRead(error.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      error: String(decoding: errorReader.data(), as: UTF8.self))
    }

    /// `text` quoted for `sh -c`.
    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
