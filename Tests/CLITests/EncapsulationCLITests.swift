import Foundation
import Testing
import TrafficSynthesis

/// Tunnelled and undecodable captures through the real `bitsnoop analyze`: tunnels are decoded to
/// the innermost connection; a capture of nothing decodable says so on stderr in one line.
@Suite struct EncapsulationCLITests {
    /// A BITS upload in `encapsulation`, as a pcap file.
    static func upload(_ encapsulation: LinkEncapsulation) throws -> String {
        let recipe = try #require(BITSScenarioCatalog.named("clean-upload"))
        return try CLIRunner.temporaryFile(recipe.captureScenario(encapsulation: encapsulation, seed: 5).pcapFile())
    }

    @Test("a capture with no decodable packet gets one stderr line saying why, and a capture-undecoded notice")
    func nothingDecoded() throws {
        let recipe = try #require(BITSScenarioCatalog.named("clean-upload"))
        let scenario = recipe.captureScenario(seed: 5)
        // The same Ethernet frames labelled with a link type bitsnoop does not know (147, USER0).
        let file = PcapFileWriter(linkType: 147).file(scenario.packets)
        let path = try CLIRunner.temporaryFile(file)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLIRunner.run(["analyze", "--json", "-", path])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardError.split(separator: "\n")
        let count = scenario.packets.count
        #expect(lines == ["bitsnoop: \(path): 0 of \(count) packets could be decoded (link type 147: \(count) packets)"])
        let document = try CLIRunner.json(result.standardOutput)
        let findings = document["findings"] as? [[String: Any]] ?? []
        let undecoded = findings.filter { $0["code"] as? String == "capture-undecoded" }
        #expect(undecoded.count == 1)
        #expect((undecoded.first?["severity"] as? String) == "notice")
        let stats = document["stats"] as? [String: Any] ?? [:]
        #expect(stats["unsupported_link_type_packets"] as? Int == count)
    }

    @Test("a tunnelled upload analyses like the plain one, with nothing on stderr", arguments: ["vxlan", "nflog-le"])
    func tunnelledUpload(stack name: String) throws {
        let stack = try #require(EncapsulationStack.named(name))
        let path = try Self.upload(.stack(stack))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLIRunner.run(["analyze", "--json", "-", path])
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty, "\(result.standardError)")
        let document = try CLIRunner.json(result.standardOutput)
        let sessions = document["sessions"] as? [[String: Any]] ?? []
        #expect(sessions.map { $0["state"] as? String } == ["completed"])
        #expect((document["findings"] as? [Any])?.isEmpty == true)
    }
}
