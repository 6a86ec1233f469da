import AnalyzerCore
import Foundation
import Testing
import TrafficSynthesis

@Suite struct CaptureScenarioTests {
    static func twoConversations(_ encapsulation: LinkEncapsulation, impairments: Impairments = .none)
        -> [RenderedConversation]
    {
        var second = Fixtures.conversation(ipv6: true, clientISN: 5, serverISN: 6)
        // Starts 3 ms after the first, so the two overlap in time.
        second.start = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 126_456_789)
        return [
            Fixtures.conversation().render(encapsulation: encapsulation, impairments: impairments, seed: 1),
            second.render(encapsulation: encapsulation, impairments: impairments, seed: 2),
        ]
    }

    @Test func interleaveIsSortedStableAndComplete() {
        let conversations = Self.twoConversations(.raw)
        let merged = CaptureScenario.interleave(conversations)
        #expect(merged.count == conversations[0].packets.count + conversations[1].packets.count)
        #expect(zip(merged, merged.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
        for conversation in conversations {
            let mine = merged.filter { conversation.packets.contains($0) }
            #expect(mine == conversation.packets)
        }
        // They really interleave: the second conversation's first packet comes before the first one ends.
        let firstOfSecond = merged.firstIndex(of: conversations[1].packets[0]) ?? 0
        #expect(firstOfSecond < conversations[0].packets.count)
        // Ties go to the earlier conversation.
        let tie = CaptureScenario.interleave([conversations[0], conversations[0]])
        #expect(Array(tie.prefix(2)) == [conversations[0].packets[0], conversations[0].packets[0]])
    }

    @Test func scenarioFileHeaderUsesTheLinkTypeAndSmallestSnapshotLength() {
        let cut = Self.twoConversations(.linuxSLL2, impairments: Impairments(snapshotLength: 128))
        let scenario = CaptureScenario(encapsulation: .linuxSLL2, conversations: cut)
        #expect(scenario.snapshotLength == 128)
        let file = scenario.pcapFile()
        #expect(Array(file[0..<4]) == [0xD4, 0xC3, 0xB2, 0xA1])
        #expect(Array(file[16..<20]) == [128, 0, 0, 0])
        #expect(Array(file[20..<24]) == [0x14, 0x01, 0, 0])  // 276
        #expect(CaptureScenario(encapsulation: .raw, conversations: Self.twoConversations(.raw)).snapshotLength == 262_144)
    }

    // MARK: tcpdump

    static let tcpdumpPath = ["/usr/bin/tcpdump", "/usr/sbin/tcpdump", "/usr/local/bin/tcpdump", "/usr/local/sbin/tcpdump"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static let tcpdumpNames: [UInt32: String] = [
        1: "EN10MB", 113: "LINUX_SLL", 276: "LINUX_SLL2", 101: "RAW", 0: "NULL", 108: "LOOP",
    ]

    /// Runs tcpdump on `file`; returns exit status, standard output and standard error.
    static func tcpdump(_ file: [UInt8], arguments: [String]) throws -> (status: Int32, out: String, error: String) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-synthesis-\(UUID()).cap")
        try Data(file).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tcpdumpPath!)
        process.arguments = ["-r", url.path] + arguments
        let out = Pipe()
        let error = Pipe()
        process.standardOutput = out
        process.standardError = error
        try process.run()
        // Read before waiting, so that a full pipe cannot block tcpdump.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                String(decoding: errorData, as: UTF8.self))
    }

    @Test(.enabled(if: tcpdumpPath != nil, "tcpdump is not installed"), arguments: LinkEncapsulation.allCases, [false, true])
    func tcpdumpReadsEveryEncapsulation(encapsulation: LinkEncapsulation, pcapng: Bool) throws {
        let scenario = CaptureScenario(encapsulation: encapsulation, conversations: Self.twoConversations(encapsulation))
        let file = pcapng ? scenario.pcapngFile(precision: .nanoseconds) : scenario.pcapFile()
        let result = try Self.tcpdump(file, arguments: ["-nn"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == scenario.packets.count)
        #expect(result.error.contains("link-type \(Self.tcpdumpNames[encapsulation.linkTypeValue]!)"))
        #expect(lines.filter { $0.contains("IP6 ") }.count == scenario.conversations[1].packets.count)
        #expect(lines.allSatisfy { $0.contains("Flags [") })
    }

    @Test(.enabled(if: tcpdumpPath != nil, "tcpdump is not installed"))
    func tcpdumpFindsEveryChecksumCorrect() throws {
        let impairments = Impairments(duplicateProbability: 0.3, overlapProbability: 0.3)
        let scenario = CaptureScenario(
            encapsulation: .ethernet(vlanTags: [42]),
            conversations: Self.twoConversations(.ethernet(vlanTags: [42]), impairments: impairments))
        let result = try Self.tcpdump(scenario.pcapFile(), arguments: ["-nn", "-vv"])
        #expect(result.status == 0, "\(result.error)")
        #expect(!result.out.contains("incorrect"))
        #expect(!result.out.contains("bad cksum"))
        #expect(result.out.components(separatedBy: "(correct)").count - 1 == scenario.packets.count)
    }
}
