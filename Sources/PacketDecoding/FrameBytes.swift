import AnalyzerCore

/// The captured bytes of one packet (or reassembled datagram) and its length on the wire, with the
/// length check every layer shares: past what a length field allows is malformed, past what was
/// captured (but within the wire length) is truncated.
struct FrameBytes {
    /// The captured bytes.
    let reader: ByteReader
    /// The length on the wire; never less than the captured count.
    let wireLength: Int

    /// Wraps captured bytes; an `originalLength` below the captured count is taken as the captured count.
    init(bytes: UnsafeRawBufferPointer, originalLength: Int) {
        reader = ByteReader(bytes)
        wireLength = max(originalLength, bytes.count)
    }

    /// How many bytes were captured.
    var capturedCount: Int { reader.bytes.count }

    /// Checks that the bytes before `end` are there.
    /// - Throws: `.malformed(reason)` when `end` lies past `limit` (the wire length, or the end an
    ///   enclosing length field sets, itself checked against the wire), `.truncated` when the bytes were
    ///   sent but not captured.
    @inline(__always)
    func require(_ end: Int, within limit: Int, else reason: MalformedReason) throws(DecodeStop) {
        guard end <= limit else { throw .malformed(reason) }
        guard end <= capturedCount else { throw .truncated }
    }

    /// The byte at `offset`. - Throws: `.truncated` when it was not captured.
    @inline(__always)
    func byte(at offset: Int) throws(DecodeStop) -> UInt8 {
        guard let value = reader.getUInt8(at: offset) else { throw .truncated }
        return value
    }

    /// The big-endian 16-bit value at `offset`. - Throws: `.truncated` when it was not captured.
    @inline(__always)
    func uint16(at offset: Int) throws(DecodeStop) -> UInt16 {
        guard let value = reader.getUInt16(at: offset) else { throw .truncated }
        return value
    }

    /// The big-endian 32-bit value at `offset`. - Throws: `.truncated` when it was not captured.
    @inline(__always)
    func uint32(at offset: Int) throws(DecodeStop) -> UInt32 {
        guard let value = reader.getUInt32(at: offset) else { throw .truncated }
        return value
    }

    /// The IPv4 address at `offset`. - Throws: `.truncated` when it was not captured.
    @inline(__always)
    func ipv4Address(at offset: Int) throws(DecodeStop) -> IPAddress {
        guard let value = IPAddress.v4(from: reader, at: offset) else { throw .truncated }
        return value
    }

    /// The IPv6 address at `offset`. - Throws: `.truncated` when it was not captured.
    @inline(__always)
    func ipv6Address(at offset: Int) throws(DecodeStop) -> IPAddress {
        guard let value = IPAddress.v6(from: reader, at: offset) else { throw .truncated }
        return value
    }

    /// The captured bytes in `start..<end`. - Throws: `.truncated` when any of them is missing.
    @inline(__always)
    func slice(from start: Int, to end: Int) throws(DecodeStop) -> UnsafeRawBufferPointer {
        guard let value = reader.getSlice(at: start, length: end - start) else { throw .truncated }
        return value
    }
}
