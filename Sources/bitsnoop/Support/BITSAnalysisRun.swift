import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import ReportOutput
import TLSDecryption
import UploadExtraction

/// One BITS analysis of the captures, as `analyze` and `report` run it: the pipeline over every
/// packet (with the progress line when wanted), then the timeline built from the results.
struct BITSAnalysisRun {
    /// The timeline: sessions, findings, counters.
    let report: TimelineReport
    /// Every finding, in the order reported.
    let findings: [Finding]
    /// The TLS facts of decrypted connections, when a key log was given.
    let tlsFacts: TLSConnectionFactsTable?

    /// Reads `capture` (opened from `captures`) to the end, writing the JSON timeline to `json` as
    /// sessions end; with `extractTo`, rebuilds every upload into that folder (`--extract`); with
    /// `keyLog`, decrypts TLS connections (`--tls-keylog`).
    /// - Throws: ``ExitStatus/inputError`` after printing one line, when an input cannot be read or
    ///   the extraction folder cannot be used or written.
    init(capture: OfflineCapture, captures: [String], meter: ProgressMeter?, json: OutputFile? = nil,
         extractTo folder: String? = nil, keyLog: TLSKeyLog? = nil) throws {
        let collector = FindingCollector()
        let bits = BITSStreamAnalysis(findings: collector, keyLog: keyLog)
        let extractor = try folder.map { folder in
            do { return try UploadExtractor(directory: folder, findings: collector) } catch {
                printError("\(error)")
                throw ExitStatus.inputError
            }
        }
        let facts = bits.decryption?.sessionFacts
        tlsFacts = facts
        // With two cores or more (as many as this process may run on: `taskset` counts), reading
        // has this thread, the analysis another and the timeline's rendering and writing a third
        // (it waits for the analysis most of the time, as the reader does on a busy server's
        // capture); the results are the same either way.
        let threaded = AvailableCores.count > 1
        let document = json.map { output in
            TimelineDocumentWriter(captures: captures, precision: capture.timestampPrecision,
                                   extractionFolder: folder, tlsFacts: facts.map { table in { table.facts(for: $0) } },
                                   pieceBytes: threaded ? Self.writingThreadPieceBytes : JSONObjectStream.flushThreshold,
                                   handOff: { output.write($0.text) })
        }
        let outputs = threaded
            ? RetiredSessionOutputs(timeline: document.map { TimelineWritingThread(document: $0, digest: SessionDigest()) },
                                    keepsSessions: true)
            : RetiredSessionOutputs(document: document, keepsSessions: true)
        bits.tracker.bodyObserver = extractor
        bits.tracker.sink = outputs
        let engine = AnalysisEngine(factory: bits, findings: collector)
        // A read error stops the reading, not the run: what was read is still finished and the JSON
        // timeline completed (nothing already analysed is lost), then the error is exit status 2.
        var readFailure: (any Error)?
        do {
            if let meter {
                // Threaded, the sessions on the progress line are the analysing thread's, as of its
                // last batch.
                var source = ProgressingCapture(capture: capture, meter: meter) {
                    threaded ? engine.progressCount : bits.tracker.sessionCount
                }
                try engine.run(&source, readingThread: threaded) { bits.tracker.sessionCount }
            } else {
                // Without a progress line the capture is read directly (one call less per packet).
                var source = capture
                try engine.run(&source, readingThread: threaded) { bits.tracker.sessionCount }
            }
        } catch { readFailure = error }
        meter?.finish()
        if readFailure == nil { printNothingDecoded(engine, captures: captures) }
        bits.finish()
        if let extractor {
            do { try extractor.finish() } catch {
                printError("\(error)")
                throw ExitStatus.inputError
            }
        }
        for finding in collector.findings where finding.code == .captureTruncated {
            printError("warning: \(finding.message)")
        }
        findings = collector.findings
        let counters = AnalysisCounters.list(for: engine) + [
            ("bits_sessions", UInt64(bits.tracker.sessionCount)),
            ("bits_untracked_requests", UInt64(bits.tracker.untrackedRequests)),
            ("tls_connections", UInt64(bits.tls.connections)),
        ] + AnalysisCounters.decryption(bits.decryption)
            + (folder == nil ? [] : [("files_extracted", UInt64(outputs.filesExtracted))])
        outputs.finishDocument(findings: collector.findings, counters: counters)
        json?.flush()
        if let readFailure {
            printError("\(readFailure)")
            throw ExitStatus.inputError
        }
        var report = TimelineReport(
            captures: captures, precision: capture.timestampPrecision, digest: outputs.digest,
            findings: collector.findings, counters: counters, extractionFolder: folder
        )
        report.sessionTLS = facts.map { table in { table.facts(for: $0) } }
        self.report = report
    }

    /// The text the timeline's writing thread hands to the file at a time (as its writing thread
    /// took it before it also rendered the sessions: a run stopped early by an error leaves the
    /// same part of the document written).
    static let writingThreadPieceBytes = 256 << 10

    /// Writes the HTML report to `output`.
    func writeHTML(to output: OutputFile) {
        var page = HTMLReport(timeline: report)
        let tlsFacts = tlsFacts
        page.extraSessionDetails = { _, session in
            var lines: [(label: String, value: String)] = []
            if let tls = tlsFacts?.facts(for: session) {
                lines.append((label: "TLS", value: [tls.version, tls.cipherSuite, tls.serverName.map { "SNI \($0)" }]
                    .compactMap { $0 }.joined(separator: ", ")))
            }
            guard let file = session.file else { return lines }
            lines += [(label: "file", value: file.path), (label: "file bytes", value: String(file.bytes)),
                         (label: "complete", value: file.complete ? "yes" : "no"), (label: "sha256", value: file.sha256)]
            if !file.missing.isEmpty {
                // The first ranges only: a hostile upload can leave many.
                let shown = file.missing.prefix(20).map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", ")
                let more = file.missing.count > 20 ? ", … \(file.missing.count - 20) more" : ""
                lines.append((label: "missing", value: shown + more))
            }
            return lines
        }
        output.write(page.render())
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
