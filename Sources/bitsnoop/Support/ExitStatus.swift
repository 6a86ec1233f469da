import ArgumentParser

/// The exit statuses bitsnoop uses, documented in `docs/cli.md`.
enum ExitStatus {
    /// Analysis ran; nothing at or above `--fail-on` was found.
    static let success = ExitCode(0)
    /// Analysis ran and found something at or above `--fail-on`.
    static let findings = ExitCode(1)
    /// An input could not be read: missing, unreadable or not a capture, or a bad filter.
    static let inputError = ExitCode(2)
}
