/// Raw bytes appended to storage that doubles when a run does not fit (allocate, copy, free): the
/// one growable byte store of the hand-off ring's batches and of the timeline's session bytes.
///
/// A plain struct over storage it allocates: its owner frees it once with ``deallocate()`` (it is
/// kept in storage that is not reference-counted, e.g. a ring's batches, where a class or a
/// non-copyable value would cost more). Bounded by its owner: it grows only to what is appended
/// between two ``removeAll()``.
public struct GrowableBytes {
    @usableFromInline var storage: UnsafeMutableRawPointer
    @usableFromInline var storageBytes: Int
    @usableFromInline var used = 0
    @usableFromInline let alignment: Int

    /// The storage; valid until the next growth.
    @inlinable public var base: UnsafeMutableRawPointer { storage }
    /// Bytes the storage holds.
    @inlinable public var capacity: Int { storageBytes }
    /// Bytes appended since the last ``removeAll()``.
    @inlinable public var count: Int { used }

    /// Empty storage of `capacity` bytes (at least 1), aligned to `alignment`.
    public init(capacity: Int, alignment: Int = 16) {
        storageBytes = max(capacity, 1)
        self.alignment = alignment
        storage = .allocate(byteCount: storageBytes, alignment: alignment)
    }

    /// Frees the storage; the value is not used after.
    public func deallocate() { storage.deallocate() }

    /// The bytes appended.
    @inlinable
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Forgets the bytes appended, keeping the storage.
    @inlinable
    public mutating func removeAll() { used = 0 }

    /// Makes sure `more` bytes fit after those appended (growing the storage if not: rare).
    @inlinable @inline(__always)
    public mutating func reserve(_ more: Int) {
        if storageBytes &- used < more { grow(toFit: more) }
    }

    /// Appends `run`; says where it starts.
    @inlinable @inline(__always) @discardableResult
    public mutating func append(_ run: UnsafeRawBufferPointer) -> Int {
        let start = used
        reserve(run.count)
        if let source = run.baseAddress, !run.isEmpty { (storage + used).copyMemory(from: source, byteCount: run.count) }
        used &+= run.count
        return start
    }

    /// Counts `written` bytes stored after those appended, in room ``reserve(_:)`` made.
    @inlinable @inline(__always)
    public mutating func appended(_ written: Int) {
        assert(written >= 0 && storageBytes - used >= written, "GrowableBytes: bytes stored without room")
        used &+= written
    }

    /// Moves the bytes to storage with room for `more` (twice the capacity, or more if needed).
    @usableFromInline @inline(never)
    mutating func grow(toFit more: Int) {
        let grown = max(2 * storageBytes, used + more)
        let store = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: alignment)
        store.copyMemory(from: storage, byteCount: used)
        storage.deallocate()
        storage = store
        storageBytes = grown
    }
}
