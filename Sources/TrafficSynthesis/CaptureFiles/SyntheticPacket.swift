import AnalyzerCore

/// One generated packet, ready to be written to a capture file.
public struct SyntheticPacket: Hashable, Sendable {
    /// Capture time.
    public var timestamp: CaptureTimestamp
    /// The bytes to store (already cut to the snapshot length, if any).
    public var bytes: [UInt8]
    /// The packet's length on the wire (at least `bytes.count`).
    public var originalLength: Int

    /// Creates a packet; `originalLength` defaults to the stored length.
    public init(timestamp: CaptureTimestamp, bytes: [UInt8], originalLength: Int? = nil) {
        self.timestamp = timestamp
        self.bytes = bytes
        self.originalLength = max(originalLength ?? bytes.count, bytes.count)
    }

    /// This packet cut to `snapshotLength` bytes, keeping its original length, as a capture with
    /// that snaplen would store it.
    public func truncated(to snapshotLength: Int) -> SyntheticPacket {
        guard bytes.count > snapshotLength else { return self }
        return SyntheticPacket(timestamp: timestamp, bytes: Array(bytes.prefix(snapshotLength)), originalLength: originalLength)
    }
}

/// Appends integers in a chosen byte order to a byte array; the writers' only serialisation helper.
struct ByteWriter {
    var bytes: [UInt8] = []
    let endianness: Endianness

    init(endianness: Endianness) { self.endianness = endianness }

    mutating func write(_ value: UInt8) { bytes.append(value) }

    mutating func write(_ value: UInt16) {
        let ordered = endianness == .big ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: UInt32) {
        let ordered = endianness == .big ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ data: [UInt8]) { bytes.append(contentsOf: data) }

    /// Pads with zero bytes up to a multiple of four (pcapng's block alignment).
    mutating func padToFour() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    /// The body of a pcapng Enhanced Packet Block: interface ID, the timestamp in the interface's
    /// units (high word first), captured and original lengths, the bytes, padding.
    mutating func writeEnhancedPacketBody(interface: UInt32, timestampUnits units: UInt64, packet: SyntheticPacket) {
        write(interface)
        write(UInt32(truncatingIfNeeded: units >> 32))
        write(UInt32(truncatingIfNeeded: units))
        write(UInt32(truncatingIfNeeded: packet.bytes.count))
        write(UInt32(truncatingIfNeeded: packet.originalLength))
        write(packet.bytes)
        padToFour()
    }
}
