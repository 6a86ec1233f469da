import Foundation
import Testing

/// Runs the built `bitsnoop` executable the way a user does, capturing what it prints.
enum CLIRunner {
    /// The repository's root folder.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `bitsnoop` binary next to the test bundle (`swift build --build-tests` builds it).
    static var executable: URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ].compactMap { $0 }
        for folder in candidates {
            let url = folder.appendingPathComponent("bitsnoop")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/bitsnoop")
    }

    /// What a run printed and how it ended.
    struct Result {
        var status: Int32
        var standardOutput: Data
        var standardError: String
        var text: String { String(decoding: standardOutput, as: UTF8.self) }
    }

    /// Runs `bitsnoop` with `arguments`, feeding `input` on standard input, in `directory` (the
    /// repository's root by default).
    static func run(_ arguments: [String], input: Data? = nil, in directory: URL? = nil) throws -> Result {
        let path = executable.path
        try #require(FileManager.default.isExecutableFile(atPath: path),
                     "bitsnoop is not built at \(path): run `swift build --build-tests` first")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? repositoryRoot
        let output = Pipe()
        let error = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin
        try process.run()
        // Write input and read output concurrently so that neither pipe fills up and blocks.
        let writer = Thread {
            if let input { stdin.fileHandleForWriting.write(input) }
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorReader = BackgroundRead(error.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, standardOutput: outputData,
                      standardError: String(decoding: errorReader.data(), as: UTF8.self))
    }

    /// Writes bytes to a new temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], suffix: String = ".pcap") throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bitsnoop-cli-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Parses JSON output into Foundation objects.
    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "output is not a JSON object")
    }
}
