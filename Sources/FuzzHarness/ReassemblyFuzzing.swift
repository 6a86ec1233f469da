import AnalyzerCore
import TCPReassembly

/// The reassembly fuzz target: synthetic segments (``SegmentScriptReader``) through a
/// ``TCPReassembler`` with small limits, every stream event checked by ``CheckingStreamConsumer``.
public enum ReassemblyFuzzing {
    /// Runs one input.
    public static func run(_ input: UnsafeRawBufferPointer) {
        let limits = FuzzLimits.small.reassembly
        let factory = CheckingConsumerFactory()
        let findings = FindingCollector()
        let reassembler = TCPReassembler(limits: limits, factory: factory, findings: findings)
        var reader = SegmentScriptReader(input)
        while let segment = reader.next() {
            reassembler.process(segment)
            check(reassembler.heldBytes >= 0, "negative held bytes")
            check(reassembler.heldBytes <= limits.maxHeldBytesTotal,
                  "\(reassembler.heldBytes) bytes held, limit \(limits.maxHeldBytesTotal)")
            check(reassembler.activeConnections <= limits.maxConnections,
                  "\(reassembler.activeConnections) connections, limit \(limits.maxConnections)")
        }
        reassembler.finish()
        check(reassembler.activeConnections == 0, "connections left after finish")
        check(reassembler.heldBytes == 0, "bytes held after finish")
        factory.checkAllClosed()
        let codes = Set(findings.findings.map(\.code))
        check(codes.isSubset(of: [.limitConnections, .limitReassemblyConnection, .limitReassemblyTotal, .captureLoss,
                                  .captureOneSided]),
              "unexpected findings \(codes)")
    }
}

/// Makes a ``CheckingStreamConsumer`` per connection and checks each summary against what the
/// consumer heard.
final class CheckingConsumerFactory: StreamConsumerFactory {
    private var consumers: [Int: CheckingStreamConsumer] = [:]
    private var closedIDs: Set<Int> = []
    private var nextExpectedID = 1

    func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)? {
        check(connection.id == nextExpectedID, "connection \(connection.id) made, \(nextExpectedID) expected")
        nextExpectedID += 1
        let consumer = CheckingStreamConsumer(id: connection.id)
        consumers[connection.id] = consumer
        return consumer
    }

    func connectionClosed(summary: ConnectionSummary) {
        let id = summary.info.id
        check(closedIDs.insert(id).inserted, "connection \(id) closed twice")
        guard let consumer = consumers.removeValue(forKey: id) else {
            return check(false, "connection \(id) closed without a consumer")
        }
        consumer.verify(summary)
        for direction in [summary.clientToServer, summary.serverToClient] {
            check(direction.acknowledgedGapBytes <= direction.gapBytes,
                  "connection \(id): \(direction.acknowledgedGapBytes) lost acknowledged bytes, \(direction.gapBytes) gap bytes")
        }
    }

    func checkAllClosed() {
        check(consumers.isEmpty, "connections never closed: \(consumers.keys.sorted())")
    }
}

/// A consumer that checks the stream contract of ``StreamConsumer``: per direction, data and gaps
/// are contiguous from offset 0 and never empty, nothing follows the end, and the connection
/// closes once, after which nothing arrives.
final class CheckingStreamConsumer: StreamConsumer {
    private let id: Int
    private var nextOffset: [UInt64] = [0, 0]
    private var dataBytes: [UInt64] = [0, 0]
    private var gapBytes: [UInt64] = [0, 0]
    private var gapCount = [0, 0]
    private var ended = [false, false]
    private var closed = false
    private var summarised = false

    init(id: Int) { self.id = id }

    func streamData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        let side = direction.rawValue
        checkOpen(side, "data")
        check(!bytes.isEmpty, "connection \(id): empty data delivered")
        check(offset == nextOffset[side], "connection \(id): data at \(offset), stream is at \(nextOffset[side])")
        // Touch every byte so that the address sanitizer sees a borrowed buffer that is not there.
        var sum: UInt8 = 0
        for byte in bytes { sum = sum &+ byte }
        _ = sum
        nextOffset[side] += UInt64(bytes.count)
        dataBytes[side] += UInt64(bytes.count)
    }

    func streamGap(length: UInt64, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        let side = direction.rawValue
        checkOpen(side, "a gap")
        check(length > 0, "connection \(id): empty gap delivered")
        check(offset == nextOffset[side], "connection \(id): gap at \(offset), stream is at \(nextOffset[side])")
        nextOffset[side] += length
        gapBytes[side] += length
        gapCount[side] += 1
    }

    func streamEnded(direction: FlowDirection, time: CaptureTimestamp) {
        let side = direction.rawValue
        checkOpen(side, "the end")
        ended[side] = true
    }

    func connectionClosed(_ summary: ConnectionSummary) {
        check(!closed, "connection \(id): closed twice")
        check(ended[0] && ended[1], "connection \(id): closed before both directions ended")
        closed = true
    }

    private func checkOpen(_ side: Int, _ what: String) {
        check(!closed, "connection \(id): \(what) after the close")
        check(!ended[side], "connection \(id): \(what) after its direction ended")
    }

    /// Compares the factory's summary with what this consumer heard.
    func verify(_ summary: ConnectionSummary) {
        check(closed, "connection \(id): summary before the consumer's close")
        verify(summary.clientToServer, side: 0)
        verify(summary.serverToClient, side: 1)
    }

    private func verify(_ statistics: DirectionStatistics, side: Int) {
        check(statistics.payloadBytes == dataBytes[side],
              "connection \(id): \(statistics.payloadBytes) payload bytes counted, \(dataBytes[side]) delivered")
        check(statistics.gapBytes == gapBytes[side],
              "connection \(id): \(statistics.gapBytes) gap bytes counted, \(gapBytes[side]) delivered")
        check(statistics.gaps == gapCount[side],
              "connection \(id): \(statistics.gaps) gaps counted, \(gapCount[side]) delivered")
        check(statistics.uncapturedBytes <= statistics.gapBytes,
              "connection \(id): more uncaptured bytes than gap bytes")
    }
}
