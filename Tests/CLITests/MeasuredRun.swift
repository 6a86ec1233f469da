import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `bitsnoop` under the `peak-rss` helper, which measures exactly that process's peak resident
/// set size. (Measured from the test process itself, through `wait4` or `RUSAGE_CHILDREN`, Linux would
/// charge the child for the test process's own memory: see Sources/peak-rss/main.swift.)
enum MeasuredRun {
    /// How a run ended, what it printed, and its peak memory.
    struct Result {
        /// The exit status; 128 + the signal when a signal ended it.
        var status: Int32
        /// Set when a signal ended the process (a trap shows as SIGILL or SIGTRAP).
        var signal: Int32? { status > 128 ? status - 128 : nil }
        var standardOutput: Data
        var standardError: String
        /// Peak resident set size in bytes.
        var peakResidentBytes: Int
    }

    /// Runs `bitsnoop arguments`, standard output and error going to temporary files. Paths in
    /// `arguments` must be absolute: the process runs in the test process's directory.
    static func run(_ arguments: [String]) throws -> Result {
        let executable = CLIRunner.executable
        let helper = executable.deletingLastPathComponent().appendingPathComponent("peak-rss").path
        try #require(FileManager.default.isExecutableFile(atPath: executable.path), "bitsnoop is not built")
        try #require(FileManager.default.isExecutableFile(atPath: helper), "peak-rss is not built at \(helper)")
        let folder = FileManager.default.temporaryDirectory
        let base = folder.appendingPathComponent("bitsnoop-measured-\(UUID().uuidString)").path
        let (outputPath, errorPath, reportPath) = (base + ".out", base + ".err", base + ".rss")
        defer { [outputPath, errorPath, reportPath].forEach { try? FileManager.default.removeItem(atPath: $0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([helper, reportPath, executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, helper, &actions, nil, argv, environ)
        try #require(spawned == 0, "posix_spawn failed: \(spawned)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            try #require(errno == EINTR, "waitpid failed: \(errno)")
        }
        // The helper always exits normally (WIFEXITED), passing on bitsnoop's status.
        try #require(status & 0x7F == 0, "peak-rss was killed by signal \(status & 0x7F)")
        let report = try String(contentsOfFile: reportPath, encoding: .utf8)
        return Result(
            status: (status >> 8) & 0xFF,
            standardOutput: try Data(contentsOf: URL(fileURLWithPath: outputPath)),
            standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "",
            peakResidentBytes: try #require(Int(report.trimmingCharacters(in: .whitespacesAndNewlines)))
        )
    }
}
