import AnalyzerCore

/// A pcap file (Ethernet, microsecond timestamps) built packet by packet in memory, for captures
/// too large to keep as a list of packets first (hundreds of thousands of connections).
public struct PcapBuffer: Sendable {
    /// The file so far: header and every record.
    public private(set) var bytes: [UInt8]
    private let writer: PcapFileWriter
    /// The time of the next packet; each appended packet moves it on by `step`.
    public var clock: CaptureTimestamp
    /// How far the clock moves per packet (default 10 µs).
    public var stepNanoseconds: UInt32 = 10_000

    /// An empty capture whose first packet is at `start`; `snapshotLength` is written in the file
    /// header and cuts every packet appended.
    public init(start: CaptureTimestamp = CaptureTimestamp(seconds: 1_790_000_000, nanoseconds: 0),
                snapshotLength: UInt32 = 262_144) {
        writer = PcapFileWriter(linkType: 1, snapshotLength: snapshotLength)
        bytes = writer.fileHeader()
        clock = start
    }

    /// Appends one Ethernet frame carrying `ipPacket`, cut to the snapshot length.
    public mutating func append(ipPacket: [UInt8], from source: IPAddress, to destination: IPAddress) {
        let frame = LinkEncapsulation.ethernet(vlanTags: []).frame(
            ipPacket: ipPacket, isIPv6: source.isV6, from: source, to: destination)
        let packet = SyntheticPacket(timestamp: clock, bytes: frame).truncated(to: Int(writer.snapshotLength))
        bytes += writer.record(packet)
        let nanoseconds = Int64(clock.nanoseconds) + Int64(stepNanoseconds)
        clock = CaptureTimestamp(seconds: clock.seconds + nanoseconds / 1_000_000_000,
                                 nanoseconds: UInt32(nanoseconds % 1_000_000_000))
    }
}
