import ArgumentParser
import Foundation
import TrafficSynthesis

/// `bitsnoop-gen`: our own traffic generator's command line.
@main
struct BitsnoopGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bitsnoop-gen",
        abstract: "Generate the sample captures of bitsnoop (and their expected results).",
        subcommands: [Samples.self, Bench.self]
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
        for sample in StreamSamples.all() + BITSSamples.all() + FieldSamples.all() {
            try Data(sample.bytes).write(to: directory.appendingPathComponent(sample.fileName))
            try Data(sample.expectedJSON.utf8).write(to: expected.appendingPathComponent(sample.fileName + ".json"))
            print("\(sample.fileName)  \(sample.bytes.count) bytes  \(sample.summary)")
        }
    }
}

/// `bitsnoop-gen bench`: writes the benchmark's large capture (bench/run.sh calls it).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the benchmark capture: many concurrent clean BITS uploads (see bench/README.md)."
    )

    @Option(help: "The pcap file to write.")
    var output: String

    @Option(help: "Uploads in the capture (bulk: 240 make about 570 MiB; busy: 1,000,000 about 2.3 GB).")
    var sessions = 240

    @Option(help: "bulk: large files, 16 at a time; busy: small files, one connection each, 1,000 at a time.")
    var profile = "bulk"

    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 1

    @Flag(help: "Wrap every connection in TLS 1.3 (TLS_AES_128_GCM_SHA256, port 443); needs --keylog.")
    var tls13 = false

    @Option(help: "With --tls13: the NSS key log to write (for `bitsnoop analyze --tls-keylog`).")
    var keylog: String?

    func validate() throws {
        if tls13, keylog == nil { throw ValidationError("--tls13 needs --keylog FILE") }
        if !tls13, keylog != nil { throw ValidationError("--keylog is only written with --tls13") }
    }

    func run() throws {
        guard FileManager.default.createFile(atPath: output, contents: nil),
            let file = FileHandle(forWritingAtPath: output)
        else {
            throw ValidationError("cannot write \(output)")
        }
        defer { try? file.close() }
        var pending: [UInt8] = []
        pending.reserveCapacity(8 << 20)
        var workload: BenchmarkWorkload
        switch profile {
        case "bulk": workload = BenchmarkWorkload(sessions: sessions, seed: seed)
        case "busy": workload = .busy(sessions: sessions, seed: seed)
        default: throw ValidationError("--profile must be bulk or busy, not \(profile)")
        }
        workload.tls13 = tls13
        var keys: FileHandle?
        if let keylog {
            guard FileManager.default.createFile(atPath: keylog, contents: nil),
                let handle = FileHandle(forWritingAtPath: keylog)
            else {
                throw ValidationError("cannot write \(keylog)")
            }
            keys = handle
        }
        defer { try? keys?.close() }
        let summary = try workload.write({ bytes in
            pending += bytes
            if pending.count >= 8 << 20 {
                try file.write(contentsOf: pending)
                pending.removeAll(keepingCapacity: true)
            }
        }, keyLog: { lines in try keys?.write(contentsOf: Data(lines.utf8)) })
        try file.write(contentsOf: pending)
        print("\(output): \(summary.sessions) sessions, \(summary.packets) packets, "
            + "\(summary.uploadedBytes) uploaded bytes, \(summary.fileBytes) file bytes")
    }
}
