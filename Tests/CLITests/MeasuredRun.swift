import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `bitsnoop` as a child process of its own and measures its peak resident set size through
/// `wait4`, which reports the resources of exactly that child (unlike `RUSAGE_CHILDREN`, which
/// mixes in every other child the test process ran).
enum MeasuredRun {
    /// How a run ended, what it printed, and its peak memory.
    struct Result {
        var status: Int32
        /// Set when the child was killed by a signal (a trap shows as SIGILL or SIGTRAP).
        var signal: Int32?
        var standardOutput: Data
        var standardError: String
        /// Peak resident set size in bytes.
        var peakResidentBytes: Int
    }

    /// Bytes per unit of `ru_maxrss`: Linux reports KiB, macOS bytes.
    #if os(Linux)
    private static let residentUnit = 1_024
    #else
    private static let residentUnit = 1
    #endif

    /// Runs `bitsnoop arguments`, standard output and error going to temporary files.
    static func run(_ arguments: [String]) throws -> Result {
        let executable = CLIRunner.executable.path
        try #require(FileManager.default.isExecutableFile(atPath: executable), "bitsnoop is not built at \(executable)")
        let folder = FileManager.default.temporaryDirectory
        let outputPath = folder.appendingPathComponent("bitsnoop-measured-\(UUID().uuidString).out").path
        let errorPath = folder.appendingPathComponent("bitsnoop-measured-\(UUID().uuidString).err").path
        defer {
            try? FileManager.default.removeItem(atPath: outputPath)
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        // Paths in `arguments` must be absolute: the child runs in the test process's directory.
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        try #require(spawned == 0, "posix_spawn failed: \(spawned)")
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            try #require(errno == EINTR, "wait4 failed: \(errno)")
        }
        // WIFEXITED / WTERMSIG, spelled out (the C macros are not imported).
        let signal = status & 0x7F
        return Result(
            status: signal == 0 ? (status >> 8) & 0xFF : -1,
            signal: signal == 0 ? nil : signal,
            standardOutput: try Data(contentsOf: URL(fileURLWithPath: outputPath)),
            standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "",
            peakResidentBytes: Int(usage.ru_maxrss) * residentUnit
        )
    }
}
