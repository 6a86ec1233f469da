import AnalyzerCore
import Foundation
import Testing
import TrafficSynthesis

@Suite struct StreamsCommandTests {
    static let sampleNames = StreamSamples.all().map(\.fileName)

    @Test("streams --json gives, for every sample, the byte counts the generator sent", arguments: sampleNames)
    func sampleMatchesExpected(name: String) throws {
        let result = try CLIRunner.run(["streams", "--json", "-", "samples/\(name)"])
        #expect(result.status == 0, "\(result.standardError)")
        let document = try CLIRunner.json(result.standardOutput)
        let connections = try #require(document["connections"] as? [[String: Any]])
        let expectedURL = CLIRunner.repositoryRoot.appendingPathComponent("samples/expected/\(name).json")
        let expected = try CLIRunner.json(Data(contentsOf: expectedURL))["connections"] as? [[String: Any]] ?? []
        #expect(connections.count == expected.count)
        for (actual, wanted) in zip(connections, expected) {
            for key in wanted.keys.sorted() {
                #expect("\(actual[key] ?? "missing")" == "\(wanted[key]!)", "\(name) \(key)")
            }
        }
    }

    @Test("the checked-in samples are exactly what `bitsnoop-gen samples` writes")
    func samplesAreRegenerable() throws {
        for sample in StreamSamples.all() {
            let folder = CLIRunner.repositoryRoot.appendingPathComponent("samples")
            let onDisk = try Data(contentsOf: folder.appendingPathComponent(sample.fileName))
            #expect(onDisk == Data(sample.bytes), "\(sample.fileName) differs: run `swift run bitsnoop-gen samples`")
            let expected = try String(contentsOf: folder.appendingPathComponent("expected/\(sample.fileName).json"),
                                      encoding: .utf8)
            #expect(expected == sample.expectedJSON, "\(sample.fileName) expected results differ")
        }
    }

    @Test("--follow raw prints exactly the bytes each side sent, whatever the impairments")
    func followRawEqualsBytesSent() throws {
        var conversation = TCPConversation(
            client: Endpoint(address: .v4(0x0A00_0001), port: 50_001), server: Endpoint(address: .v4(0x0A00_0002), port: 80),
            clientISN: 0xFFFF_F000, serverISN: 12_345, start: CaptureTimestamp(seconds: 1_800_000_000, nanoseconds: 0)
        )
        var random = SeededGenerator(seed: 99)
        let upload = (0..<40_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let reply = (0..<3_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        conversation.clientSends(upload)
        conversation.serverSends(reply)
        let rendered = conversation.render(
            encapsulation: .ethernet(vlanTags: [7]),
            impairments: Impairments(reorderProbability: 0.3, duplicateProbability: 0.3, overlapProbability: 0.3),
            seed: 5
        )
        let path = try CLIRunner.temporaryFile(CaptureScenario(encapsulation: .ethernet(vlanTags: [7]),
                                                               conversations: [rendered]).pcapFile())
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (direction, bytes) in [("client", upload), ("server", reply)] {
            let result = try CLIRunner.run(["streams", "--follow", "1", "--follow-format", "raw", "--direction", direction, path])
            #expect(result.status == 0)
            #expect(Array(result.standardOutput) == bytes, "\(direction) bytes")
        }
        let ascii = try CLIRunner.run(["streams", "--follow", "1", path])
        #expect(ascii.text.contains("Node 0: 10.0.0.1:50001"))
        let missing = try CLIRunner.run(["streams", "--follow", "9", path])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("connection 9 not found"))
    }

    @Test("gaps are shown in --follow output and counted on stderr for raw")
    func followShowsGaps() throws {
        let result = try CLIRunner.run(["streams", "--follow", "1", "samples/streams-impaired-vlan.pcap"])
        #expect(result.status == 0)
        #expect(result.text.contains("[gap: "))
        let raw = try CLIRunner.run(["streams", "--follow", "1", "--follow-format", "raw", "samples/streams-impaired-vlan.pcap"])
        #expect(raw.standardError.contains("missing from the capture"))
    }

    @Test("standard input, rotated files and a BPF filter read the same connections")
    func inputForms() throws {
        let sample = "samples/streams-clean.pcap"
        let direct = try CLIRunner.run(["streams", "--json", "-", sample])
        let bytes = try Data(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent(sample))
        let piped = try CLIRunner.run(["streams", "--json", "-", "-"], input: bytes)
        #expect(piped.status == 0)
        let connections = { (result: CLIRunner.Result) throws -> [String] in
            let list = try CLIRunner.json(result.standardOutput)["connections"] as? [[String: Any]] ?? []
            return list.map { "\($0["client"]!) \($0["server"]!) \($0["client_bytes"]!) \($0["server_bytes"]!)" }
        }
        #expect(try connections(piped) == connections(direct))

        // The same capture split in two files (as tcpdump -C rotates) is one continuous capture.
        let sampleData = StreamSamples.all()[0]
        let header = Array(sampleData.bytes.prefix(24))
        var records: [[UInt8]] = []
        var offset = 24
        while offset + 16 <= sampleData.bytes.count {
            let length = Int(sampleData.bytes[offset + 8]) | Int(sampleData.bytes[offset + 9]) << 8
                | Int(sampleData.bytes[offset + 10]) << 16
            records.append(Array(sampleData.bytes[offset..<(offset + 16 + length)]))
            offset += 16 + length
        }
        let half = records.count / 2
        let first = try CLIRunner.temporaryFile(header + records[..<half].flatMap { $0 })
        let second = try CLIRunner.temporaryFile(header + records[half...].flatMap { $0 })
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let rotated = try CLIRunner.run(["streams", "--json", "-", "-r", first, second])
        #expect(rotated.status == 0)
        #expect(try connections(rotated) == connections(direct))

        let filtered = try CLIRunner.run(["streams", "--json", "-", "-f", "tcp port 49154", sample])
        #expect(try connections(filtered) == [connections(direct)[1]])
    }

    @Test("the text table lists every connection and its end")
    func textTable() throws {
        let result = try CLIRunner.run(["streams", "samples/streams-sll-reset.pcap"])
        #expect(result.status == 0)
        let lines = result.text.split(separator: "\n")
        #expect(lines.first?.hasPrefix("#  client") == true)
        #expect(lines.contains { $0.contains("192.0.2.5:49154") && $0.hasSuffix("rst") })
        #expect(lines.contains("3 connections"))
    }
}
