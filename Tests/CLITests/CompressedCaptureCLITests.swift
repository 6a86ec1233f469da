import Foundation
import TestSupport
import Testing

/// `bitsnoop analyze` on gzip and zstd copies of every sample: the same timeline as the plain file.
@Suite struct CompressedCaptureCLITests {
    static let samples: [String] = (try? FileManager.default.contentsOfDirectory(
        atPath: CLIRunner.repositoryRoot.appendingPathComponent("samples").path))?
        .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted() ?? []

    /// The timeline of `analyze --json` on `capture` (a path, or `-` with `input`), without the
    /// list of capture names, which differ between the copies by design.
    static func timeline(_ capture: String, input: Data? = nil) throws -> NSDictionary {
        let json = try CLIRunner.temporaryFile([], suffix: ".json")
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try CLIRunner.run(["analyze", "--json", json, capture], input: input)
        #expect(result.status == 0, "\(capture): \(result.standardError)")
        var document = try CLIRunner.json(Data(contentsOf: URL(fileURLWithPath: json)))
        document["captures"] = nil
        return document as NSDictionary
    }

    @Test("gzip and zstd copies of every sample give the plain file's timeline, from a file and from stdin",
          arguments: samples)
    func sameTimeline(sample: String) throws {
        #expect(!Self.samples.isEmpty)
        let plain = try [UInt8](Data(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("samples/\(sample)")))
        let expected = try Self.timeline("samples/\(sample)")
        for (format, compressed) in [("gzip", TestCompression.gzip(plain)), ("zstd", TestCompression.zstd(plain))] {
            // A name that hides the compression: detection is by the bytes.
            let path = try CLIRunner.temporaryFile(compressed, suffix: ".pcap")
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(try Self.timeline(path) == expected, "\(sample) as \(format) file")
            #expect(try Self.timeline("-", input: Data(compressed)) == expected, "\(sample) as \(format) on stdin")
        }
    }

    @Test("a gzip file whose data is garbage exits 2 with one line naming the file and the reason")
    func garbageGzip() throws {
        let path = try CLIRunner.temporaryFile([0x1F, 0x8B, 0x08, 0x00] + [UInt8](repeating: 0xEE, count: 64))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLIRunner.run(["analyze", path])
        #expect(result.status == 2)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(result.standardError)")
        #expect(result.standardError.contains("\(path): not a capture file (gzip: gzip data damaged"),
                "\(result.standardError)")
    }

    @Test("a cut gzip file is analysed up to the cut and reported as capture-truncated")
    func cutGzip() throws {
        let plain = try [UInt8](Data(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent(
            "samples/bits-clean-upload.pcap")))
        let compressed = TestCompression.gzip(plain)
        let path = try CLIRunner.temporaryFile(Array(compressed.prefix(compressed.count * 2 / 3)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let json = try CLIRunner.temporaryFile([], suffix: ".json")
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try CLIRunner.run(["analyze", "--json", json, path])
        #expect(result.status == 0, "\(result.standardError)")
        let document = try CLIRunner.json(Data(contentsOf: URL(fileURLWithPath: json)))
        let codes = (document["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("capture-truncated"), "\(codes)")
    }
}
