import AnalyzerCore

/// Writes classic pcap files (the libpcap format) in either byte order, with microsecond or
/// nanosecond timestamps. Produces the whole file as bytes; callers decide where they go.
public struct PcapFileWriter: Sendable {
    /// Byte order of every header field.
    public var endianness: Endianness
    /// Microsecond (magic `a1b2c3d4`) or nanosecond (magic `a1b23c4d`) timestamps.
    public var precision: TimestampPrecision
    /// The `LINKTYPE_*` value stored in the file header (e.g. 1 for Ethernet, 276 for SLL2).
    public var linkType: UInt32
    /// The snapshot length stored in the file header.
    public var snapshotLength: UInt32

    /// Creates a writer; the defaults are those of `tcpdump -w` on a little-endian machine.
    public init(
        linkType: UInt32,
        endianness: Endianness = .little,
        precision: TimestampPrecision = .microseconds,
        snapshotLength: UInt32 = 262_144
    ) {
        self.linkType = linkType
        self.endianness = endianness
        self.precision = precision
        self.snapshotLength = snapshotLength
    }

    /// The 24-byte file header.
    public func fileHeader() -> [UInt8] {
        var out = ByteWriter(endianness: endianness)
        out.write(precision == .nanoseconds ? UInt32(0xA1B2_3C4D) : UInt32(0xA1B2_C3D4))
        out.write(UInt16(2))
        out.write(UInt16(4))
        out.write(UInt32(0))  // thiszone
        out.write(UInt32(0))  // sigfigs
        out.write(snapshotLength)
        out.write(linkType)
        return out.bytes
    }

    /// One record: a 16-byte record header followed by the packet's bytes.
    public func record(_ packet: SyntheticPacket) -> [UInt8] {
        var out = ByteWriter(endianness: endianness)
        let fraction = precision == .nanoseconds ? packet.timestamp.nanoseconds : packet.timestamp.nanoseconds / 1000
        out.write(UInt32(truncatingIfNeeded: packet.timestamp.seconds))
        out.write(fraction)
        out.write(UInt32(truncatingIfNeeded: packet.bytes.count))
        out.write(UInt32(truncatingIfNeeded: packet.originalLength))
        out.write(packet.bytes)
        return out.bytes
    }

    /// A whole file: the header and every packet in order.
    public func file(_ packets: [SyntheticPacket]) -> [UInt8] {
        var bytes = fileHeader()
        for packet in packets { bytes += record(packet) }
        return bytes
    }
}
