import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import ReportOutput

/// One BITS analysis of the captures, as `analyze` and `report` run it: the pipeline over every
/// packet (with the progress line when wanted), then the timeline built from the results.
struct BITSAnalysisRun {
    /// The timeline: sessions, findings, counters.
    let report: TimelineReport
    /// Every finding, in the order reported.
    let findings: [Finding]

    /// Reads `capture` (opened from `captures`) to the end.
    /// - Throws: ``ExitStatus/inputError`` after printing one line, when an input cannot be read.
    init(capture: OfflineCapture, captures: [String], meter: ProgressMeter?) throws {
        let collector = FindingCollector()
        let bits = BITSStreamAnalysis(findings: collector)
        let engine = AnalysisEngine(factory: bits, findings: collector)
        var source = ProgressingCapture(capture: capture, meter: meter) { bits.tracker.sessions.count }
        do {
            try engine.run(&source)
        } catch {
            meter?.finish()
            printError("\(error)")
            throw ExitStatus.inputError
        }
        meter?.finish()
        bits.finish()
        for finding in collector.findings where finding.code == .captureTruncated {
            printError("warning: \(finding.message)")
        }
        findings = collector.findings
        report = TimelineReport(
            captures: captures, precision: capture.timestampPrecision, sessions: bits.tracker.sessions,
            findings: collector.findings,
            counters: AnalysisCounters.list(for: engine) + [
                ("bits_sessions", UInt64(bits.tracker.sessions.count)),
                ("bits_untracked_requests", UInt64(bits.tracker.untrackedRequests)),
            ]
        )
    }

    /// Writes the HTML report to `output`.
    func writeHTML(to output: OutputFile) {
        output.write(HTMLReport(timeline: report).render())
        output.flush()
    }

    /// Opens an output file named on the command line.
    /// - Throws: ``ExitStatus/inputError`` after printing one line, when it cannot be opened.
    static func open(_ path: String) throws -> OutputFile {
        do { return try OutputFile.open(path) } catch {
            printError("\(error)")
            throw ExitStatus.inputError
        }
    }
}
