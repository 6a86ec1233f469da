import Foundation

/// How many cores this process may run on: on Linux its CPU affinity, read from `/proc/self/status`
/// (so `taskset -c 0 bitsnoop` counts one, where `ProcessInfo.activeProcessorCount` counts the
/// machine's), elsewhere the active processors.
enum AvailableCores {
    /// The count, at least 1.
    static var count: Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let allowed = allowedCPUs(inStatus: status) {
            return max(1, allowed)
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The CPUs in the `Cpus_allowed:` mask of a `/proc/<pid>/status` text (hexadecimal words
    /// separated by commas), or `nil` when there is no such line.
    static func allowedCPUs(inStatus status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        var count = 0
        for character in line.dropFirst("Cpus_allowed:".count) {
            guard let digit = character.hexDigitValue else { continue }
            count += digit.nonzeroBitCount
        }
        return count
    }
}
