import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a helper process could not be used.
struct LoopbackProcessError: Error, CustomStringConvertible {
    /// What went wrong, with the process's standard error where it helps.
    let description: String
}

/// A child process whose output goes to temporary files (no pipe can fill up and block it), always
/// bounded in time: `wait` gives up after its timeout and `terminate` ends it for sure.
///
/// Started with posix_spawn rather than Foundation's Process because test threads block most signals
/// and a child inherits that mask: tcpdump would never see the SIGINT that makes it finish its file.
/// The child gets an empty signal mask and default signal actions.
final class LoopbackProcess {
    /// The child's process ID.
    let processIdentifier: pid_t
    /// File receiving standard output.
    let outputURL: URL
    /// File receiving standard error.
    let errorURL: URL
    private let name: String
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`. Throws if it cannot be launched.
    init(_ executable: URL, _ arguments: [String]) throws {
        let folder = FileManager.default.temporaryDirectory
        let stem = "bits-loopback-\(UUID().uuidString)"
        outputURL = folder.appendingPathComponent("\(stem).out")
        errorURL = folder.appendingPathComponent("\(stem).err")
        name = executable.lastPathComponent
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw LoopbackProcessError(description: "cannot start \(executable.path): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
    }

    deinit {
        terminate()
        try? FileManager.default.removeItem(at: outputURL)
        try? FileManager.default.removeItem(at: errorURL)
    }

    /// The `bits-loopback` binary: next to the test bundle, else in `<repo>/.build/debug`.
    static var loopbackExecutable: URL { builtExecutable("bits-loopback") }

    /// A binary of this package (`bits-loopback`, `bitsnoop`): next to the test bundle, else in
    /// `<repo>/.build/debug`.
    static func builtExecutable(_ name: String) -> URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ].compactMap { $0 }
        for folder in candidates {
            let url = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.appendingPathComponent(".build/debug/\(name)")
    }

    /// Runs `bits-loopback` with `arguments` to completion (at most `timeout` seconds) and returns it.
    static func runLoopback(_ arguments: [String], timeout: TimeInterval = 30) throws -> LoopbackProcess {
        let child = try LoopbackProcess(loopbackExecutable, arguments)
        try child.wait(timeout: timeout)
        return child
    }

    /// Standard output so far.
    var output: Data { (try? Data(contentsOf: outputURL)) ?? Data() }
    /// Standard error so far, as text.
    var errorText: String { String(decoding: (try? Data(contentsOf: errorURL)) ?? Data(), as: UTF8.self) }
    /// Exit status once ended: the exit code, or 128 + the signal that killed it; -1 while running.
    var status: Int32 { exitStatus ?? -1 }

    /// Whether the child is still running (reaps it once it has ended).
    var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var raw: Int32 = 0
        let result = waitpid(processIdentifier, &raw, WNOHANG)
        if result == 0 { return true }
        // Decoded by hand: the W* macros are not imported into Swift.
        let signal = raw & 0x7f
        exitStatus = result < 0 ? -1 : (signal == 0 ? (raw >> 8) & 0xff : 128 + signal)
        return false
    }

    /// Waits up to `timeout` seconds for the process to end; otherwise ends it and throws.
    func wait(timeout: TimeInterval) throws {
        guard Self.poll(for: timeout, until: { !isRunning }) else {
            terminate()
            throw LoopbackProcessError(description: "\(name) did not finish within \(timeout) s; stderr: \(errorText)")
        }
    }

    /// Sends `signal` and waits up to `timeout` seconds for the process to end; throws if it does not.
    func stop(signal: Int32, timeout: TimeInterval = 30) throws {
        if isRunning { kill(processIdentifier, signal) }
        try wait(timeout: timeout)
    }

    /// Ends the process: SIGTERM, then SIGKILL if it is still there after 2 s. Safe to call repeatedly.
    func terminate() {
        guard isRunning else { return }
        kill(processIdentifier, SIGTERM)
        if !Self.poll(for: 2, until: { !isRunning }) {
            kill(processIdentifier, SIGKILL)
            _ = Self.poll(for: 5, until: { !isRunning })
        }
    }

    /// Checks `condition` every 20 ms for up to `seconds`; true as soon as it holds.
    static func poll(for seconds: TimeInterval, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}
