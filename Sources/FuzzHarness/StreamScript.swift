import AnalyzerCore

/// One step of a scripted set of TCP byte streams: the input format of the HTTP and BITS fuzz
/// targets (what a reassembler would hand its consumers, on up to four connection slots).
///
/// Encoding, one step after another: an op byte `o` — kind `o & 3` (0 data, 1 gap, 2 end of a
/// direction, 3 close of the connection), direction bit `o >> 2 & 1` (1 = server to client), slot
/// `o >> 3 & 3`, seconds to advance the clock `o >> 5` — then for data a little-endian `UInt16`
/// length and that many bytes (fewer if the input ends), for a gap a shift byte and a
/// little-endian `UInt32`, the gap being the `UInt32` shifted left by `shift & 63` bits (so that
/// gaps up to 2^64 occur).
public enum StreamStep {
    /// Bytes of one direction; borrowed from the script.
    case data(slot: Int, FlowDirection, UnsafeRawBufferPointer)
    /// Bytes of one direction missing from the capture.
    case gap(slot: Int, FlowDirection, length: UInt64)
    /// One direction ended.
    case end(slot: Int, FlowDirection)
    /// The connection in the slot is gone; the next step naming the slot starts a new one.
    case close(slot: Int)
}

/// Reads ``StreamStep``s from a script; never traps, whatever the bytes.
public struct StreamScriptReader {
    private var reader: ByteReader
    /// Capture time of the step read last (advanced by the op bytes).
    public private(set) var time = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0)

    /// A reader over `script`, which must stay valid while steps are read.
    public init(_ script: UnsafeRawBufferPointer) { reader = ByteReader(script) }

    /// The next step, or `nil` at the end of the script.
    public mutating func next() -> StreamStep? {
        guard let op = reader.readUInt8() else { return nil }
        let slot = Int(op >> 3 & 3)
        let direction: FlowDirection = op >> 2 & 1 == 0 ? .clientToServer : .serverToClient
        time = time.adding(seconds: Int64(op >> 5))
        switch op & 3 {
        case 0:
            let wanted = Int(reader.readUInt16(endianness: .little) ?? 0)
            let bytes = reader.readSlice(length: min(wanted, reader.readableCount))
                ?? UnsafeRawBufferPointer(start: nil, count: 0)
            return .data(slot: slot, direction, bytes)
        case 1:
            let shift = UInt64(reader.readUInt8() ?? 0) & 63
            let base = UInt64(reader.readUInt32(endianness: .little) ?? 1)
            return .gap(slot: slot, direction, length: base << shift)
        case 2:
            return .end(slot: slot, direction)
        default:
            return .close(slot: slot)
        }
    }
}

/// Writes a script that ``StreamScriptReader`` reads back (the seed corpora are made with it).
public struct StreamScriptWriter {
    /// The script so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty script.
    public init() {}

    /// Appends bytes of one direction, split into steps of at most 65,535 bytes.
    public mutating func data(slot: Int, _ direction: FlowDirection, _ data: UnsafeRawBufferPointer) {
        var start = 0
        repeat {
            let count = min(data.count - start, Int(UInt16.max))
            bytes.append(Self.op(kind: 0, slot: slot, direction))
            appendLittleEndian(UInt16(count))
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[start..<(start + count)]))
            start += count
        } while start < data.count
    }

    /// Appends a gap (lengths past 2^32 are written as a shifted 32-bit value, rounded down).
    public mutating func gap(slot: Int, _ direction: FlowDirection, length: UInt64) {
        var shift: UInt8 = 0
        var value = length
        while value > UInt64(UInt32.max) {
            value >>= 1
            shift += 1
        }
        bytes.append(Self.op(kind: 1, slot: slot, direction))
        bytes.append(shift)
        appendLittleEndian(UInt32(value))
    }

    /// Appends the end of one direction.
    public mutating func end(slot: Int, _ direction: FlowDirection) {
        bytes.append(Self.op(kind: 2, slot: slot, direction))
    }

    /// Appends the close of a connection.
    public mutating func close(slot: Int) {
        bytes.append(Self.op(kind: 3, slot: slot, .clientToServer))
    }

    private static func op(kind: UInt8, slot: Int, _ direction: FlowDirection) -> UInt8 {
        kind | (direction == .serverToClient ? 4 : 0) | UInt8(slot & 3) << 3
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
