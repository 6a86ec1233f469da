#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why extraction cannot go on: the folder cannot be made or used, or a write failed (disk full).
public struct ExtractionError: Error, CustomStringConvertible, Sendable {
    /// One line naming the path and the reason.
    public let description: String

    /// Creates an error with its message.
    init(_ description: String) {
        self.description = description
    }

    /// An error for a failed system call, with the text of `code` (an `errno` value).
    static func system(_ what: String, _ code: Int32) -> ExtractionError {
        ExtractionError("\(what): \(String(cString: strerror(code)))")
    }
}
