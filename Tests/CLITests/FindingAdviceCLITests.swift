import Foundation
import Testing

@Suite struct FindingAdviceCLITests {
    @Test("analyze: every finding has advice in the JSON and the summary; a server-error's follows its error code")
    func adviceInOutputs() throws {
        let cases: [(sample: String, prefix: String)] = [
            ("bits-fragment-after-close.pcap", "BG_E_SESSION_NOT_FOUND: "),
            ("bits-bits-error-header.pcapng", "E_ACCESSDENIED: "),
        ]
        for (sample, prefix) in cases {
            let json = try CLIRunner.run(["analyze", "--json", "-", "samples/\(sample)"])
            #expect(json.status == 0, "\(json.standardError)")
            let findings = try #require(try CLIRunner.json(json.standardOutput)["findings"] as? [[String: Any]])
            #expect(!findings.isEmpty)
            for finding in findings {
                let advice = finding["advice"] as? String
                #expect(advice.map { !$0.isEmpty } == true, "\(sample): \(finding["code"] ?? "?") without advice")
            }
            let serverError = try #require(findings.first { $0["code"] as? String == "server-error" })
            #expect((serverError["advice"] as? String)?.hasPrefix(prefix) == true, "\(sample): \(serverError)")

            let text = try CLIRunner.run(["analyze", "samples/\(sample)"])
            #expect(text.status == 0)
            let summary = String(decoding: text.standardOutput, as: UTF8.self)
            #expect(summary.contains("      advice: " + prefix), "\(sample): \(summary)")
        }
    }
}
