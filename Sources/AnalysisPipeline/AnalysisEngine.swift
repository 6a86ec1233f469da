import AnalyzerCore
import PacketDecoding
import TCPReassembly

/// Drives packets through decoding and TCP reassembly into stream consumers.
///
/// The same engine serves capture files, standard input and live interfaces: anything that is a
/// ``PacketSource`` or calls ``process(_:)`` packet by packet. A source can also be read on one
/// thread and analysed on another (``run(_:readingThread:count:)``), with the same results. Nothing
/// here reads files or the clock; time comes from the packets.
public final class AnalysisEngine {
    let decoder: PacketDecoder
    let reassembler: TCPReassembler
    let findings: any FindingSink
    /// The decoder's findings: passed to `findings`, or relayed to the analysing thread during
    /// ``run(_:readingThread:count:)`` (the decoder then runs on the reading thread).
    let decoderFindings: RelayableFindingSink
    /// The decoder's findings handed to the analysing thread during ``run(_:readingThread:count:)``,
    /// kept alive here (the hand-over carries unretained references) until the run ends. Bounded:
    /// the decoder reports each kind of fragment limit once a run.
    @exclusivity(unchecked) var relayedFindings: [FindingBox] = []
    /// The hand-off to the analysing thread during ``run(_:readingThread:count:)``.
    @exclusivity(unchecked) var handoff: HandoffRing<DecodedHandoff>?
    // Per-packet state: `@exclusivity(unchecked)` drops the runtime exclusivity check (a call
    // costing ~300 instructions per access; see docs/performance.md). Sound here: only this
    // object's own methods touch these properties, on one thread, and no callee can reach back.
    @exclusivity(unchecked) private var finished = false
    /// Checks, in debug builds, that no consumer or sink calls back into the engine.
    @exclusivity(unchecked) private var reentry = ReentryGuard()

    /// Counters of packets read before decoding.
    @exclusivity(unchecked) public internal(set) var capture = CaptureStatistics()

    /// Creates an engine.
    /// - Parameters:
    ///   - limits: bounds on every table and buffer.
    ///   - factory: makes the consumer of each TCP connection and hears each connection's summary.
    ///   - findings: where findings (including `limit-*` notices) go, in capture order.
    public init(limits: Limits = .init(), factory: (any StreamConsumerFactory)?, findings: any FindingSink) {
        self.findings = findings
        decoderFindings = RelayableFindingSink(target: findings)
        self.decoder = PacketDecoder(limits: limits.ipFragments, findings: decoderFindings)
        self.reassembler = TCPReassembler(limits: limits.reassembly, factory: factory, findings: findings)
    }

    /// Decoding counters so far.
    public var decodeStatistics: DecodeStatistics { decoder.statistics }
    /// Reassembly counters so far.
    public var reassemblyStatistics: ReassemblyStatistics { reassembler.statistics }

    /// Processes one packet. Its bytes need to stay valid only for the duration of the call.
    public func process(_ packet: CapturedPacket) {
        reentry.enter("AnalysisEngine.process")
        defer { reentry.leave() }
        capture.record(packet)
        if case .tcp(let segment) = decoder.decode(packet) {
            reassembler.process(segment)
        }
    }

    /// Ends the analysis as at the end of a capture: every connection is flushed and closed.
    /// Calling it again does nothing.
    public func finish() {
        reentry.enter("AnalysisEngine.finish")
        defer { reentry.leave() }
        guard !finished else { return }
        finished = true
        reassembler.finish()
    }

    /// Reads `source` to its end, processes every packet, reports each interruption of the source
    /// as a `capture-truncated` finding, packets cut by the snapshot length as one
    /// `capture-snaplen-cut` finding and packets it could not decode as one `capture-undecoded`
    /// finding, and finishes.
    /// - Throws: what the source throws for an error that stops it; what was read is still finished.
    public func run(_ source: inout some PacketSource) throws {
        defer { endRun(source) }
        while let packet = try source.nextPacket() {
            process(packet)
        }
    }

    /// What ends a run over a source: its interruptions, the snapshot-length and undecoded notices,
    /// and ``finish()``.
    func endRun(_ source: some PacketSource) {
        for interruption in source.interruptions {
            findings.report(Finding(
                code: .captureTruncated, severity: .notice, time: interruption.lastTimestamp,
                message: "\(interruption.capture): reading stopped after \(interruption.packetsRead) packets: "
                    + interruption.reason
            ))
        }
        reportSnapshotCuts()
        reportUndecoded()
        finish()
    }
}

extension AnalysisEngine {
    /// One notice for all packets the snapshot length cut: their missing bytes become gaps, so the
    /// messages in them (HTTP heads, BITS requests) may not be analysed, and the user should know why.
    private func reportSnapshotCuts() {
        guard capture.cutBySnapshotLength > 0 else { return }
        findings.report(Finding(
            code: .captureSnaplenCut, severity: .notice, time: capture.lastTime,
            message: "\(capture.cutBySnapshotLength) of \(capture.packets) packets were cut by the capture's "
                + "snapshot length: \(capture.uncapturedBytes) bytes seen on the wire were not captured and count "
                + "as gaps, so messages in them may be missing from the analysis (capture with a larger -s)"
        ))
    }

    /// When packets were read but none decoded to IP: e.g. `0 of 512 packets could be decoded (link
    /// type 147: 512 packets)`, for the one stderr line the CLI prints; `nil` otherwise.
    public var nothingDecodedSummary: String? {
        let decode = decoder.statistics
        guard capture.packets > 0, decode.tcpSegments + decode.nonTCP + decode.ipFragments == 0 else { return nil }
        var reasons: [String] = []
        if !decode.undecodedEncapsulations.isEmpty { reasons.append(decode.undecodedEncapsulations.summary) }
        if decode.nonIP > 0 { reasons.append("\(decode.nonIP) not IP") }
        if decode.malformed > 0 { reasons.append("\(decode.malformed) malformed") }
        let cut = decode.truncated - decode.truncatedPayloads
        if cut > 0 { reasons.append("\(cut) cut inside a header by the snapshot length") }
        return "0 of \(capture.packets) packets could be decoded (\(reasons.joined(separator: "; ")))"
    }

    /// One notice for all packets of link types or encapsulations the decoder cannot open, naming each
    /// (up to ``UndecodedTable/capacity``) with its packet count: their connections are missing from
    /// the analysis, and without it a capture of only such packets would analyse to silence.
    private func reportUndecoded() {
        let table = decoder.statistics.undecodedEncapsulations
        guard !table.isEmpty else { return }
        findings.report(Finding(
            code: .captureUndecoded, severity: .notice, time: capture.lastTime,
            message: "\(table.totalPackets) of \(capture.packets) packets could not be decoded and were not "
                + "analysed: \(table.summary)"
        ))
    }
}

/// Counters of the packets read, before any decoding.
public struct CaptureStatistics: Hashable, Sendable {
    /// Packets read.
    public var packets = 0
    /// Captured bytes read.
    public var capturedBytes: UInt64 = 0
    /// Packets whose captured length was shorter than their length on the wire.
    public var cutBySnapshotLength = 0
    /// Bytes on the wire past the snapshot length, over all packets (saturating).
    public var uncapturedBytes: UInt64 = 0
    /// Time of the first packet.
    public var firstTime: CaptureTimestamp?
    /// Time of the latest packet (the largest timestamp seen).
    public var lastTime: CaptureTimestamp?

    /// All zeros.
    public init() {}

    /// Counts one packet.
    @inline(__always)
    mutating func record(_ packet: CapturedPacket) {
        packets += 1
        capturedBytes += UInt64(packet.bytes.count)
        if packet.originalLength > packet.bytes.count {
            cutBySnapshotLength += 1
            // Lengths are checked by the reader (captured at most the original); the sum saturates.
            let missing = UInt64(packet.originalLength - packet.bytes.count)
            uncapturedBytes = uncapturedBytes.saturatingAdding(missing)
        }
        // One test for both times in the usual case: a time is known and this packet is not later.
        if let last = lastTime, !(last < packet.timestamp) { return }
        if firstTime == nil { firstTime = packet.timestamp }
        lastTime = packet.timestamp
    }
}
