import AnalyzerCore
import PacketDecoding
import TCPReassembly

/// What the reading thread hands the analysing thread: a packet as read, its captured bytes kept in
/// the batch's bytes (`count` bytes at `start`; the packet's own `bytes` are empty here). Plain
/// values, nothing reference counted: handing one over costs no retain or release.
enum ReadPacket {
    case packet(CapturedPacket, start: Int, count: Int)
}

extension AnalysisEngine {
    /// Reads `source` to its end like ``run(_:)``, with the same results; with `readingThread`, the
    /// calling thread only reads packets while another decodes them, reassembles the TCP streams
    /// and runs every consumer (HTTP, BITS, the outputs): two cores share a capture.
    ///
    /// Packets are handed over through a ``HandoffRing`` with their bytes copied (the reader reuses
    /// its buffer for the next packet), in capture order: the decoder, the reassembler and the
    /// consumers see exactly what ``run(_:)`` shows them, in the same order, and report the same
    /// findings in the same order (they all run on the analysing thread). Nothing flows back to the
    /// reader. When this returns, or throws, the analysing thread has finished, the run's end is
    /// done as ``run(_:)`` does it, and everything is back on the calling thread. `count` is called
    /// on the analysing thread after each batch; ``progressCount`` is its result as the reading
    /// thread may read it (for a progress line).
    /// - Throws: what the source throws for an error that stops it; what was read is still finished.
    public func run(_ source: inout some PacketSource, readingThread: Bool, count: @escaping () -> Int = { 0 }) throws {
        guard readingThread else { return try run(&source) }
        let ring = HandoffRing<ReadPacket>()
        handoff = ring
        let reassembler = reassembler, decoder = decoder
        ring.start(consume: { event, bytes in Self.replay(event, bytes: bytes, decoder: decoder, reassembler: reassembler) },
                   afterBatch: count)
        defer {
            ring.finish()
            handoff = nil
            endRun(source)
        }
        while var packet = try source.nextPacket() {
            capture.record(packet)
            let count = packet.bytes.count
            let start = count == 0 ? 0 : ring.keep(packet.bytes)
            packet.bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            ring.append(.packet(packet, start: start, count: count))
        }
    }

    /// The analysing thread's latest `count` (see ``run(_:readingThread:count:)``); 0 outside such a run.
    public var progressCount: Int { handoff?.consumerNote ?? 0 }

    /// Acts on one handed-over event on the analysing thread.
    private static func replay(_ event: borrowing ReadPacket, bytes: UnsafeRawBufferPointer,
                               decoder: PacketDecoder, reassembler: TCPReassembler) {
        switch event {
        case .packet(var packet, let start, let count):
            if count > 0 { packet.bytes = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]) }
            if case .tcp(let segment) = decoder.decode(packet) { reassembler.process(segment) }
        }
    }
}
