import AnalysisPipeline
import AnalyzerCore
import ArgumentParser
import BITSAnalyzer
import CaptureIO
import Foundation
import ReportOutput

/// `bitsnoop live`: sniff an interface and follow BITS uploads as they happen.
struct Live: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sniff an interface and follow BITS uploads as they happen.",
        discussion: """
            Every packet goes through the same decoding, reassembly, HTTP, BITS and findings code as \
            `analyze`. One line per event on standard output (session created, progress, ended, each \
            finding); --json-lines streams the same events as NDJSON. SIGINT, SIGTERM, --duration or \
            --count stop cleanly: open sessions are flushed as at the end of a file, --json writes the \
            timeline, a summary with libpcap's drop counters is printed. Needs capture privileges \
            (root, or CAP_NET_RAW and CAP_NET_ADMIN).
            """
    )

    @Option(name: [.customShort("i"), .customLong("interface")], help: "The interface to sniff (see -D).")
    var interface: String?

    @Flag(name: [.customShort("D"), .customLong("list-interfaces")], help: "List the interfaces that can be sniffed.")
    var listInterfaces = false

    @Option(name: [.customShort("f"), .customLong("filter")], help: ArgumentHelp(
        "BPF filter (tcpdump syntax).", valueName: "bpf"))
    var filter = "tcp"

    @Option(help: ArgumentHelp("On stop, write the timeline as JSON to this path ('-' for standard output).",
                               valueName: "path"), completion: .file())
    var json: String?

    @Option(name: .customLong("json-lines"), help: ArgumentHelp(
        "Stream events as NDJSON to this path ('-' for standard output), one flushed line each.", valueName: "path"),
            completion: .file())
    var jsonLines: String?

    @Option(help: ArgumentHelp("Stop after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("Stop after this many packets (as tcpdump's -c).",
                                                                 valueName: "packets"))
    var count: Int?

    @Option(name: [.customShort("w"), .customLong("write")], help: ArgumentHelp(
        "Also save the raw packets to this pcap file (for a later `analyze`).", valueName: "file"), completion: .file())
    var write: String?

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp(
        "Seconds (capture time) after which a silent session is ended (orphaned-session) and leaves memory.",
        valueName: "seconds"))
    var idleTimeout: Int64 = 300

    @Option(name: .customLong("progress-interval"), help: ArgumentHelp(
        "Least seconds between two progress lines of one session.", valueName: "seconds"))
    var progressInterval = 5.0

    @Option(name: .customLong("stats-interval"), help: ArgumentHelp(
        "Seconds between two stats events in the NDJSON stream.", valueName: "seconds"))
    var statsInterval = 10.0

    @Option(name: [.customShort("s"), .customLong("snaplen")], help: "Bytes kept of each packet.")
    var snaplen = 262_144

    @Option(help: ArgumentHelp("Colour severities and states: auto (when standard output is a terminal and "
                               + "NO_COLOR is unset), always, never; lines are fitted to the terminal's width "
                               + "(or COLUMNS) as analyze's.", valueName: "when"))
    var color: ColorChoice = .auto

    @OptionGroup var tls: TLSOptions

    @Flag(name: [.customShort("p"), .customLong("no-promiscuous-mode")], help: "Do not put the interface in promiscuous mode.")
    var noPromiscuousMode = false

    /// tcpdump's `-r FILE`, which `live` does not do: caught to point to `analyze`.
    @Option(name: [.customShort("r"), .customLong("read")], help: .hidden, completion: .file())
    var readFile: String?

    func validate() throws {
        if let readFile {
            throw ValidationError("live sniffs an interface; to read a capture file use "
                                  + "'bitsnoop analyze \(readFile)' (or 'bitsnoop report \(readFile)').")
        }
        if !listInterfaces, interface == nil { throw ValidationError("Name the interface to sniff with -i (list them with -D).") }
        if json == "-", jsonLines == "-" { throw ValidationError("--json - and --json-lines - both write to standard output.") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive.") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1.") }
        if idleTimeout < 1 { throw ValidationError("--idle-timeout must be at least 1 second.") }
    }

    func run() throws {
        if listInterfaces { return try printInterfaces() }
        // Followed while capturing: secrets a client appends later are used (docs/tls.md).
        let keys = try tls.followKeyLog()
        let capture = try openInterface()
        let outputs = try LiveOutputs(json: json, jsonLines: jsonLines, write: write, capture: capture)
        let events = LiveEventWriter(human: outputs.human, ndjson: outputs.ndjson,
                                     precision: capture.timestampPrecision, progressSeconds: progressInterval,
                                     style: OutputStyleOptions.textStyle(color: color))
        let bits = BITSStreamAnalysis(findings: events, keys: keys)
        let tlsFacts = bits.decryption?.sessionFacts
        bits.tracker.observer = events
        bits.tracker.idleTimeoutSeconds = idleTimeout
        // Sessions leave memory as they end; with --json each is written then.
        let retired = RetiredSessionOutputs(
            document: outputs.json.map { output in
                TimelineDocumentWriter(captures: [capture.interface], precision: capture.timestampPrecision,
                                       tlsFacts: tlsFacts.map { table in { table.facts(for: $0) } },
                                       handOff: { output.write($0.text) })
            },
            keepsSessions: false
        )
        retired.flushesEachSession = true
        bits.tracker.sink = retired
        let engine = AnalysisEngine(factory: bits, findings: events)
        capture.stopOnSignals()
        printError("listening on \(capture.interface), link type \(capture.linkType), filter \"\(filter)\"")

        let failure = runLoop(capture: capture, engine: engine, bits: bits, events: events)
        engine.finish()
        bits.finish()
        capture.stopSaving()
        let libpcap = capture.statistics()
        let counters = Self.counters(engine: engine, bits: bits, libpcap: libpcap)
        events.stats(time: engine.capture.lastTime, counters: counters)
        retired.finishDocument(findings: events.collector.findings, counters: counters)
        outputs.json?.flush()
        let summaryStyle = OutputStyleOptions.textStyle(color: color, fd: outputs.summary.isStandardOutput ? 1 : 2)
        outputs.summary.write(Self.summary(engine: engine, sessionsByState: retired.countsByState,
                                           findings: events.collector.findings, libpcap: libpcap, style: summaryStyle))
        outputs.summary.flush()
        if let failure {
            printError("\(capture.interface): \(failure)")
            throw ExitStatus.inputError
        }
    }

    /// Reads packets until a stop condition; returns libpcap's message if reading failed.
    private func runLoop(capture: LiveCapture, engine: AnalysisEngine, bits: BITSStreamAnalysis,
                         events: LiveEventWriter) -> String? {
        let started = Date()
        var lastHousekeeping = started
        var lastStats = started
        while true {
            switch capture.next() {
            case .packet(let packet):
                engine.process(packet)
                if let count, capture.packetsRead >= count { return nil }
            case .idle:
                break
            case .stopped:
                return nil
            case .failed(let message):
                return message
            }
            let now = Date()
            if let duration, now.timeIntervalSince(started) >= duration { return nil }
            // Once a second (wall clock): expire silent sessions on capture time; emit stats.
            if now.timeIntervalSince(lastHousekeeping) >= 1 {
                lastHousekeeping = now
                if let time = engine.capture.lastTime { bits.tracker.expireIdle(now: time, idleSeconds: idleTimeout) }
                // Keys written since a quiet connection's last packet: its held records need not wait.
                bits.retryKeyWaits()
                if now.timeIntervalSince(lastStats) >= statsInterval {
                    lastStats = now
                    events.stats(time: engine.capture.lastTime,
                                 counters: Self.counters(engine: engine, bits: bits, libpcap: capture.statistics()))
                }
            }
        }
    }

    private func openInterface() throws -> LiveCapture {
        do {
            let capture = try LiveCapture(interface: interface ?? "", snapshotLength: snaplen,
                                          promiscuous: !noPromiscuousMode)
            try capture.setFilter(filter)
            return capture
        } catch {
            printError(error.description + Self.interfaceHint(interface ?? ""))
            throw ExitStatus.inputError
        }
    }

    /// ` (no such interface; list them with 'bitsnoop live -D')` when `name` is not among the
    /// interfaces libpcap lists, otherwise nothing.
    static func interfaceHint(_ name: String) -> String {
        let known = (try? LiveCapture.interfaces().map(\.name)) ?? []
        return known.contains(name) ? "" : " (no such interface; list them with 'bitsnoop live -D')"
    }

    private func printInterfaces() throws {
        do {
            let out = OutputFile.standardOutput
            for (index, item) in try LiveCapture.interfaces().enumerated() {
                var flags: [String] = []
                if item.isUp { flags.append("Up") }
                if item.isRunning { flags.append("Running") }
                if item.isLoopback { flags.append("Loopback") }
                let description = item.description.map { " (\($0))" } ?? ""
                out.write("\(index + 1).\(item.name)\(description) [\(flags.joined(separator: ", "))]\n")
            }
            out.flush()
        } catch {
            printError(error.description)
            throw ExitStatus.inputError
        }
    }

    /// The stats counters: the analysis's, the BITS tracker's and libpcap's.
    static func counters(engine: AnalysisEngine, bits: BITSStreamAnalysis,
                         libpcap: LiveCaptureStatistics?) -> [(String, UInt64)] {
        AnalysisCounters.list(for: engine) + [
            ("bits_sessions", UInt64(bits.tracker.sessionCount)),
            ("bits_untracked_requests", UInt64(bits.tracker.untrackedRequests)),
            ("tls_connections", UInt64(bits.tls.connections)),
        ] + AnalysisCounters.decryption(bits.decryption) + [
            ("pcap_received", libpcap?.received ?? 0),
            ("pcap_dropped", libpcap?.dropped ?? 0),
            ("pcap_interface_dropped", libpcap?.interfaceDropped ?? 0),
        ]
    }

    /// The summary printed when the capture stops, states and severities in `style`'s colours.
    static func summary(engine: AnalysisEngine, sessionsByState: [BITSSessionState: Int], findings: [Finding],
                        libpcap: LiveCaptureStatistics?, style: TextStyle = .plain) -> String {
        let stateText = BITSSessionState.allCases.compactMap { state in
            sessionsByState[state].map { style.paint("\($0) \(state.rawValue)", state: state) }
        }.joined(separator: ", ")
        let sessionCount = sessionsByState.values.reduce(0, +)
        let severities = Severity.allCases.reversed().compactMap { severity -> String? in
            let count = findings.filter { $0.severity == severity }.count
            return count > 0 ? style.paint("\(count) \(severity)", severity: severity) : nil
        }.joined(separator: ", ")
        var out = "\n\(engine.capture.packets) packets captured"
        if let libpcap {
            out += "; \(libpcap.received) received by filter, \(libpcap.dropped) dropped by kernel, "
                + "\(libpcap.interfaceDropped) dropped by interface"
        }
        out += "\n\(sessionCount) session\(sessionCount == 1 ? "" : "s")"
            + (stateText.isEmpty ? "" : ": \(stateText)") + "\n"
        out += "\(findings.count) finding\(findings.count == 1 ? "" : "s")" + (severities.isEmpty ? "" : ": \(severities)") + "\n"
        return out
    }
}

/// Where `live` writes: human lines, NDJSON, the final JSON document and the summary.
struct LiveOutputs {
    /// Human event lines (standard output unless it carries JSON).
    var human: OutputFile?
    /// The NDJSON stream.
    var ndjson: OutputFile?
    /// The final timeline document.
    var json: OutputFile?
    /// Where the closing summary goes (standard output, or standard error when stdout carries JSON).
    var summary: OutputFile

    /// Opens every output, and the `-w` file.
    /// - Throws: ``ExitStatus/inputError`` after one line on standard error.
    init(json: String?, jsonLines: String?, write: String?, capture: LiveCapture) throws {
        do {
            ndjson = try jsonLines.map(OutputFile.open)
            self.json = try json.map(OutputFile.open)
            if let write { try capture.startSaving(to: write) }
        } catch let error as CaptureError {
            printError(error.description)
            throw ExitStatus.inputError
        } catch {
            printError("\(error)")
            throw ExitStatus.inputError
        }
        let stdoutCarriesJSON = json == "-" || jsonLines == "-"
        human = stdoutCarriesJSON ? nil : OutputFile.standardOutput
        summary = stdoutCarriesJSON ? OutputFile.standardError : OutputFile.standardOutput
    }
}
