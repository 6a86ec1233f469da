import ArgumentParser
import Foundation

/// `bits-loopback sha256`: prints the SHA-256 of a file (or standard input), so tests can check the
/// digest the server and client use against published test vectors.
struct DigestCommand: ParsableCommand {
    /// Command-line description.
    static let configuration = CommandConfiguration(
        commandName: "sha256",
        abstract: "Print the lower-case hex SHA-256 of a file or of standard input."
    )

    @Argument(help: "File to hash; standard input when omitted.")
    var file: String?

    /// Hashes and prints.
    func run() throws {
        let data = try file.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
            ?? FileHandle.standardInput.readDataToEndOfFile()
        print(SHA256.hex(of: [UInt8](data)))
    }
}
