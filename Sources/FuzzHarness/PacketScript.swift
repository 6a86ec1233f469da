import AnalyzerCore

/// Reads captured packets from bytes without libpcap: the second input format of the capture fuzz
/// target, which feeds the decoder directly (link types and lengths libpcap would refuse included).
///
/// Each packet: a link-type index byte (into ``linkTypes``, modulo its count), a clock byte
/// (seconds to advance), the captured length (little-endian `UInt16`), the bytes sent but not
/// captured (little-endian `UInt16`), then the captured bytes (fewer if the input ends).
public struct PacketScriptReader {
    /// Every link type the decoder knows, and one it does not. New ones go at the end, so that the
    /// index bytes of saved inputs keep their meaning.
    public static let linkTypes: [LinkType] = [
        .ethernet, .raw, .linuxSLL, .linuxSLL2, .null, .loop, .ipv4, .ipv6, .rawOpenBSD, .linktypeRaw,
        LinkType(rawValue: 147),
        .ppp, .pppSerial, .ciscoHDLC, .ieee80211, .ieee80211Radiotap, .ppi, .nflog,
    ]

    private var reader: ByteReader
    private var time = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0)

    /// A reader over `script`, which must stay valid while packets are used.
    public init(_ script: UnsafeRawBufferPointer) { reader = ByteReader(script) }

    /// The next packet (its bytes borrow the script), or `nil` at the end.
    public mutating func next() -> CapturedPacket? {
        guard let link = reader.readUInt8() else { return nil }
        let clock = reader.readUInt8() ?? 0
        let captured = Int(reader.readUInt16(endianness: .little) ?? 0)
        let uncaptured = Int(reader.readUInt16(endianness: .little) ?? 0)
        let bytes = reader.readSlice(length: min(captured, reader.readableCount))
            ?? UnsafeRawBufferPointer(start: nil, count: 0)
        time = time.adding(seconds: Int64(clock))
        return CapturedPacket(
            timestamp: time, linkType: Self.linkTypes[Int(link) % Self.linkTypes.count],
            originalLength: bytes.count + uncaptured, bytes: bytes)
    }
}

/// Writes packets that ``PacketScriptReader`` reads back (the seed corpus is made with it).
public struct PacketScriptWriter {
    /// The script so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty script.
    public init() {}

    /// Appends one packet, or nothing when its link type is not in ``PacketScriptReader/linkTypes``.
    /// Packets over 65,535 bytes are cut.
    public mutating func packet(_ packet: CapturedPacket, clockSeconds: Int) {
        guard let link = PacketScriptReader.linkTypes.firstIndex(of: packet.linkType) else { return }
        bytes.append(UInt8(link))
        bytes.append(UInt8(clamping: clockSeconds))
        let count = min(packet.bytes.count, Int(UInt16.max))
        appendLittleEndian(UInt16(count))
        appendLittleEndian(UInt16(clamping: packet.originalLength - count))
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: packet.bytes[0..<count]))
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
