#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Pipes that stand in for standard input.
enum Pipes {
    /// A pipe already holding `bytes` with its write end closed; returns the read end. `bytes` must
    /// fit the pipe's buffer (64 KiB on Linux), as nothing reads while it is written.
    static func carrying(_ bytes: [UInt8]) -> Int32? {
        precondition(bytes.count < 60_000, "test data must fit a pipe buffer")
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        let written = bytes.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
        close(ends[1])
        guard written == bytes.count else {
            close(ends[0])
            return nil
        }
        return ends[0]
    }
}
