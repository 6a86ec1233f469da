/// Short texts kept by a tag, for ``JSONTextWriter``: the text before a member's value (its key
/// at an indent level), or a run of `null` members. Each text is kept with a leading comma, which
/// the writer skips for an object's first member.
///
/// Four-way set-associative: a tag's hash picks a set of four slots, any of which may keep it, so
/// that texts only take turns in a set when five of them fall in it (a direct-mapped cache let a
/// few of the schema's keys take turns in one slot, which ones depending on where the program was
/// loaded). The storage is fixed at creation; the writer owns it and frees it (``deallocate()``).
struct KeptTexts {
    /// Slots of a set.
    static let ways = 4
    /// Per slot: the tag kept (0 when free; tags are never 0), and the bytes of its text.
    private let tags: UnsafeMutablePointer<UInt>
    private let counts: UnsafeMutablePointer<Int>
    private let texts: UnsafeMutablePointer<UInt8>
    /// Bytes of text per slot.
    let room: Int
    /// How far a hash is shifted to give the set's first slot.
    private let setShift: UInt64

    /// `slots` (a power of two, at least ``ways``) slots of `room` bytes each, free.
    init(slots: Int, room: Int) {
        precondition(slots >= Self.ways && slots & (slots - 1) == 0, "slots must be a power of two")
        tags = .allocate(capacity: slots)
        tags.initialize(repeating: 0, count: slots)
        counts = .allocate(capacity: slots)
        counts.initialize(repeating: 0, count: slots)
        texts = .allocate(capacity: slots * room)
        texts.initialize(repeating: 0, count: slots * room)
        self.room = room
        setShift = UInt64(64 - slots.trailingZeroBitCount)
    }

    /// Frees the storage; the texts are not used after.
    func deallocate() {
        tags.deallocate()
        counts.deallocate()
        texts.deallocate()
    }

    /// The slot that keeps `tag`'s text, or `nil`.
    @inline(__always)
    func slot(of tag: UInt) -> Int? {
        let set = firstSlot(of: tag)
        var slot = set
        while tags[slot] != tag {
            slot &+= 1
            guard slot < set &+ Self.ways else { return nil }
        }
        return slot
    }

    /// The text of `slot`, comma first; ``room`` bytes may be read from it.
    @inline(__always)
    func text(_ slot: Int) -> UnsafePointer<UInt8> { UnsafePointer(texts + slot &* room) }

    /// Bytes of `slot`'s text, comma included.
    @inline(__always)
    func count(_ slot: Int) -> Int { counts[slot] }

    /// Keeps a comma and the `count` bytes at `text` for `tag` (`count` below ``room``): in the slot
    /// that has the tag, else in a free slot of its set, else in the set's last.
    func keep(_ tag: UInt, commaThen text: UnsafePointer<UInt8>, count: Int) {
        precondition(tag != 0 && count < room, "a text kept must fit its slot")
        let set = firstSlot(of: tag)
        let ways = set..<(set + Self.ways)
        let slot = self.slot(of: tag) ?? ways.first { tags[$0] == 0 } ?? ways.upperBound - 1
        let to = texts + slot * room
        to.pointee = UInt8(ascii: ",")
        (to + 1).update(from: text, count: count)
        tags[slot] = tag
        counts[slot] = count + 1
    }

    /// The first slot of the set for `tag`.
    @inline(__always)
    private func firstSlot(of tag: UInt) -> Int {
        Int(truncatingIfNeeded: (UInt64(tag) &* 0x9E37_79B9_7F4A_7C15) >> setShift) & ~(Self.ways - 1)
    }
}
