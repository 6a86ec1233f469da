import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import PacketDecoding
import ReportOutput

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The capture fuzz target: the input as a capture file read through libpcap, and as a packet
/// script (``PacketScriptReader``) fed to the decoder directly; each analysed as `bitsnoop analyze`
/// and `bitsnoop streams` would, and rendered as text and JSON.
public enum CaptureFuzzing {
    /// Runs one input both ways, and through bitsnoop's own decoders (pcapng reader, gzip and
    /// zstd decompression) whatever its first bytes say.
    public static func run(_ input: UnsafeRawBufferPointer) {
        runAsFile(input)
        runAsPackets(input)
        runThroughOwnDecoders(input)
    }

    /// The input read by the own pcapng reader (as for a file libpcap refuses) and decompressed as
    /// gzip and as zstd; checks what each hands out.
    public static func runThroughOwnDecoders(_ input: UnsafeRawBufferPointer) {
        let path = scratchPath()
        guard writeFile(input, to: path) else { fatalError("cannot write the scratch file \(path)") }
        defer { unlink(path) }
        var visited = 0
        let count = OwnDecoderFuzzing.readAsPcapng(path: path) { packet in
            visited += 1
            check(packet.bytes.count <= input.count, "a packet larger than the file")
            check(packet.originalLength >= packet.bytes.count, "original length below captured length")
            check(packet.timestamp.nanoseconds < 1_000_000_000, "nanoseconds out of range")
        }
        check(count == nil || count == visited, "packets counted and visited differ")
        for zstd in [false, true] {
            // Any length is possible, so only reaching the end, a failure or the bound (a small
            // input can expand a thousandfold) without a trap is checked.
            if let result = OwnDecoderFuzzing.decompress(path: path, zstd: zstd, limit: 8 << 20) {
                check(result.bytes >= 0, "negative decompressed length")
            }
        }
    }

    /// Writes the input to a scratch file and analyses it if libpcap opens it, with `limits`.
    /// - Returns: the packets analysed, or `nil` when the input is not a capture.
    @discardableResult
    public static func runAsFile(_ input: UnsafeRawBufferPointer, limits: Limits = FuzzLimits.small) -> Int? {
        let path = scratchPath()
        guard writeFile(input, to: path) else { fatalError("cannot write the scratch file \(path)") }
        defer { unlink(path) }
        // Not a capture: the CLI reports it in one line and exits 2; nothing more to exercise.
        guard var capture = try? OfflineCapture(paths: [path]) else { return nil }
        let analysis = Analysis(limits: limits)
        do {
            try analysis.engine.run(&capture)
        } catch {
            // A file source throws only for a filter that fails on reopening; none is set here.
            fatalError("reading a file threw: \(error)")
        }
        check(capture.packetsRead == analysis.engine.capture.packets, "packets read and analysed differ")
        analysis.render(captures: [path], precision: capture.timestampPrecision)
        return analysis.engine.capture.packets
    }

    /// Feeds the input, read as a packet script, straight to the engine.
    public static func runAsPackets(_ input: UnsafeRawBufferPointer) {
        let analysis = Analysis(limits: FuzzLimits.small)
        var reader = PacketScriptReader(input)
        while let packet = reader.next() {
            analysis.engine.process(packet)
        }
        analysis.engine.finish()
        analysis.render(captures: ["-"], precision: .nanoseconds)
    }

    /// Everything `analyze` and `streams` wire up.
    private final class Analysis {
        let findings = FindingCollector()
        let limits: Limits
        let bits: BITSStreamAnalysis
        let catalog: ConnectionCatalog
        let engine: AnalysisEngine
        let retired = BITSSessionList()

        init(limits: Limits) {
            self.limits = limits
            bits = BITSStreamAnalysis(limits: limits, findings: findings)
            bits.tracker.sink = retired
            catalog = ConnectionCatalog(forwardingTo: bits)
            engine = AnalysisEngine(limits: limits, factory: catalog, findings: findings)
        }

        /// Finishes the BITS analysis and renders both reports both ways.
        func render(captures: [String], precision: TimestampPrecision) {
            bits.finish()
            // Every packet lands in exactly one decoding outcome, tunnels and undecoded ones included.
            let decode = engine.decodeStatistics
            let outcomes = decode.tcpSegments + decode.nonIP + decode.nonTCP + decode.fragmentsHeld + decode.malformed
                + decode.unsupportedLinkType + decode.undecoded + (decode.truncated - decode.truncatedPayloads)
            check(decode.packets == outcomes, "decoding outcomes do not add up to the packets")
            _ = engine.nothingDecodedSummary
            let counters = AnalysisCounters.list(for: engine)
            let streams = StreamsReport(captures: captures, precision: precision, connections: catalog.summaries,
                                        findings: findings.findings, counters: counters)
            _ = streams.json().serialized()
            _ = streams.text()
            let timeline = TimelineReport(captures: captures, precision: precision, sessions: retired.sessions,
                                          findings: findings.findings, counters: counters)
            _ = TimelineDocumentWriter.document(captures: captures, precision: precision, sessions: retired.sessions,
                                                findings: timeline.findings, counters: counters)
            _ = timeline.text()
            BITSInvariants.verify(bits.tracker, retired: retired, limits: limits.bits)
        }
    }

    /// A file name of this process in shared memory when there is some (fast), else in /tmp.
    private static func scratchPath() -> String {
        let folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        return "\(folder)/bitsnoop-fuzz-\(getpid()).capture"
    }

    private static func writeFile(_ bytes: UnsafeRawBufferPointer, to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count, let base = bytes.baseAddress {
            let result = write(descriptor, base + written, bytes.count - written)
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { return false }
            written += result
        }
        return true
    }
}
