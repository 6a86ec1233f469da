import ArgumentParser

/// The `bitsnoop` command: analyzes the Microsoft BITS upload protocol in packet captures.
@main
struct Bitsnoop: ParsableCommand {
    /// The version printed by `--version`.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "bitsnoop",
        abstract: "Analyze Microsoft BITS uploads (BITS_POST over HTTP/1.1) in packet captures.",
        discussion: """
            Reads pcap and pcapng captures, plain or gzip/zstd-compressed (several files are one \
            continuous capture; '-' is standard input), reassembles TCP and reports what it finds.

            Exit status: 0 success; 1 analyze --fail-on found a finding at or above that severity; 2 a \
            capture could not be read (missing, unreadable, not a capture), a bad filter, or an output \
            could not be written; 64 a usage error.
            """,
        version: version,
        subcommands: [Analyze.self, Report.self, Live.self, Streams.self]
    )
}
