import ArgumentParser

/// `bits-loopback`: our own BITS upload server and client over real TCP sockets on loopback, so that
/// tests can capture genuine traffic and compare the analyzer's timeline with what the client did.
@main
struct BitsLoopback: ParsableCommand {
    /// Command-line description and subcommands.
    static let configuration = CommandConfiguration(
        commandName: "bits-loopback",
        abstract: "A BITS upload server and client on 127.0.0.1 for capture tests.",
        subcommands: [ServerCommand.self, ClientCommand.self, DigestCommand.self]
    )
}
