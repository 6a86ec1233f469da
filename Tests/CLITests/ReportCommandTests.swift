import Foundation
import TestSupport
import Testing

/// `bitsnoop report` and `analyze --html`: the page of every sample loads in a browser without
/// script errors and holds the sessions and findings of the JSON timeline.
@Suite struct ReportCommandTests {
    /// Every sample capture.
    static let samples: [String] = {
        let folder = CLIRunner.repositoryRoot.appendingPathComponent("samples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
    }()

    /// Largest size, in bytes, of the report of the largest sample (docs/report.md states it).
    static let largestSampleReportLimit = 64 * 1024

    static let browser = Comment(rawValue: HeadlessChromium.skipReason)

    /// A new temporary path ending in `.html`.
    static func temporaryPage() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-report-\(UUID().uuidString).html")
    }

    /// How many times `needle` occurs in `text`.
    static func count(_ needle: String, in text: some StringProtocol) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("every sample's report loads in Chromium without script errors, with its session rows and finding markers",
          .enabled(if: HeadlessChromium.executable != nil, browser), .serialized, arguments: samples)
    func sampleInBrowser(name: String) throws {
        let timeline = try CLIRunner.run(["analyze", "--json", "-", "samples/\(name)"])
        let document = try CLIRunner.json(timeline.standardOutput)
        let sessions = try #require(document["sessions"] as? [[String: Any]])
        let findings = try #require(document["findings"] as? [[String: Any]])
        let page = Self.temporaryPage()
        defer { try? FileManager.default.removeItem(at: page) }
        let result = try CLIRunner.run(["report", "samples/\(name)", "-o", page.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.text.isEmpty, "report writes nothing to standard output")

        let dom = try HeadlessChromium.dumpDOM(of: page)
        let root = HeadlessChromium.rootTag(of: dom)
        #expect(root.contains("data-ready=\"true\""), "\(name): \(root)")
        #expect(!root.contains("data-script-errors"), "\(name): \(root)")
        #expect(Self.count("<details class=\"session", in: dom) == sessions.count, "\(name): session rows")
        for (index, session) in sessions.enumerated() {
            #expect(dom.contains("id=\"s\(index + 1)\""), "\(name): row \(index + 1)")
            let requests = (session["requests"] as? [Any])?.count ?? 0
            #expect(Self.count("<title>", in: Self.row(index, of: dom)) >= requests, "\(name): requests of row \(index + 1)")
        }
        #expect(Self.count("<tr id=\"f", in: dom) == findings.count, "\(name): findings table")
        let sessionIDs = Set(sessions.compactMap { $0["session_id"] as? String })
        for (index, finding) in findings.enumerated() {
            guard let id = finding["session_id"] as? String, sessionIDs.contains(id) else { continue }
            let code = try #require(finding["code"] as? String)
            #expect(dom.contains("<a href=\"#f\(index + 1)\"><path class=\"finding sev-\(finding["severity"] as? String ?? "")\" "
                                 + "data-code=\"\(code)\""), "\(name): marker of finding \(index + 1) (\(code))")
        }
    }

    /// The markup of session row `index` (from its opening tag to the next row's).
    static func row(_ index: Int, of dom: String) -> Substring {
        guard let start = dom.range(of: "id=\"s\(index + 1)\"") else { return "" }
        let end = dom.range(of: "<details class=\"session", range: start.upperBound..<dom.endIndex)?.lowerBound
            ?? dom.endIndex
        return dom[start.lowerBound..<end]
    }

    @Test("the report of the largest sample stays under 64 KiB")
    func largestSampleSize() throws {
        let folder = CLIRunner.repositoryRoot.appendingPathComponent("samples")
        let sizes = try Self.samples.map { name in
            (name, try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int ?? 0)
        }
        let largest = try #require(sizes.max { $0.1 < $1.1 }).0
        let result = try CLIRunner.run(["report", "samples/\(largest)", "-o", "-"])
        #expect(result.status == 0)
        #expect(result.standardOutput.count > 4096, "a real page")
        #expect(result.standardOutput.count < Self.largestSampleReportLimit, "\(largest): \(result.standardOutput.count) bytes")
    }

    @Test("analyze --html writes the same page as report, and the summary still goes to standard output")
    func analyzeHTML() throws {
        let page = Self.temporaryPage()
        defer { try? FileManager.default.removeItem(at: page) }
        let analyze = try CLIRunner.run(["analyze", "--html", page.path, "samples/bits-gap-416-fixed.pcap"])
        #expect(analyze.status == 0)
        #expect(analyze.text.contains("1 session: 1 completed"))
        let report = try CLIRunner.run(["report", "-o", "-", "samples/bits-gap-416-fixed.pcap"])
        #expect(try Data(contentsOf: page) == report.standardOutput)
        let html = String(decoding: report.standardOutput, as: UTF8.self)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
        let both = try CLIRunner.run(["analyze", "--json", "-", "--html", "-", "samples/bits-gap-416-fixed.pcap"])
        #expect(both.status == 64, "only one output can be standard output")
    }

    @Test("an output that cannot be written is exit status 2 with one line, before reading the capture")
    func unwritableOutput() throws {
        let result = try CLIRunner.run(["report", "samples/bits-cancel.pcap", "-o", "/nonexistent/dir/r.html"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("/nonexistent/dir/r.html"))
        let missing = try CLIRunner.run(["report", "samples/no-such.pcap", "-o", "-"])
        #expect(missing.status == 2)
        #expect(missing.text.isEmpty)
    }

    @Test("a thousand sessions: the page stays under 8 MiB, loads without errors, shows one page of 100 rows",
          .enabled(if: HeadlessChromium.executable != nil, browser))
    func thousandSessions() throws {
        let capture = try ManySessionsCapture.file(scenarios: 1000)
        defer { try? FileManager.default.removeItem(atPath: capture) }
        let page = Self.temporaryPage()
        defer { try? FileManager.default.removeItem(at: page) }
        let result = try CLIRunner.run(["report", capture, "-o", page.path])
        #expect(result.status == 0, "\(result.standardError)")
        let timeline = try CLIRunner.json(try CLIRunner.run(["analyze", "--json", "-", capture]).standardOutput)
        let sessions = try #require(timeline["sessions"] as? [Any]).count
        #expect(sessions > 900, "most scenarios make one session")
        let size = try Data(contentsOf: page).count
        #expect(size < 8 * 1024 * 1024, "\(size) bytes")
        let dom = try HeadlessChromium.dumpDOM(of: page)
        let root = HeadlessChromium.rootTag(of: dom)
        #expect(root.contains("data-ready=\"true\"") && !root.contains("data-script-errors"), "\(root)")
        let rows = Self.count("<details class=\"session", in: dom)
        #expect(rows == sessions)
        #expect(rows - Self.count("hidden=\"\"", in: dom) == 100, "one page of rows shown")
    }
}
