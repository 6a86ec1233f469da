import ArgumentParser
import Foundation
import TrafficSynthesis

/// `bitsnoop-gen`: our own traffic generator's command line.
@main
struct BitsnoopGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bitsnoop-gen",
        abstract: "Generate the sample captures of bitsnoop (and their expected results).",
        subcommands: [Samples.self]
    )
}

/// `bitsnoop-gen samples`: writes every sample capture and its expected results.
struct Samples: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every sample capture to DIR and its expected results to DIR/expected.",
        discussion: "The output is deterministic: running it again gives byte-identical files."
    )

    @Option(help: "The samples folder.")
    var output = "samples"

    func run() throws {
        let directory = URL(fileURLWithPath: output)
        let expected = directory.appendingPathComponent("expected")
        try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
        for sample in StreamSamples.all() + BITSSamples.all() {
            try Data(sample.bytes).write(to: directory.appendingPathComponent(sample.fileName))
            try Data(sample.expectedJSON.utf8).write(to: expected.appendingPathComponent(sample.fileName + ".json"))
            print("\(sample.fileName)  \(sample.bytes.count) bytes  \(sample.summary)")
        }
    }
}
