import AnalyzerCore
import PacketDecoding
import TCPReassembly

/// What the reading thread hands the analysing thread: a decoded TCP segment, its payload kept in
/// the batch's bytes, or a finding the decoder reported (a fragment limit) in its place in the
/// packet order. Only plain values: a finding, which holds strings, travels as an unretained
/// reference to a box the engine keeps until the run ends (``AnalysisEngine/relayedFindings``), so
/// that copying an item is a copy of bytes, with no reference counting (an item with a counted
/// reference in it cost an outlined copy and destroy, and a retain, per segment). A struct, not an
/// enum, so that the analysing thread can point the segment's payload into the batch's bytes where
/// the item lies and reassemble it from there, without copying it out.
struct DecodedHandoff {
    /// The segment; its payload pointer is empty until the analysing thread sets it: its
    /// `payloadCount` captured bytes start at `payloadStart` in the batch's bytes. Unused (all
    /// zeros) for a finding.
    var segment: TCPSegment
    var payloadStart: Int
    var payloadCount: Int
    /// The segment's folds and cache slot, worked out on the reading thread (off the analysing
    /// thread, which bounds the run). Unused for a finding.
    var folds: SegmentFolds
    /// The finding handed over in the segment's stead, if this is one.
    var finding: Unmanaged<FindingBox>?

    /// `segment`, its payload kept out of it at `payloadStart` (the reader reuses the packet's buffer).
    init(_ segment: TCPSegment, payloadStart: Int) {
        folds = withUnsafePointer(to: segment) { SegmentFolds(of: $0) }
        self.segment = segment
        self.segment.payload = UnsafeRawBufferPointer(start: nil, count: 0)
        self.payloadStart = payloadStart
        payloadCount = segment.payload.count
        finding = nil
    }

    /// `finding` in its place among the segments.
    init(finding: Unmanaged<FindingBox>) {
        let nowhere = Endpoint(address: .v4(0), port: 0)
        segment = TCPSegment(
            source: nowhere, destination: nowhere, sequenceNumber: 0, acknowledgmentNumber: 0, flags: [], window: 0,
            payload: UnsafeRawBufferPointer(start: nil, count: 0), payloadLength: 0, timestamp: .zero)
        payloadStart = 0
        payloadCount = 0
        folds = SegmentFolds(of: &segment)
        self.finding = finding
    }
}

/// A finding crossing from the reading to the analysing thread.
final class FindingBox {
    let finding: Finding
    init(_ finding: Finding) { self.finding = finding }
}

/// Passes findings to `target`, or, while ``relay`` is set (a threaded run), to it instead: the
/// decoder reports on the reading thread, and the findings must reach the sink on the analysing
/// thread, in their place among the segments.
final class RelayableFindingSink: FindingSink {
    private let target: any FindingSink
    /// Where findings go instead of `target` while set.
    var relay: ((Finding) -> Void)?

    init(target: any FindingSink) { self.target = target }

    func report(_ finding: Finding) {
        if let relay { relay(finding) } else { target.report(finding) }
    }
}

extension AnalysisEngine {
    /// Reads `source` to its end like ``run(_:)``, with the same results; with `readingThread`, the
    /// calling thread reads and decodes the packets while another reassembles the TCP streams and
    /// runs every consumer (HTTP, BITS, the outputs): two cores share a capture.
    ///
    /// Decoded segments are handed over through a ``HandoffRing`` with their payload copied (the
    /// reader reuses its buffer for the next packet), in capture order, and the decoder's findings
    /// in their place among them: the reassembler and the consumers see exactly what ``run(_:)``
    /// shows them, in the same order, and findings reach the sink in the same order. Nothing flows
    /// back to the reader. When this returns, or throws, the analysing thread has finished, the
    /// run's end is done as ``run(_:)`` does it, and everything is back on the calling thread.
    /// `count` is called on the analysing thread after each batch; ``progressCount`` is its result
    /// as the reading thread may read it (for a progress line).
    /// - Throws: what the source throws for an error that stops it; what was read is still finished.
    public func run(_ source: inout some PacketSource, readingThread: Bool, count: @escaping () -> Int = { 0 }) throws {
        guard readingThread else { return try run(&source) }
        let ring = HandoffRing<DecodedHandoff>()
        handoff = ring
        let reassembler = reassembler, decoder = decoder, findings = findings
        ring.start(Replay(reassembler: reassembler, findings: findings, count: count))
        decoderFindings.relay = { [unowned self] finding in
            let box = FindingBox(finding)
            relayedFindings.append(box)
            ring.append(DecodedHandoff(finding: Unmanaged.passUnretained(box)))
        }
        defer {
            ring.finish()
            decoderFindings.relay = nil
            relayedFindings = []
            handoff = nil
            endRun(source)
        }
        while let packet = try source.nextPacket() {
            capture.record(packet)
            guard case .tcp(let segment) = decoder.decode(packet) else { continue }
            let count = segment.payload.count
            ring.append(DecodedHandoff(segment, payloadStart: count == 0 ? 0 : ring.keep(segment.payload)))
        }
    }

    /// The analysing thread's latest `count` (see ``run(_:readingThread:count:)``); 0 outside such a run.
    public var progressCount: Int { handoff?.consumerNote ?? 0 }

    /// The analysing thread's consumer of the ring: a type, so that the ring's loop calls
    /// ``replay(_:bytes:reassembler:findings:)`` directly (through a closure, its captured values
    /// were forwarded at every segment).
    private struct Replay: HandoffConsumer {
        let reassembler: TCPReassembler
        let findings: any FindingSink
        let count: () -> Int

        @inline(__always)
        func consume(_ item: UnsafeMutablePointer<DecodedHandoff>, bytes: UnsafeRawBufferPointer) {
            AnalysisEngine.replay(item, bytes: bytes, reassembler: reassembler, findings: findings)
        }

        func afterBatch() -> Int { count() }
    }

    /// Reassembles one handed-over segment where it lies in its batch (its payload pointed into the
    /// batch's `bytes` first), or reports a handed-over finding, on the analysing thread.
    private static func replay(_ handed: UnsafeMutablePointer<DecodedHandoff>, bytes: UnsafeRawBufferPointer,
                               reassembler: TCPReassembler, findings: any FindingSink) {
        if let box = handed.pointee.finding { return relay(box, to: findings) }
        let start = handed.pointee.payloadStart, count = handed.pointee.payloadCount
        if count > 0 { handed.pointee.segment.payload = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]) }
        // By address: passing the segment by value copied it for the call.
        withUnsafeMutablePointer(to: &handed.pointee.segment) {
            reassembler.process(segmentAt: $0, folds: handed.pointee.folds)
        }
    }

    /// Reports a handed-over finding: out of line, so that the per-segment path above keeps a small
    /// frame (the finding's copy needed room on the stack of every call).
    @inline(never)
    private static func relay(_ box: Unmanaged<FindingBox>, to findings: any FindingSink) {
        findings.report(box.takeUnretainedValue().finding)
    }
}
