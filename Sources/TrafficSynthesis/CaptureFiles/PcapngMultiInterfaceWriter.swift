import AnalyzerCore

/// Writes pcapng files as Wireshark does when it captures on several interfaces: interfaces with
/// their own link type, snapshot length, timestamp resolution (`if_tsresol`, decimal or binary)
/// and offset (`if_tsoffset`), and each packet on one of them. libpcap refuses such files when the
/// link types or snapshot lengths differ; bitsnoop reads them with its own pcapng reader.
public struct PcapngMultiInterfaceWriter: Sendable {
    /// One Interface Description Block.
    public struct Interface: Sendable, Hashable {
        /// The `LINKTYPE_*` value.
        public var linkType: UInt16
        /// The snapshot length; packets longer are stored cut to it.
        public var snapshotLength: UInt32
        /// The raw `if_tsresol` byte: 6 is 10^-6 s (the default, written as no option), 9 is
        /// 10^-9 s, `0x80 | n` is 2^-n s.
        public var resolution: UInt8
        /// `if_tsoffset`: seconds added to every stored timestamp (0 writes no option).
        public var offsetSeconds: Int64

        /// Creates an interface description.
        public init(linkType: UInt16, snapshotLength: UInt32 = 262_144, resolution: UInt8 = 6, offsetSeconds: Int64 = 0) {
            self.linkType = linkType
            self.snapshotLength = snapshotLength
            self.resolution = resolution
            self.offsetSeconds = offsetSeconds
        }

        /// Timestamp units per second.
        var unitsPerSecond: UInt64 {
            let exponent = UInt64(resolution & 0x7F)
            if resolution & 0x80 != 0 { return 1 << exponent }
            var units: UInt64 = 1
            for _ in 0..<exponent { units *= 10 }
            return units
        }
    }

    /// A packet and the index of the interface it was captured on.
    public struct Placed: Sendable, Hashable {
        /// Index into the writer's interfaces.
        public var interface: Int
        /// The packet as it was on the wire.
        public var packet: SyntheticPacket

        /// Creates a placed packet.
        public init(interface: Int, packet: SyntheticPacket) {
            self.interface = interface
            self.packet = packet
        }
    }

    /// Byte order of the section.
    public var endianness: Endianness
    /// The interfaces, described in order after the section header.
    public var interfaces: [Interface]

    /// Creates a writer.
    public init(interfaces: [Interface], endianness: Endianness = .little) {
        self.interfaces = interfaces
        self.endianness = endianness
    }

    /// A whole file: section header, every interface description, then an Enhanced Packet Block
    /// per packet (cut to its interface's snapshot length).
    public func file(_ packets: [Placed]) -> [UInt8] {
        var bytes = block(type: 0x0A0D_0D0A) { body in
            body.write(UInt32(0x1A2B_3C4D))
            body.write(UInt16(1))
            body.write(UInt16(0))
            body.write(UInt32(0xFFFF_FFFF))
            body.write(UInt32(0xFFFF_FFFF))
        }
        for interface in interfaces { bytes += interfaceDescription(interface) }
        for placed in packets { bytes += enhancedPacket(placed) }
        return bytes
    }

    /// The packet as a reader must return it: cut to the interface's snapshot length, its time
    /// rounded down to the interface's resolution (nanoseconds are the finest a reader shows).
    public func stored(_ placed: Placed) -> SyntheticPacket {
        let interface = interfaces[placed.interface]
        var packet = placed.packet.truncated(to: Int(interface.snapshotLength))
        let units = Self.units(packet.timestamp, interface)
        let base = interface.unitsPerSecond
        let (seconds, fraction) = units.quotientAndRemainder(dividingBy: base)
        let nanoseconds = base.dividingFullWidth(UInt64(1_000_000_000).multipliedFullWidth(by: fraction)).quotient
        packet.timestamp = CaptureTimestamp(
            seconds: Int64(seconds) + interface.offsetSeconds, nanoseconds: UInt32(nanoseconds))
        return packet
    }

    /// The timestamp in the interface's units since its offset (times before it are not written).
    private static func units(_ timestamp: CaptureTimestamp, _ interface: Interface) -> UInt64 {
        let base = interface.unitsPerSecond
        let seconds = UInt64(max(0, timestamp.seconds - interface.offsetSeconds))
        let fraction = UInt64(1_000_000_000).dividingFullWidth(base.multipliedFullWidth(by: UInt64(timestamp.nanoseconds)))
            .quotient
        return seconds &* base &+ fraction
    }

    private func interfaceDescription(_ interface: Interface) -> [UInt8] {
        block(type: 1) { body in
            body.write(interface.linkType)
            body.write(UInt16(0))
            body.write(interface.snapshotLength)
            if interface.resolution != 6 {
                body.write(UInt16(9))  // if_tsresol
                body.write(UInt16(1))
                body.write(interface.resolution)
                body.padToFour()
            }
            if interface.offsetSeconds != 0 {
                body.write(UInt16(14))  // if_tsoffset
                body.write(UInt16(8))
                let offset = UInt64(bitPattern: interface.offsetSeconds)
                let (first, second) = endianness == .big ? (offset >> 32, offset) : (offset, offset >> 32)
                body.write(UInt32(truncatingIfNeeded: first))
                body.write(UInt32(truncatingIfNeeded: second))
            }
            body.write(UInt16(0))  // opt_endofopt
            body.write(UInt16(0))
        }
    }

    private func enhancedPacket(_ placed: Placed) -> [UInt8] {
        let interface = interfaces[placed.interface]
        let packet = placed.packet.truncated(to: Int(interface.snapshotLength))
        let units = Self.units(packet.timestamp, interface)
        return block(type: 6) { body in
            body.writeEnhancedPacketBody(interface: UInt32(placed.interface), timestampUnits: units, packet: packet)
        }
    }

    private func block(type: UInt32, _ fill: (inout ByteWriter) -> Void) -> [UInt8] {
        var body = ByteWriter(endianness: endianness)
        fill(&body)
        var out = ByteWriter(endianness: endianness)
        let total = UInt32(12 + body.bytes.count)
        out.write(type)
        out.write(total)
        out.write(body.bytes)
        out.write(total)
        return out.bytes
    }
}
