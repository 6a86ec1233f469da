/// The text of an object whose members are always the same keys in the same order (a timeline
/// session or request), for ``JSONTextWriter/beginObject(fixedMembers:)``: the whole object with
/// every value `null`, and where each `null` is. Writing such an object copies the text between
/// two values in one piece (comma, new line, indent, key), and a run of `null` values with it,
/// instead of finding and copying each key's prefix.
struct FixedObjectText {
    /// The object as a later array element: the comma and, when pretty, the new line and indent
    /// before it; the opening brace; each member with a `null` value; the closing brace (on its
    /// own line when pretty). 8 readable bytes past it, for word copies.
    let text: UnsafePointer<UInt8>
    /// Bytes of ``text``.
    let count: Int
    /// Per member: where its `null` starts in ``text`` (it ends 4 bytes later).
    let valueStarts: UnsafePointer<Int>
    /// Members.
    let members: Int
    /// Where the opening brace is (the object written as a member's value or the top value starts
    /// there; as the first element of an array, after the comma).
    let brace: Int
}

/// The ``FixedObjectText``s a writer made, by member list and indent level. Bounded: at most
/// ``capacity`` texts of at most ``maximumText`` bytes each; an object that gets none is written
/// member by member (the same text). The writer owns the storage and frees it (``deallocate()``).
struct FixedObjectTexts {
    /// Texts kept: a document uses two (a session and a request, each at its one level).
    static let capacity = 8
    /// The longest text kept (a session object at its level is about 700 bytes pretty).
    static let maximumText = 4096

    private let tags: UnsafeMutablePointer<UInt>
    private let made: UnsafeMutablePointer<FixedObjectText>
    private var madeCount = 0

    /// No texts yet.
    init() {
        tags = .allocate(capacity: Self.capacity)
        made = .allocate(capacity: Self.capacity)
    }

    /// Frees the texts and the storage.
    func deallocate() {
        for index in 0..<madeCount {
            made[index].text.deallocate()
            made[index].valueStarts.deallocate()
        }
        made.deinitialize(count: madeCount)
        made.deallocate()
        tags.deallocate()
    }

    /// The text for members `keys` (separated by single spaces) at `level` (their indent), made
    /// the first time; `nil` when there is no room for it (the caller writes member by member).
    @inline(__always)
    mutating func text(for keys: StaticString, level: Int, pretty: Bool) -> FixedObjectText? {
        // Levels from 0 to 32,767 in the tag's top bits, where no address reaches.
        guard UInt(bitPattern: level) < 1 << 15 else { return nil }
        let tag = UInt(bitPattern: keys.utf8Start) ^ UInt(bitPattern: level) << 48
        for index in 0..<madeCount where tags[index] == tag { return made[index] }
        return make(tag, keys: keys, level: level, pretty: pretty)
    }

    /// Makes and keeps the text for `tag`, when there is room.
    @inline(never)
    private mutating func make(_ tag: UInt, keys: StaticString, level: Int, pretty: Bool) -> FixedObjectText? {
        guard madeCount < Self.capacity else { return nil }
        // An upper bound of the text's length, checked before making it (a deep level's indents).
        var members = 0
        Self.forEachName(keys) { _, _ in members += 1 }
        guard keys.utf8CodeUnitCount + (members + 2) * (2 * level + 12) <= Self.maximumText else { return nil }
        var text: [UInt8] = [UInt8(ascii: ",")]
        if pretty { Self.newLine(level: level - 1, to: &text) }
        let brace = text.count
        text.append(UInt8(ascii: "{"))
        var valueStarts: [Int] = []
        Self.forEachName(keys) { name, index in
            if index > 0 { text.append(UInt8(ascii: ",")) }
            if pretty { Self.newLine(level: level, to: &text) }
            text.append(UInt8(ascii: "\""))
            text.append(contentsOf: name)
            text += pretty ? Array("\": ".utf8) : Array("\":".utf8)
            valueStarts.append(text.count)
            text += Array("null".utf8)
        }
        if pretty { Self.newLine(level: level - 1, to: &text) }
        text.append(UInt8(ascii: "}"))
        guard text.count <= Self.maximumText else { return nil }
        let storedText = UnsafeMutablePointer<UInt8>.allocate(capacity: text.count + 8)
        storedText.initialize(from: text + [UInt8](repeating: 0, count: 8), count: text.count + 8)
        let storedStarts = UnsafeMutablePointer<Int>.allocate(capacity: valueStarts.count)
        storedStarts.initialize(from: valueStarts, count: valueStarts.count)
        let object = FixedObjectText(text: storedText, count: text.count, valueStarts: storedStarts,
                                     members: valueStarts.count, brace: brace)
        tags[madeCount] = tag
        (made + madeCount).initialize(to: object)
        madeCount += 1
        return object
    }

    /// Calls `body` with each name of `keys` (separated by single spaces) and its index.
    static func forEachName(_ keys: StaticString, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        let bytes = UnsafeBufferPointer(start: keys.utf8Start, count: keys.utf8CodeUnitCount)
        var start = 0, index = 0
        for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: " ") {
            body(UnsafeBufferPointer(rebasing: bytes[start..<end]), index)
            index += 1
            start = end + 1
        }
    }

    private static func newLine(level: Int, to text: inout [UInt8]) {
        text.append(UInt8(ascii: "\n"))
        text += repeatElement(UInt8(ascii: " "), count: 2 * max(0, level))
    }
}

/// An object open in a ``JSONTextWriter`` through ``JSONTextWriter/beginObject(fixedMembers:)``.
struct FixedObjectState {
    /// Its members' names, separated by single spaces.
    var keys: StaticString
    /// Its made text, or `nil` when it is written member by member.
    var made: FixedObjectText?
    /// With ``made``: how much of its text is written (a value written skips its `null`); without:
    /// the first member not started yet.
    var cursor: Int

    /// No object.
    static var none: FixedObjectState { FixedObjectState(keys: "", made: nil, cursor: 0) }
}
