import AnalyzerCore
import ArgumentParser
import ReportOutput

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
            (docs/timeline-schema.md), --html (or -o, --output, as in report) the HTML report (docs/report.md). --extract DIR rebuilds every \
            upload into DIR as the server holds it (docs/extraction.md): complete files by name, others with a \
            .partial suffix. While reading, a progress line is shown on standard error when it is a terminal \
            (--quiet hides it). Exit status: 0, or 1 with --fail-on when a finding at or above that severity \
            exists; 2 when an input cannot be read or the --extract folder cannot be written.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(help: ArgumentHelp("Write the timeline as JSON to this path ('-' for standard output).", valueName: "path"),
            completion: .file())
    var json: String?

    @Option(name: [.long, .customShort("o"), .customLong("output")],
            help: ArgumentHelp("Write the HTML report to this path ('-' for standard output); -o and --output as "
                               + "in `report`.", valueName: "path"),
            completion: .file())
    var html: String?

    @Option(help: ArgumentHelp("Rebuild each upload into this folder (created if missing; its parent must exist); "
                               + "never writes outside it nor replaces a file.", valueName: "dir"),
            completion: .directory)
    var extract: String?

    @Option(help: ArgumentHelp("Exit with status 1 when a finding of this severity or higher exists "
                               + "(info, notice, warning, error).", valueName: "severity"))
    var failOn: Severity?

    @OptionGroup var tls: TLSOptions

    @OptionGroup var style: OutputStyleOptions

    func validate() throws {
        if json == "-", html == "-" { throw ValidationError("Only one of --json and --html can write to standard output.") }
    }

    func run() throws {
        let keyLog = try tls.loadKeyLog(captures: input.captures)
        let capture = try input.openCapture()
        let jsonOutput = try json.map(BITSAnalysisRun.open)
        let htmlOutput = try html.map(BITSAnalysisRun.open)
        let run = try BITSAnalysisRun(capture: capture, captures: input.captures, meter: style.progressMeter(),
                                      json: jsonOutput, extractTo: extract, keyLog: keyLog)
        if let htmlOutput { run.writeHTML(to: htmlOutput) }
        if jsonOutput?.isStandardOutput != true, htmlOutput?.isStandardOutput != true {
            OutputFile.standardOutput.write(run.report.text(style: style.textStyle()))
            OutputFile.standardOutput.flush()
        }
        if let failOn, run.findings.contains(where: { $0.severity >= failOn }) {
            throw ExitStatus.findings
        }
    }
}
