import Foundation
import Testing

/// Captures stopped while clients upload (`tcpdump -c`, Ctrl-C, a cut file).
@Suite struct CaptureEndCLITests {
    /// The first `count` packets of a little-endian pcap file.
    static func firstPackets(_ file: [UInt8], count: Int) -> [UInt8] {
        var end = 24
        for _ in 0..<count {
            guard end + 16 <= file.count else { break }
            let length = Int(file[end + 8]) | Int(file[end + 9]) << 8 | Int(file[end + 10]) << 16 | Int(file[end + 11]) << 24
            guard end + 16 + length <= file.count else { break }
            end += 16 + length
        }
        return Array(file[..<end])
    }

    @Test("a capture that stops in the middle of an upload: in-progress with a notice, not an orphaned warning")
    func cutMidUpload() throws {
        let whole = try [UInt8](Data(contentsOf: CLIRunner.repositoryRoot.appendingPathComponent("samples/bits-clean-upload.pcap")))
        // The Create-Session exchange and the first Fragment's packets: the connection is still open.
        let path = try CLIRunner.temporaryFile(Self.firstPackets(whole, count: 9))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CLIRunner.run(["analyze", "--json", "-", "--fail-on", "warning", path])
        #expect(result.status == 0, "no warning: \(result.standardError)")
        let document = try CLIRunner.json(result.standardOutput)
        let sessions = try #require(document["sessions"] as? [[String: Any]])
        #expect(sessions.count == 1)
        #expect(sessions.first?["state"] as? String == "in-progress")
        #expect((sessions.first?["state_reason"] as? String)?.hasPrefix("capture ended:") == true)
        let codes = (document["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("session-in-progress"))
        #expect(!codes.contains("orphaned-session"))
        let summary = try CLIRunner.run(["analyze", path])
        #expect(String(decoding: summary.standardOutput, as: UTF8.self).contains("in-progress"))
    }
}
