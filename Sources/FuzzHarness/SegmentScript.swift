import AnalyzerCore

/// Reads synthetic TCP segments from bytes: the input format of the reassembly fuzz target.
///
/// Each segment: a control byte `c` — connection slot `c & 7` (eight endpoint pairs, client port
/// 40000 + slot, server port 80), direction bit `c >> 3 & 1` (1 = server to client), cut bit
/// `c >> 4 & 1`, clock advance `c >> 5` (an index into ``clockSteps``) — then the flag byte, the
/// sequence and acknowledgment numbers (little-endian `UInt32`s), the captured payload length
/// (little-endian `UInt16`), with the cut bit a little-endian `UInt16` of payload bytes sent but
/// not captured, then the captured payload (fewer bytes if the input ends).
public struct SegmentScriptReader {
    /// Seconds the clock moves for each value of the control byte's top three bits: mostly small
    /// steps, with the linger time, past the linger time and past the idle timeout reachable.
    public static let clockSteps: [Int64] = [0, 0, 0, 1, 4, 6, 60, 301]
    /// The server of every slot.
    public static let server = Endpoint(address: .v4(0x0A00_0002), port: 80)

    private var reader: ByteReader
    private var time = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0)

    /// A reader over `script`, which must stay valid while segments are used.
    public init(_ script: UnsafeRawBufferPointer) { reader = ByteReader(script) }

    /// The client of a slot.
    public static func client(slot: Int) -> Endpoint {
        Endpoint(address: .v4(0x0A00_0001), port: UInt16(40_000 + slot & 7))
    }

    /// The next segment (its payload borrows the script), or `nil` at the end.
    public mutating func next() -> TCPSegment? {
        guard let control = reader.readUInt8() else { return nil }
        let flags = TCPFlags(rawValue: reader.readUInt8() ?? 0)
        let sequence = reader.readUInt32(endianness: .little) ?? 0
        let acknowledgment = reader.readUInt32(endianness: .little) ?? 0
        let captured = Int(reader.readUInt16(endianness: .little) ?? 0)
        let uncaptured = control >> 4 & 1 == 1 ? Int(reader.readUInt16(endianness: .little) ?? 0) : 0
        let payload = reader.readSlice(length: min(captured, reader.readableCount))
            ?? UnsafeRawBufferPointer(start: nil, count: 0)
        time = time.adding(seconds: Self.clockSteps[Int(control >> 5)])
        let client = Self.client(slot: Int(control & 7))
        let fromServer = control >> 3 & 1 == 1
        return TCPSegment(
            source: fromServer ? Self.server : client, destination: fromServer ? client : Self.server,
            sequenceNumber: sequence, acknowledgmentNumber: acknowledgment, flags: flags, window: 65_535,
            payload: payload, payloadLength: payload.count + uncaptured, timestamp: time)
    }
}

/// Writes segments that ``SegmentScriptReader`` reads back (the seed corpus is made with it).
public struct SegmentScriptWriter {
    /// The script so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty script.
    public init() {}

    /// Appends one segment. `clockStep` indexes ``SegmentScriptReader/clockSteps``; payloads over
    /// 65,535 bytes are cut.
    public mutating func segment(
        slot: Int, fromServer: Bool, clockStep: Int, flags: TCPFlags, sequence: UInt32, acknowledgment: UInt32,
        payload: UnsafeRawBufferPointer, uncaptured: Int
    ) {
        let cut = uncaptured > 0
        let control = UInt8(slot & 7) | (fromServer ? 8 : 0) | (cut ? 16 : 0) | UInt8(clockStep & 7) << 5
        bytes.append(control)
        bytes.append(flags.rawValue)
        appendLittleEndian(sequence)
        appendLittleEndian(acknowledgment)
        let count = min(payload.count, Int(UInt16.max))
        appendLittleEndian(UInt16(count))
        if cut { appendLittleEndian(UInt16(min(uncaptured, Int(UInt16.max)))) }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: payload[0..<count]))
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
