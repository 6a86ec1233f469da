import AnalyzerCore
import CaptureIO
import TrafficSynthesis

/// A packet copied out of a capture, so that it outlives the next read.
struct ReadPacket: Equatable, CustomStringConvertible {
    var timestamp: CaptureTimestamp
    var linkType: LinkType
    var originalLength: Int
    var bytes: [UInt8]

    init(_ packet: CapturedPacket) {
        timestamp = packet.timestamp
        linkType = packet.linkType
        originalLength = packet.originalLength
        bytes = Array(packet.bytes)
    }

    /// What reading `packet` back from a file of `precision` with `linkType` must give.
    init(expected packet: SyntheticPacket, linkType: LinkType, precision: TimestampPrecision) {
        let nanoseconds = precision == .nanoseconds
            ? packet.timestamp.nanoseconds
            : packet.timestamp.nanoseconds / 1000 * 1000
        timestamp = CaptureTimestamp(seconds: packet.timestamp.seconds, nanoseconds: nanoseconds)
        self.linkType = linkType
        originalLength = packet.originalLength
        bytes = packet.bytes
    }

    /// ``init(expected:linkType:precision:)`` for each of `packets`.
    static func expected(
        _ packets: some Sequence<SyntheticPacket>, linkType: LinkType, precision: TimestampPrecision
    ) -> [ReadPacket] {
        packets.map { ReadPacket(expected: $0, linkType: linkType, precision: precision) }
    }

    var description: String {
        "\(timestamp.seconds).\(timestamp.nanoseconds) \(linkType) \(bytes.count)/\(originalLength)"
    }
}

extension OfflineCapture {
    /// Reads every remaining packet, copying each.
    func readAll() throws -> [ReadPacket] {
        var packets: [ReadPacket] = []
        while let packet = try nextPacket() { packets.append(ReadPacket(packet)) }
        return packets
    }
}
