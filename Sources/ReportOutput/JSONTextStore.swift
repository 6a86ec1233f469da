/// Text a ``JSONTextWriter`` hands on (``JSONTextWriter/handOff(_:)``), in the storage it was
/// written in: the receiver uses the text before it returns (the timeline's writer hands it to the
/// file), or keeps the storage itself and gives other storage back in its place.
public struct JSONTextStore {
    /// The storage, allocated by ``allocate(capacity:)``.
    public var bytes: UnsafeMutableRawPointer
    /// Bytes of storage.
    public var capacity: Int
    /// Bytes of text at the start.
    public var count: Int

    /// The text.
    public var text: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: bytes, count: count) }

    /// Storage for ``bytes``, freed with `deallocate()`: as a `HandoffRing` allocates its batches'
    /// kept bytes, so that the two can take each other's place.
    public static func allocate(capacity: Int) -> UnsafeMutableRawPointer {
        .allocate(byteCount: capacity, alignment: 16)
    }
}
