import AnalysisPipeline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered output: standard output for `-`, otherwise a file created (or truncated) at a path.
final class OutputFile {
    private let handle: UnsafeMutablePointer<FILE>
    private let ownsHandle: Bool
    /// The path as given (`-` for standard output).
    let path: String

    /// Standard output, used by one thread at a time (the timeline of `analyze --json -` is written by a `TimelineWritingThread`; nothing else writes to standard output meanwhile).
    nonisolated(unsafe) static let standardOutput = OutputFile(handle: processStandardOutput, path: "-", owns: false)
    /// Standard error, for summaries when standard output carries data.
    nonisolated(unsafe) static let standardError = OutputFile(handle: processStandardError, path: "(stderr)", owns: false)

    private init(handle: UnsafeMutablePointer<FILE>, path: String, owns: Bool) {
        self.handle = handle
        self.path = path
        self.ownsHandle = owns
    }

    /// Opens `path` for writing; `-` means standard output.
    /// - Throws: ``OutputError`` naming the path and the system's reason.
    static func open(_ path: String) throws -> OutputFile {
        if path == "-" { return standardOutput }
        guard let handle = fopen(path, "wb") else {
            throw OutputError(message: "\(path): cannot write: \(String(cString: strerror(errno)))")
        }
        // A 1 MiB buffer, not the file system's block (4 KiB): a million sessions' timeline is some
        // 3 GB, which 4 KiB writes turned into 700,000 system calls (a fifth of the busy run's time).
        setvbuf(handle, nil, _IOFBF, Self.fileBufferBytes)
        return OutputFile(handle: handle, path: path, owns: true)
    }

    /// Whether this is standard output.
    var isStandardOutput: Bool { path == "-" }

    /// The write buffer of a file opened by path.
    static let fileBufferBytes = 1 << 20

    /// Writes bytes.
    func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
    }

    /// Writes text as UTF-8.
    /// Writes borrowed bytes (buffered).
    func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        _ = fwrite(base, 1, bytes.count, handle)
    }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, handle) }
    }

    /// Flushes buffered output.
    func flush() { fflush(handle) }

    deinit {
        if ownsHandle { fclose(handle) } else { fflush(handle) }
    }
}

/// An output could not be opened.
struct OutputError: Error, CustomStringConvertible {
    /// One line naming the path and the reason.
    let message: String
    var description: String { message }
}

// Buffered streams over descriptors 1 and 2, used from the CLI's one thread only. (The C library's
// `stdout`/`stderr` globals are mutable C state that Swift 6 will not let us touch.)
nonisolated(unsafe) private let processStandardOutput: UnsafeMutablePointer<FILE> = fdopen(1, "w")!
nonisolated(unsafe) private let processStandardError: UnsafeMutablePointer<FILE> = {
    let handle = fdopen(2, "w")!
    setvbuf(handle, nil, _IOLBF, 0)  // one message per line, shown at once
    return handle
}()

/// Writes one line to standard error, prefixed with `bitsnoop: `.
func printError(_ message: String) {
    fputs("bitsnoop: \(message)\n", processStandardError)
}

/// Prints the one line saying that a run read packets but could decode none of them, and why
/// (e.g. `bitsnoop: capture.pcap: 0 of 512 packets could be decoded (link type 147: 512 packets)`).
func printNothingDecoded(_ engine: AnalysisEngine, captures: [String]) {
    guard let summary = engine.nothingDecodedSummary else { return }
    printError("\(captures.joined(separator: ", ")): \(summary)")
}
