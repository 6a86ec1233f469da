import AnalyzerCore

/// Writes pcapng files: one Section Header Block, one Interface Description Block per interface,
/// and an Enhanced Packet Block per packet. All interfaces share one link type, as libpcap requires.
public struct PcapngFileWriter: Sendable {
    /// Byte order of the section.
    public var endianness: Endianness
    /// The `LINKTYPE_*` value of every interface.
    public var linkType: UInt16
    /// Snapshot length of every interface.
    public var snapshotLength: UInt32
    /// Timestamp resolution written as the `if_tsresol` option (none is written for microseconds,
    /// the format's default).
    public var precision: TimestampPrecision
    /// How many interfaces to describe; packets are spread over them in turn.
    public var interfaceCount: Int

    /// Creates a writer.
    public init(
        linkType: UInt16,
        endianness: Endianness = .little,
        precision: TimestampPrecision = .microseconds,
        snapshotLength: UInt32 = 262_144,
        interfaceCount: Int = 1
    ) {
        self.linkType = linkType
        self.endianness = endianness
        self.precision = precision
        self.snapshotLength = snapshotLength
        self.interfaceCount = max(1, interfaceCount)
    }

    /// A whole file: section header, interface descriptions, then one block per packet.
    public func file(_ packets: [SyntheticPacket]) -> [UInt8] {
        var bytes = sectionHeaderBlock()
        for _ in 0..<interfaceCount { bytes += interfaceDescriptionBlock() }
        for (index, packet) in packets.enumerated() {
            bytes += enhancedPacketBlock(packet, interface: UInt32(index % interfaceCount))
        }
        return bytes
    }

    private func block(type: UInt32, body: [UInt8]) -> [UInt8] {
        var out = ByteWriter(endianness: endianness)
        let total = UInt32(12 + body.count)
        out.write(type)
        out.write(total)
        out.write(body)
        out.write(total)
        return out.bytes
    }

    private func sectionHeaderBlock() -> [UInt8] {
        var body = ByteWriter(endianness: endianness)
        body.write(UInt32(0x1A2B_3C4D))  // byte-order magic
        body.write(UInt16(1))
        body.write(UInt16(0))
        body.write(UInt32(0xFFFF_FFFF))  // section length unknown (-1)
        body.write(UInt32(0xFFFF_FFFF))
        return block(type: 0x0A0D_0D0A, body: body.bytes)
    }

    private func interfaceDescriptionBlock() -> [UInt8] {
        var body = ByteWriter(endianness: endianness)
        body.write(linkType)
        body.write(UInt16(0))
        body.write(snapshotLength)
        if precision == .nanoseconds {
            body.write(UInt16(9))  // if_tsresol
            body.write(UInt16(1))
            body.write(UInt8(9))  // 10^-9
            body.padToFour()
            body.write(UInt16(0))  // opt_endofopt
            body.write(UInt16(0))
        }
        return block(type: 0x0000_0001, body: body.bytes)
    }

    private func enhancedPacketBlock(_ packet: SyntheticPacket, interface: UInt32) -> [UInt8] {
        var body = ByteWriter(endianness: endianness)
        let unitsPerSecond: Int64 = precision == .nanoseconds ? 1_000_000_000 : 1_000_000
        let fraction = Int64(precision == .nanoseconds ? packet.timestamp.nanoseconds : packet.timestamp.nanoseconds / 1000)
        let units = UInt64(bitPattern: packet.timestamp.seconds &* unitsPerSecond &+ fraction)
        body.writeEnhancedPacketBody(interface: interface, timestampUnits: units, packet: packet)
        return block(type: 0x0000_0006, body: body.bytes)
    }
}
