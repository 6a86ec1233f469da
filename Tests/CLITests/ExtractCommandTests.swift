import Foundation
import Testing
import TrafficSynthesis

/// `bitsnoop analyze --extract DIR`, run as a user runs it, on every BITS sample.
@Suite struct ExtractCommandTests {
    static let bitsSamples = BITSSamples.all().map(\.fileName)

    /// FNV-1a 64 of `bytes` as 16 hex digits (the samples' expected files carry it).
    static func fnv1a64(_ bytes: Data) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(format: "%016llx", hash)
    }

    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-cli-extract-\(UUID().uuidString)")
    }

    @Test("every sample's upload is extracted as the server holds it, and the timeline says where",
          arguments: bitsSamples)
    func sampleExtracts(name: String) throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLIRunner.run(["analyze", "--extract", folder.path, "--json", "-", "samples/\(name)"])
        #expect(result.status == 0, "\(result.standardError)")
        let document = try CLIRunner.json(result.standardOutput)
        let expected = try CLIRunner.json(Data(contentsOf: CLIRunner.repositoryRoot
            .appendingPathComponent("samples/expected/\(name).json")))
        let serverFile = try #require(expected["serverFile"] as? [String: Any])
        let sessions = try #require(document["sessions"] as? [[String: Any]])
        var written: [String] = []
        for session in sessions {
            #expect(session.keys.contains("file"), "\(name): every session has a file member with --extract")
            guard let file = session["file"] as? [String: Any] else { continue }
            let path = try #require(file["path"] as? String)
            written.append(path)
            let bytes = try Data(contentsOf: folder.appendingPathComponent(path))
            #expect(bytes.count == file["bytes"] as? Int, "\(name): bytes")
            #expect(bytes.count == serverFile["length"] as? Int, "\(name): length")
            #expect(Self.fnv1a64(bytes) == serverFile["fnv1a64"] as? String, "\(name): content")
            let complete = try #require(file["complete"] as? Bool)
            #expect(path.hasSuffix(".partial") == !complete, "\(name): \(path)")
            // No file name starts with a dot or a dash (SafeFileName): a signed decimal ID loses its sign.
            let id = (session["session_id"] as? String ?? "").drop { $0 == "-" || $0 == "." }
            #expect(path.hasPrefix(id + "-"), "\(name): \(path)")
            let missing = try #require(file["missing"] as? [[Int]])
            #expect(complete == missing.isEmpty, "\(name): missing \(missing)")
            #expect(missing.allSatisfy { $0.count == 2 && $0[0] <= $0[1] })
            #expect((file["sha256"] as? String)?.count == 64)
        }
        // A session that uploaded bytes the server kept has a file.
        if (serverFile["length"] as? Int ?? 0) > 0 { #expect(written.count == 1, "\(name): files \(written)") }
        let listing = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(listing.sorted() == written.sorted(), "\(name): the folder holds exactly the files")
        let stats = document["stats"] as? [String: Any]
        #expect(stats?["files_extracted"] as? Int == written.count)
    }

    @Test("the summary names the files; a second run never overwrites them")
    func summaryAndSecondRun() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = "samples/bits-close-halfway.pcap"
        let first = try CLIRunner.run(["analyze", "--extract", folder.path, sample])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.text.contains("1 file extracted to \(folder.path):"))
        #expect(first.text.contains("-report.pdf.partial"))
        #expect(first.text.contains("partial, missing"))
        let second = try CLIRunner.run(["analyze", "--extract", folder.path, sample])
        #expect(second.status == 0)
        #expect(second.text.contains("-report-1.pdf.partial"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
        let complete = try CLIRunner.run(["analyze", "--extract", folder.path, "samples/bits-clean-upload.pcap"])
        #expect(complete.text.contains("-report.pdf  "))
        #expect(complete.text.contains("complete  sha256 "))
    }

    @Test("without --extract the timeline has no file member; an unusable folder is exit status 2")
    func absentAndBadFolder() throws {
        let plain = try CLIRunner.run(["analyze", "--json", "-", "samples/bits-clean-upload.pcap"])
        let sessions = try CLIRunner.json(plain.standardOutput)["sessions"] as? [[String: Any]]
        #expect(sessions?.first?.keys.contains("file") == false)
        let notAFolder = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-file-\(UUID())")
        try Data("x".utf8).write(to: notAFolder)
        defer { try? FileManager.default.removeItem(at: notAFolder) }
        let bad = try CLIRunner.run(["analyze", "--extract", notAFolder.path, "samples/bits-clean-upload.pcap"])
        #expect(bad.status == 2)
        #expect(bad.standardError.contains(notAFolder.path))
        #expect(bad.standardOutput.isEmpty)
    }

    @Test("timelines with files validate against docs/timeline.schema.json",
          .enabled(if: TimelineSchemaTests.validatorAvailable, "needs python3 with the jsonschema package"))
    func schemaWithFiles() throws {
        for sample in ["bits-clean-upload.pcap", "bits-close-halfway.pcap", "bits-create-refused.pcap"] {
            let folder = Self.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let document = folder.appendingPathExtension("json")
            defer { try? FileManager.default.removeItem(at: document) }
            let result = try CLIRunner.run(["analyze", "--extract", folder.path, "--json", document.path,
                                            "samples/\(sample)"])
            #expect(result.status == 0, "\(sample): \(result.standardError)")
            let violations = try TimelineSchemaTests.schemaViolations(of: document)
            #expect(violations == nil, "\(sample): \(violations ?? "")")
        }
    }
}
