import Foundation
import TestSupport
import Testing
import TrafficSynthesis

/// `bitsnoop analyze` on a Wireshark-style pcapng with Ethernet, Linux cooked and raw IP interfaces
/// of different snapshot lengths (a file libpcap refuses), checked against the generator's truth.
@Suite struct MultiInterfaceCLITests {
    /// Three clean uploads, one per interface, interleaved in time.
    static func capture() -> (file: [UInt8], expected: [ExpectedBITSSession]) {
        let recipe = BITSScenarioCatalog.named("clean-upload")!
        let framings: [(LinkEncapsulation, UInt32, UInt8)] = [
            (.ethernet(vlanTags: []), 262_144, 6), (.linuxSLL, 65_535, 9), (.raw, 4_096, 0x80 | 30),
        ]
        var interfaces: [PcapngMultiInterfaceWriter.Interface] = []
        var placed: [PcapngMultiInterfaceWriter.Placed] = []
        var expected: [ExpectedBITSSession] = []
        for (index, (framing, snapshotLength, resolution)) in framings.enumerated() {
            let scenario = recipe.build(encapsulation: framing, seed: 0x51_7E00 + UInt64(index))
            interfaces.append(.init(linkType: UInt16(framing.linkTypeValue), snapshotLength: snapshotLength,
                                    resolution: resolution))
            placed += scenario.captureScenario.packets.map { .init(interface: index, packet: $0) }
            expected += scenario.expected.sessions
        }
        // Interleaved by time, as a capture on several interfaces is written (stable for ties).
        let ordered = placed.enumerated().sorted {
            ($0.element.packet.timestamp, $0.offset) < ($1.element.packet.timestamp, $1.offset)
        }.map(\.element)
        return (PcapngMultiInterfaceWriter(interfaces: interfaces).file(ordered), expected)
    }

    @Test("every session of every interface is found, as the generator says, from a file and gzip on stdin")
    func analysedToTruth() throws {
        let (file, expected) = Self.capture()
        let path = try CLIRunner.temporaryFile(file, suffix: ".pcapng")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (capture, input) in [(path, nil), ("-", Data(TestCompression.zstd(file)))] as [(String, Data?)] {
            let result = try CLIRunner.run(["analyze", "--json", "-", capture], input: input)
            #expect(result.status == 0, "\(result.standardError)")
            let document = try CLIRunner.json(result.standardOutput)
            let sessions = try #require(document["sessions"] as? [[String: Any]])
            let found = sessions.map {
                "\(AnalyzeCommandTests.text($0["session_id"])) \(AnalyzeCommandTests.text($0["state"])) "
                    + "\(AnalyzeCommandTests.text($0["bytes_acknowledged"]))"
            }.sorted()
            let wanted = expected.map {
                "\($0.sessionID ?? "null") \($0.state) \($0.bytesAcknowledged.map(String.init) ?? "null")"
            }.sorted()
            #expect(found == wanted, "\(capture)")
            #expect(wanted.count == 3)
            let codes = (document["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(!codes.contains("capture-truncated"), "\(codes)")
        }
    }

    @Test("a pcapng file that cannot be read from the start exits 2 with the reason")
    func unreadable() throws {
        // A section header of major version 2, then interfaces of two link types.
        var file = PcapngMultiInterfaceWriter(interfaces: [.init(linkType: 1), .init(linkType: 113)]).file([])
        file[12] = 2
        let path = try CLIRunner.temporaryFile(file, suffix: ".pcapng")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLIRunner.run(["analyze", path])
        #expect(result.status == 2)
        #expect(result.standardError.contains("not a capture file"), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1)
    }
}
