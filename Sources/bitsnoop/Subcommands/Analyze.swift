import AnalysisPipeline
import AnalyzerCore
import ArgumentParser
import BITSAnalyzer
import CaptureIO
import ReportOutput
import UploadExtraction

/// Lets `--fail-on` take a severity name.
extension Severity: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.description) }
}

/// `bitsnoop analyze`: every BITS upload session of the capture, its timeline and its findings.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild every BITS upload session of a capture and report its timeline and findings.",
        discussion: """
            Prints one line per session (ID, URL, client, state, bytes acknowledged of the total, requests, \
            duration), then the findings grouped by severity. --json writes the timeline document \
            (docs/timeline-schema.md). --extract DIR rebuilds every upload into DIR as the server holds it \
            (docs/extraction.md): complete files by name, others with a .partial suffix. Exit status: 0, or 1 \
            with --fail-on when a finding at or above that severity exists; 2 when an input cannot be read \
            or the --extract folder cannot be written.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(help: ArgumentHelp("Write the timeline as JSON to this path ('-' for standard output).", valueName: "path"))
    var json: String?

    @Option(help: ArgumentHelp("Rebuild each upload into this folder (created if missing); never writes outside "
                               + "it nor replaces a file.", valueName: "dir"))
    var extract: String?

    @Option(help: ArgumentHelp("Exit with status 1 when a finding of this severity or higher exists "
                               + "(info, notice, warning, error).", valueName: "severity"))
    var failOn: Severity?

    func run() throws {
        var capture = try input.openCapture()
        let jsonOutput = try json.map { path in
            do { return try OutputFile.open(path) } catch { printError("\(error)"); throw ExitStatus.inputError }
        }
        let findings = FindingCollector()
        let bits = BITSStreamAnalysis(findings: findings)
        let extractor = try extract.map { folder in
            do { return try UploadExtractor(directory: folder, findings: findings) } catch {
                printError("\(error)")
                throw ExitStatus.inputError
            }
        }
        bits.tracker.bodyObserver = extractor
        let engine = AnalysisEngine(factory: bits, findings: findings)
        do {
            try engine.run(&capture)
        } catch {
            printError("\(error)")
            throw ExitStatus.inputError
        }
        bits.finish()
        var files: [Int: ExtractedFile] = [:]
        if let extractor {
            do { files = try extractor.finish(sessions: bits.tracker.sessions) } catch {
                printError("\(error)")
                throw ExitStatus.inputError
            }
        }
        for finding in findings.findings where finding.code == .captureTruncated {
            printError("warning: \(finding.message)")
        }
        let report = TimelineReport(
            captures: input.captures, precision: capture.timestampPrecision, sessions: bits.tracker.sessions,
            findings: findings.findings,
            counters: AnalysisCounters.list(for: engine) + [
                ("bits_sessions", UInt64(bits.tracker.sessions.count)),
                ("bits_untracked_requests", UInt64(bits.tracker.untrackedRequests)),
            ] + (extract == nil ? [] : [("files_extracted", UInt64(files.count))]),
            extractionFolder: extract, files: files
        )
        if let jsonOutput {
            report.writeJSON(to: jsonOutput.write)
            jsonOutput.flush()
        }
        if jsonOutput?.isStandardOutput != true {
            OutputFile.standardOutput.write(report.text())
            OutputFile.standardOutput.flush()
        }
        if let failOn, findings.findings.contains(where: { $0.severity >= failOn }) {
            throw ExitStatus.findings
        }
    }
}
