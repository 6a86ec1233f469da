import AnalysisPipeline
import AnalyzerCore
import ArgumentParser
import CaptureIO
import ReportOutput
import TCPReassembly
import TLSDecryption

/// Lets `--follow-format` take the format names.
extension FollowFormat: ExpressibleByArgument {}

/// Which directions `--follow` prints.
enum FollowDirections: String, CaseIterable, ExpressibleByArgument {
    case both, client, server

    var directions: Set<FlowDirection> {
        switch self {
        case .both: return Set(FlowDirection.allCases)
        case .client: return [.clientToServer]
        case .server: return [.serverToClient]
        }
    }
}

/// `bitsnoop streams`: every TCP connection of the capture, or the reassembled bytes of one.
struct Streams: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the TCP connections of a capture, or print the reassembled bytes of one.",
        discussion: """
            Connections are numbered in the order they first appear. Bytes are unique payload bytes \
            (retransmitted copies not counted); gaps are bytes missing from the capture.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(help: ArgumentHelp("Write the connection list as JSON to this path ('-' for standard output).",
                               valueName: "path"), completion: .file())
    var json: String?

    @Option(help: ArgumentHelp("Print the reassembled bytes of connection N instead of the list.", valueName: "N"))
    var follow: Int?

    @Option(help: "How --follow prints bytes: ascii (tshark style), hex, or raw (the bytes alone).")
    var followFormat: FollowFormat = .ascii

    @Option(help: "Which directions --follow prints: both, client or server.")
    var direction: FollowDirections = .both

    @OptionGroup var tls: TLSOptions

    @OptionGroup var style: OutputStyleOptions

    func validate() throws {
        if let follow, follow < 1 { throw ValidationError("Connections are numbered from 1.") }
        if follow != nil, json == "-" { throw ValidationError("--follow and --json - both write to standard output.") }
    }

    func run() throws {
        let keyLog = try tls.loadKeyLog(captures: input.captures)
        let capture = try input.openCapture()
        let findings = FindingCollector()
        let jsonOutput = try json.map { path in
            do { return try OutputFile.open(path) } catch { printError("\(error)"); throw ExitStatus.inputError }
        }
        let renderer = FollowRenderer(format: followFormat, directions: direction.directions)
        let out = OutputFile.standardOutput
        var gapBytes: UInt64 = 0
        var lostRecords = 0
        let follower = follow.map { id in
            StreamFollower(connectionID: id, keyLog: keyLog) { event in
                if case .gap(_, let length, _, _) = event { gapBytes += length }
                if case .lost(_, let records, _, _) = event { lostRecords += records }
                out.write(renderer.render(event))
            }
        }
        let catalog = ConnectionCatalog(forwardingTo: follower)
        let engine = AnalysisEngine(factory: catalog, findings: findings)
        // No progress line while --follow prints the bytes as they are read.
        let meter = follow == nil ? style.progressMeter(counting: "connection") : nil
        var source = ProgressingCapture(capture: capture, meter: meter) { engine.reassemblyStatistics.connections }
        do {
            try engine.run(&source)
            meter?.finish()
        } catch {
            meter?.finish()
            printError("\(error)")
            throw ExitStatus.inputError
        }
        printNothingDecoded(engine, captures: input.captures)
        for finding in findings.findings where finding.code == .captureTruncated {
            printError("warning: \(finding.message)")
        }

        let report = StreamsReport(
            captures: input.captures, precision: capture.timestampPrecision, connections: catalog.summaries,
            findings: findings.findings, counters: AnalysisCounters.list(for: engine)
        )
        if let jsonOutput {
            jsonOutput.write(report.json().serializedUTF8() + [UInt8(ascii: "\n")])
            jsonOutput.flush()
        }
        if let follower, let id = follow {
            out.flush()
            guard follower.found else {
                printError("connection \(id) not found: the capture has \(catalog.summaries.count) connection(s)")
                throw ExitStatus.inputError
            }
            if followFormat == .raw, gapBytes > 0 {
                printError("warning: \(gapBytes) byte(s) of connection \(id) are missing from the capture (gaps)")
            }
            if let facts = follower.tlsFacts { Self.reportDecryption(facts, connection: id, lostRecords: lostRecords) }
        } else if jsonOutput?.isStandardOutput != true {
            out.write(report.text(style: style.textStyle()))
        }
        out.flush()
    }
}

extension Streams {
    /// One line on standard error about a followed TLS connection: what was negotiated, and why
    /// (part of) it was not decrypted, so that a short or empty plaintext is never silent.
    static func reportDecryption(_ facts: TLSConnectionFacts, connection id: Int, lostRecords: Int) {
        let version = facts.version.map { $0 == 0x0304 ? "TLS 1.3" : $0 == 0x0303 ? "TLS 1.2" : "version \($0)" }
        var parts = [version ?? "TLS", facts.cipherSuiteName, facts.serverName.map { "SNI \($0)" }].compactMap { $0 }
        parts.append("\(facts.client.recordsDecrypted + facts.server.recordsDecrypted) records decrypted")
        let failed = facts.client.recordsFailedAuthentication + facts.server.recordsFailedAuthentication
        if failed > 0 { parts.append("\(failed) failed authentication (tls-decrypt-failed)") }
        if lostRecords > 0 { parts.append("\(lostRecords) lost") }
        if let reason = facts.notDecrypted {
            parts.append("not (fully) decrypted: \(TLSDecryptionTally.describe(reason)) (tls-not-decrypted)")
        }
        printError("connection \(id): " + parts.joined(separator: ", "))
    }
}
