import Foundation
import Testing

/// `--tls-keylog` as a user meets it on captures without TLS: a key log that cannot be read is one
/// line and exit 2 on every command, and a readable one changes nothing of plain HTTP's analysis
/// but the `tls` members, the decryption counters and what it says about its own lines.
@Suite struct TLSKeyLogCLITests {
    static let sample = "samples/bits-ignored-416.pcap"

    @Test("an unreadable key log: one line on standard error naming it, exit 2, on every command")
    func unreadable() throws {
        for path in ["/nonexistent/keys.log", "/tmp"] {
            for command in [["analyze"], ["report", "-o", "/dev/null"], ["streams"], ["streams", "--follow", "1"]] {
                let result = try CLIRunner.run(command + ["--tls-keylog", path, Self.sample])
                #expect(result.status == 2, "\(command) \(path)")
                let lines = result.standardError.split(separator: "\n")
                #expect(lines.count == 1 && lines.first?.contains(path) == true, "\(command): \(result.standardError)")
            }
        }
    }

    @Test("a key log beside plain HTTP: the same sessions and findings, tls null, its bad lines reported")
    func plainUnchanged() throws {
        let keys = try CLIRunner.temporaryFile(Array(("# a comment\nCLIENT_RANDOM not-hex 00\n" + "CLIENT_RANDOM "
            + String(repeating: "ab", count: 32) + " " + String(repeating: "cd", count: 48) + "\n").utf8), suffix: ".log")
        defer { try? FileManager.default.removeItem(atPath: keys) }
        let plain = try CLIRunner.run(["analyze", "--json", "-", Self.sample])
        let keyed = try CLIRunner.run(["analyze", "--json", "-", "--tls-keylog", keys, Self.sample])
        #expect(plain.status == 0 && keyed.status == 0, "\(keyed.standardError)")
        let without = try #require(try JSONSerialization.jsonObject(with: plain.standardOutput) as? [String: Any])
        let with = try #require(try JSONSerialization.jsonObject(with: keyed.standardOutput) as? [String: Any])
        let sessions = with["sessions"] as? [[String: Any]] ?? []
        #expect(!sessions.isEmpty)
        #expect(sessions.allSatisfy { $0.keys.contains("tls") && $0["tls"] is NSNull })
        #expect((without["sessions"] as? [[String: Any]] ?? []).allSatisfy { !$0.keys.contains("tls") })
        let stripped = sessions.map { $0.filter { $0.key != "tls" } }
        #expect(NSArray(array: stripped).isEqual(to: without["sessions"] as? [Any] ?? []))
        let codes = { (document: [String: Any]) in (document["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
        #expect(codes(with) == codes(without) + ["tls-keylog-skipped"], "\(codes(with))")
        let stats = with["stats"] as? [String: Any] ?? [:]
        #expect(stats["tls_keylog_entries"] as? Int == 1)
        #expect(stats["tls_decrypted_connections"] as? Int == 0)
        #expect((without["stats"] as? [String: Any])?["tls_keylog_entries"] == nil)
    }
}
