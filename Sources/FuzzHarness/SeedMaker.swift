import AnalysisPipeline
import AnalyzerCore
import CaptureIO
import PacketDecoding
import TCPReassembly

/// Turns a capture into seed inputs for a fuzz target, so that fuzzing starts from real traffic
/// (the samples) rather than from nothing.
public enum SeedMaker {
    /// The seeds of `target` made from the capture at `path`, named by a suffix for the file name.
    /// - Throws: ``CaptureError`` when the capture cannot be opened.
    public static func seeds(
        for target: FuzzTarget, capture path: String, bytes: [UInt8]
    ) throws -> [(String, [UInt8])] {
        switch target {
        case .capture: return [("", bytes), (".packets", try packetScript(path))]
        case .reassembly: return [(".segments", try segmentScript(path))]
        case .http, .bits: return [(".streams", try streamScript(path))]
        // No key log (a zero length), then the streams: the record layer and handshake parser on
        // what the samples hold; the keyed seeds are the inputs in fuzz/regressions/tls.
        case .tls: return [(".tls", [0, 0] + (try streamScript(path)))]
        }
    }

    /// Every packet of the capture as a packet script.
    static func packetScript(_ path: String) throws -> [UInt8] {
        let capture = try OfflineCapture(paths: [path])
        var writer = PacketScriptWriter()
        var previous: CaptureTimestamp?
        while let packet = try capture.nextPacket() {
            let elapsed = previous.map { packet.timestamp.seconds - $0.seconds } ?? 0
            writer.packet(packet, clockSeconds: Int(clamping: max(0, elapsed)))
            previous = packet.timestamp
        }
        return writer.bytes
    }

    /// Every TCP segment of the capture (fragments reassembled), connections numbered into slots
    /// in the order they appear.
    static func segmentScript(_ path: String) throws -> [UInt8] {
        let capture = try OfflineCapture(paths: [path])
        let decoder = PacketDecoder()
        var writer = SegmentScriptWriter()
        var slots: [ConnectionKeyText: (slot: Int, client: Endpoint)] = [:]
        var previous: CaptureTimestamp?
        while let packet = try capture.nextPacket() {
            guard case .tcp(let segment) = decoder.decode(packet) else { continue }
            let key = ConnectionKeyText(segment.source, segment.destination)
            let known = slots[key] ?? (slots.count % 8, segment.source)
            slots[key] = known
            let elapsed = previous.map { segment.timestamp.seconds - $0.seconds } ?? 0
            let step = SegmentScriptReader.clockSteps.lastIndex { $0 <= max(0, elapsed) } ?? 0
            writer.segment(
                slot: known.slot, fromServer: segment.source != known.client, clockStep: step, flags: segment.flags,
                sequence: segment.sequenceNumber, acknowledgment: segment.acknowledgmentNumber,
                payload: segment.payload, uncaptured: segment.payloadLength - segment.payload.count)
            previous = segment.timestamp
        }
        return writer.bytes
    }

    /// The reassembled streams of the capture, connections put into the four slots as they open.
    static func streamScript(_ path: String) throws -> [UInt8] {
        var capture = try OfflineCapture(paths: [path])
        let recorder = StreamScriptRecorder()
        let engine = AnalysisEngine(factory: recorder, findings: FindingCollector())
        try engine.run(&capture)
        return recorder.writer.bytes
    }
}

/// A direction-independent name of a connection's addresses and ports.
struct ConnectionKeyText: Hashable {
    private let low: String
    private let high: String

    /// The key of the connection between `a` and `b`, in either order.
    init(_ a: Endpoint, _ b: Endpoint) {
        let (first, second) = (a.description, b.description)
        (low, high) = first < second ? (first, second) : (second, first)
    }
}

/// Writes what the reassembler delivers as a stream script.
final class StreamScriptRecorder: StreamConsumerFactory {
    /// The script recorded so far.
    var writer = StreamScriptWriter()
    private var nextSlot = 0

    /// A recorder for the connection, in the next of the four slots (round robin).
    func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)? {
        let slot = nextSlot
        nextSlot = (nextSlot + 1) % 4
        return Recorder(slot: slot, owner: self)
    }

    /// Nothing to record: the recorder wrote the close.
    func connectionClosed(summary: ConnectionSummary) {}

    /// One connection's events into the owner's script.
    final class Recorder: StreamConsumer {
        private let slot: Int
        private unowned let owner: StreamScriptRecorder

        /// A recorder writing into `owner`'s script as `slot`.
        init(slot: Int, owner: StreamScriptRecorder) {
            self.slot = slot
            self.owner = owner
        }

        /// Records the bytes.
        func streamData(
            _ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp
        ) {
            owner.writer.data(slot: slot, direction, bytes)
        }

        /// Records the gap.
        func streamGap(length: UInt64, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
            owner.writer.gap(slot: slot, direction, length: length)
        }

        /// Records the end of the direction.
        func streamEnded(direction: FlowDirection, time: CaptureTimestamp) {
            owner.writer.end(slot: slot, direction)
        }

        /// Records the close.
        func connectionClosed(_ summary: ConnectionSummary) {
            owner.writer.close(slot: slot)
        }
    }
}
