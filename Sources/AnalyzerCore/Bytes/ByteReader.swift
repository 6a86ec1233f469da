/// Byte order of a multi-byte integer on the wire or in a file.
public enum Endianness: Sendable {
    /// Most significant byte first (network order).
    case big
    /// Least significant byte first.
    case little
}

/// A bounds-checked, non-owning cursor over bytes borrowed from a packet or a stream chunk.
///
/// Modelled on swift-nio's `ByteBuffer` naming: `read*` consumes bytes and moves ``readerIndex``,
/// `get*(at:)` reads at an absolute position without moving it, `peek*` reads at ``readerIndex``
/// without moving it. Every accessor returns `nil` when the bytes are not there; none traps, so a
/// parser built on it cannot be made to crash by a short or hostile input.
///
/// The reader does not own its bytes: it is valid only while the memory it was made from is.
public struct ByteReader {
    /// The bytes being read.
    public let bytes: UnsafeRawBufferPointer
    /// Position of the next byte `read*` consumes, between 0 and `bytes.count` (set only by the reader).
    @inlinable public var readerIndex: Int { _readerIndex }
    @usableFromInline var _readerIndex: Int

    /// Creates a reader positioned at the first byte of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self._readerIndex = 0
    }

    /// Bytes left between ``readerIndex`` and the end.
    @inlinable
    public var readableCount: Int { bytes.count - readerIndex }

    /// The bytes not yet read, without consuming them.
    @inlinable
    public var remainingBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[readerIndex...])
    }

    /// Returns `count` bytes starting at `offset`, or `nil` when any of them lies outside the buffer.
    @inlinable
    public func getSlice(at offset: Int, length count: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    /// Returns the byte at `offset`, or `nil` when it lies outside the buffer.
    @inlinable
    public func getUInt8(at offset: Int) -> UInt8? {
        guard offset >= 0, offset < bytes.count else { return nil }
        return bytes[offset]
    }

    /// Returns the 16-bit integer at `offset` in the given byte order, or `nil` when it does not fit.
    @inlinable
    public func getUInt16(at offset: Int, endianness: Endianness = .big) -> UInt16? {
        guard offset >= 0, offset <= bytes.count - 2 else { return nil }
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return endianness == .big ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)
    }

    /// Returns the 32-bit integer at `offset` in the given byte order, or `nil` when it does not fit.
    @inlinable
    public func getUInt32(at offset: Int, endianness: Endianness = .big) -> UInt32? {
        guard offset >= 0, offset <= bytes.count - 4 else { return nil }
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return endianness == .big ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }

    /// Returns the 64-bit integer at `offset` in the given byte order, or `nil` when it does not fit.
    @inlinable
    public func getUInt64(at offset: Int, endianness: Endianness = .big) -> UInt64? {
        guard offset >= 0, offset <= bytes.count - 8 else { return nil }
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return endianness == .big ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
    }

    /// Reads one byte, or returns `nil` (consuming nothing) at the end.
    @inlinable
    public mutating func readUInt8() -> UInt8? {
        guard let value = getUInt8(at: readerIndex) else { return nil }
        _readerIndex += 1
        return value
    }

    /// Reads a 16-bit integer, or returns `nil` (consuming nothing) when fewer than 2 bytes remain.
    @inlinable
    public mutating func readUInt16(endianness: Endianness = .big) -> UInt16? {
        guard let value = getUInt16(at: readerIndex, endianness: endianness) else { return nil }
        _readerIndex += 2
        return value
    }

    /// Reads a 32-bit integer, or returns `nil` (consuming nothing) when fewer than 4 bytes remain.
    @inlinable
    public mutating func readUInt32(endianness: Endianness = .big) -> UInt32? {
        guard let value = getUInt32(at: readerIndex, endianness: endianness) else { return nil }
        _readerIndex += 4
        return value
    }

    /// Reads `count` bytes without copying, or returns `nil` (consuming nothing) when fewer remain.
    @inlinable
    public mutating func readSlice(length count: Int) -> UnsafeRawBufferPointer? {
        guard let slice = getSlice(at: readerIndex, length: count) else { return nil }
        _readerIndex += count
        return slice
    }

    /// Skips `count` bytes; returns `false` (consuming nothing) when fewer remain or `count` is negative.
    @inlinable
    @discardableResult
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= readableCount else { return false }
        _readerIndex += count
        return true
    }
}
