import AnalyzerCore
import PacketDecoding
import TCPReassembly

/// What the reading thread hands the analysing thread for one packet: its header fields, and where
/// its captured bytes are in the batch's bytes. Plain values, nothing reference counted, and no
/// empty byte pointer carried along (the reader writes each one and the analysing thread reads it
/// from another core's cache, so its size counts).
struct ReadPacket {
    var timestamp: CaptureTimestamp
    var linkType: LinkType
    var originalLength: Int
    /// Where the captured bytes start in the batch's bytes, and how many there are.
    var start: Int
    var count: Int

    /// The packet's fields; `start` and `count` say where its bytes were kept.
    init(_ packet: CapturedPacket, start: Int, count: Int) {
        timestamp = packet.timestamp
        linkType = packet.linkType
        originalLength = packet.originalLength
        self.start = start
        self.count = count
    }

    /// The packet again, its bytes in `store` (the batch's bytes).
    func packet(in store: UnsafeRawBufferPointer) -> CapturedPacket {
        let bytes = count == 0 ? UnsafeRawBufferPointer(start: nil, count: 0)
            : UnsafeRawBufferPointer(rebasing: store[start..<(start + count)])
        return CapturedPacket(timestamp: timestamp, linkType: linkType, originalLength: originalLength, bytes: bytes)
    }
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
        while let packet = try source.nextPacket() {
            capture.record(packet)
            let count = packet.bytes.count
            let start = count == 0 ? 0 : ring.keep(packet.bytes)
            ring.append(ReadPacket(packet, start: start, count: count))
        }
    }

    /// The analysing thread's latest `count` (see ``run(_:readingThread:count:)``); 0 outside such a run.
    public var progressCount: Int { handoff?.consumerNote ?? 0 }

    /// Decodes and reassembles one handed-over packet on the analysing thread.
    private static func replay(_ read: borrowing ReadPacket, bytes: UnsafeRawBufferPointer,
                               decoder: PacketDecoder, reassembler: TCPReassembler) {
        if case .tcp(let segment) = decoder.decode(read.packet(in: bytes)) { reassembler.process(segment) }
    }
}
