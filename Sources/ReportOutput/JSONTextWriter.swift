import AnalyzerCore

/// Writes JSON text straight into a byte buffer, member by member, byte for byte what
/// ``JSONValue/write(to:pretty:indent:)`` gives for the same values, without building the
/// ``JSONValue`` tree first: the timeline's sessions are written this way, since a tree per session
/// costs an allocation per value (a million sessions a run: see docs/performance.md).
///
/// The text goes into memory the writer owns (hence not copyable): a key or a number is a few
/// stores, where appending to an `[UInt8]` cost a uniqueness and capacity check per piece, which
/// made a tenth of the busy workload's time.
///
/// Keys are static strings that need no escaping (the schema's member names); values are escaped.
public struct JSONTextWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The capacity the writer was made with: storage handed back smaller than this, or larger
    /// than ``keptCapacity``, is replaced (``handOff(_:)``).
    private let preferredCapacity: Int
    /// Bytes written.
    public private(set) var count = 0
    private let pretty: Bool
    /// The indent level of the outermost value written (its members go one deeper).
    private let baseIndent: Int
    /// How many containers are open.
    private var depth = 0
    /// Per open container (bit `depth - 1` is the innermost): whether it is an array.
    private var isArray: UInt64 = 0
    /// Per open container: whether it has a member or element yet.
    private var hasMembers: UInt64 = 0
    /// Per open container: whether it is an object of fixed members (``beginObject(fixedMembers:)``),
    /// written through ``fixed``.
    private var isFixed: UInt64 = 0
    /// The innermost fixed-member object open (or ``FixedObjectState/none``), and per depth the
    /// one that was innermost before the object at that depth was opened.
    private var fixed = FixedObjectState.none
    private let fixedObjects: UnsafeMutablePointer<FixedObjectState>
    /// The texts of fixed-member objects, made once per member list and level.
    private var fixedTexts = FixedObjectTexts()
    /// The text of the last time written up to its fractional digits (`2027-01-15T08:00:00.`), and
    /// the second it is for: the times of a session mostly share their second, so the date and
    /// clock are formatted once and copied after.
    private let secondText: UnsafeMutablePointer<UInt8>
    private var secondTextLength = 0
    private var secondTextFor: Int64 = 0
    /// The IPv4 endpoint written last, and its text.
    private var lastEndpoint: Endpoint?
    private let lastEndpointText: UnsafeMutablePointer<UInt8>
    private var lastEndpointLength = 0
    /// The least capacity: room for the longest piece written in one step (a time, a number).
    private static let pieceRoom = CaptureTimestamp.maximumRFC3339Length + 2
    /// Eight spaces as one word, for indents.
    private static let eightSpaces: UInt64 = 0x2020_2020_2020_2020
    /// The deepest nesting the bit sets above hold.
    public static let maximumDepth = 64

    /// Starts writing a value nested `indent` levels deep.
    public init(pretty: Bool = true, indent: Int = 0, capacity: Int = 4096) {
        self.capacity = max(capacity, Self.pieceRoom)
        preferredCapacity = self.capacity
        base = Self.allocateStorage(self.capacity)
        secondText = .allocate(capacity: CaptureTimestamp.maximumRFC3339Length)
        lastEndpointText = .allocate(capacity: Endpoint.maximumIPv4TextLength)
        fixedObjects = .allocate(capacity: Self.maximumDepth)
        self.pretty = pretty
        self.baseIndent = indent
    }

    deinit {
        base.deallocate()
        secondText.deallocate()
        lastEndpointText.deallocate()
        fixedObjects.deallocate()
        fixedTexts.deallocate()
    }

    /// Forgets the text written, to write another value at the same indent with the same storage
    /// (and the member prefixes made so far). Storage grown past ``keptCapacity`` by one large
    /// value (a session with thousands of requests) is given back rather than kept for the rest.
    public mutating func removeAll() {
        count = 0
        depth = 0
        isArray = 0
        hasMembers = 0
        isFixed = 0
        fixed = .none
        if capacity > Self.keptCapacity {
            base.deallocate()
            capacity = Self.keptCapacity
            base = Self.allocateStorage(capacity)
        }
    }

    /// The most storage ``removeAll()`` keeps.
    public static let keptCapacity = 1 << 20

    /// Hands the text written so far to `receive`, in its storage, and goes on writing, from
    /// empty, in the storage `receive` leaves in the store (the same or its own; storage handed
    /// back smaller than the writer was made with, or larger than ``keptCapacity``, is freed and
    /// replaced). Only between values: what is open stays open.
    public mutating func handOff(_ receive: (inout JSONTextStore) -> Void) {
        var store = JSONTextStore(bytes: UnsafeMutableRawPointer(base), capacity: capacity, count: count)
        receive(&store)
        if store.capacity >= preferredCapacity, store.capacity <= max(preferredCapacity, Self.keptCapacity) {
            base = store.bytes.bindMemory(to: UInt8.self, capacity: store.capacity)
            capacity = store.capacity
        } else {
            store.bytes.deallocate()
            capacity = preferredCapacity
            base = Self.allocateStorage(capacity)
        }
        count = 0
    }

    /// Appends `bytes` as they are (text written otherwise: a document's head around the values).
    mutating func appendRaw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).update(from: start, count: bytes.count)
        count += bytes.count
    }

    /// Whether no container is open (a value is complete).
    var isBetweenValues: Bool { depth == 0 }

    /// Storage that a ``JSONTextStore`` may carry (``handOff(_:)``).
    private static func allocateStorage(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        JSONTextStore.allocate(capacity: capacity).bindMemory(to: UInt8.self, capacity: capacity)
    }

    /// The text written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Hands the text written so far to `body`, without copying it.
    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    // MARK: - Containers

    /// Opens an object (as the value of the last key, an array element or the top value).
    public mutating func beginObject() { open(UInt8(ascii: "{"), array: false) }

    /// Closes the object opened last.
    public mutating func endObject() {
        guard depth > 0, isFixed & (1 << UInt64(depth &- 1)) != 0 else { return close(UInt8(ascii: "}")) }
        endFixedObject()
    }

    /// Opens an array.
    public mutating func beginArray() { open(UInt8(ascii: "["), array: true) }

    /// Closes the array opened last.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts the member `key` of the object opened last; its value is written next: the separator,
    /// the new line, the indent and the key. (The timeline's sessions and requests are objects of
    /// fixed members, whose keys are copied in runs: ``beginObject(fixedMembers:)``.)
    public mutating func key(_ key: StaticString) {
        writeKey(key.utf8Start, key.utf8CodeUnitCount, first: startMember())
    }

    /// Members of the object opened last whose values are all `null`: `keys` names them in order,
    /// separated by single spaces (`"error_code error_name"`); the same text as ``key(_:)`` and
    /// ``null()`` for each.
    public mutating func nullMembers(_ keys: StaticString) {
        precondition(keys.utf8CodeUnitCount > 0, "no member named")
        var first = startMember()
        FixedObjectTexts.forEachName(keys) { name, _ in
            guard let start = name.baseAddress else { return }
            writeKey(start, name.count, first: first)
            literal("null")
            first = false
        }
    }

    /// The member `key` with `value` written by `write`, or, when `value` is `nil`, with `null`.
    @inline(__always)
    public mutating func member<Value>(_ key: StaticString, _ value: Value?, _ write: (inout Self, Value) -> Void) {
        guard let value else { return nullMembers(key) }
        self.key(key)
        write(&self, value)
    }

    /// Marks a member of the object opened last as started; says whether it is the object's first.
    @inline(__always)
    private mutating func startMember() -> Bool {
        precondition(depth > 0 && !innermostIsArray, "a key outside an object")
        assert(isFixed & (1 << UInt64(depth &- 1)) == 0, "a key in an object of fixed members")
        let bit: UInt64 = 1 << UInt64(depth &- 1)
        let first = hasMembers & bit == 0
        hasMembers |= bit
        return first
    }

    /// ``key(_:)`` written piece by piece, for the key of `length` bytes at `key`.
    private mutating func writeKey(_ key: UnsafePointer<UInt8>, _ length: Int, first: Bool) {
        let spaces = pretty ? 2 * max(0, baseIndent + depth) : 0
        // 8 bytes of slack: the indent goes in whole words, the last one overwritten by the key.
        reserve(length + spaces + 6 + 8)
        var next = base + count
        if !first {
            next.pointee = UInt8(ascii: ",")
            next += 1
        }
        if pretty {
            next.pointee = UInt8(ascii: "\n")
            next += 1
            Self.writeSpaces(spaces, to: next)
            next += spaces
        }
        next.pointee = UInt8(ascii: "\"")
        next += 1
        Self.copyShort(key, count: length, to: next)
        next += length
        next[0] = UInt8(ascii: "\"")
        next[1] = UInt8(ascii: ":")
        next += 2
        if pretty {
            next.pointee = UInt8(ascii: " ")
            next += 1
        }
        count = next - base
    }

    // MARK: - Objects of fixed members

    /// Opens an object whose members are `keys` (separated by single spaces), in that order, each
    /// started with ``fixedMember(_:)``; a member not started is `null`. The separator and brace,
    /// and the text between two values (comma, new line, indent, key, and any `null` members
    /// between), are copied in one piece from the object's text, made the first time at its level
    /// (``FixedObjectTexts``), or written member by member when there is none. ``endObject()``
    /// closes it.
    public mutating func beginObject(fixedMembers keys: StaticString) {
        precondition(keys.utf8CodeUnitCount > 0, "no member named")
        guard depth < Self.maximumDepth,
              let made = fixedTexts.text(for: keys, level: baseIndent &+ depth &+ 1, pretty: pretty) else {
            return beginFixedObjectSlowly(keys)
        }
        // As a later array element from the comma, as the first from the new line, else from the brace.
        var start = made.brace
        if depth > 0, innermostIsArray {
            let bit: UInt64 = 1 << UInt64(depth &- 1)
            start = hasMembers & bit == 0 ? 1 : 0
            hasMembers |= bit
        }
        (fixedObjects + depth).initialize(to: fixed)
        fixed = FixedObjectState(keys: keys, made: made, cursor: start)
        pushFixed()
    }

    /// Marks the object just opened as one of fixed members, never empty.
    @inline(__always)
    private mutating func pushFixed() {
        let bit: UInt64 = 1 << UInt64(depth)
        isArray &= ~bit
        hasMembers |= bit
        isFixed |= bit
        depth &+= 1
    }

    /// ``beginObject(fixedMembers:)`` without a made text (or too deep: `open` stops it).
    @inline(never)
    private mutating func beginFixedObjectSlowly(_ keys: StaticString) {
        open(UInt8(ascii: "{"), array: false)
        depth &-= 1
        (fixedObjects + depth).initialize(to: fixed)
        fixed = FixedObjectState(keys: keys, made: nil, cursor: 0)
        pushFixed()
    }

    /// Starts member `index` (from 0, in the order of the keys) of the fixed-member object opened
    /// last: its value is written next. Members are started in order.
    @inline(__always)
    public mutating func fixedMember(_ index: Int) {
        guard let made = fixed.made else { return fixedMemberSlowly(index) }
        precondition(UInt(bitPattern: index) < UInt(bitPattern: made.members), "no such fixed member")
        let start = made.valueStarts[index]
        precondition(start >= fixed.cursor, "fixed members out of order")
        copyFixedText(made, from: fixed.cursor, to: start)
        fixed.cursor = start &+ 4
    }

    /// Copies `made`'s text from `from` up to `end` after the text, a word at a time (its text
    /// has 8 readable bytes past the end; room for 8 past the copy is reserved).
    @inline(__always)
    private mutating func copyFixedText(_ made: FixedObjectText, from: Int, to end: Int) {
        let length = end &- from
        reserve(length &+ 8)
        let source = UnsafeRawPointer(made.text + from), destination = UnsafeMutableRawPointer(base + count)
        var offset = 0
        while offset < length {
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self),
                                   toByteOffset: offset, as: UInt64.self)
            offset &+= 8
        }
        count &+= length
    }

    /// ``fixedMember(_:)`` without a made text: the members skipped as `null`, then the key.
    @inline(never)
    private mutating func fixedMemberSlowly(_ index: Int) {
        precondition(depth > 0 && isFixed & (1 << UInt64(depth &- 1)) != 0, "not in an object of fixed members")
        let first = fixed.cursor
        precondition(index >= first, "fixed members out of order")
        var found = false
        FixedObjectTexts.forEachName(fixed.keys) { name, member in
            guard member >= first, member <= index, let start = name.baseAddress else { return }
            writeKey(start, name.count, first: member == 0)
            if member < index { literal("null") }
            found = member == index
        }
        precondition(found, "no such fixed member")
        fixed.cursor = index &+ 1
    }

    /// Closes the fixed-member object opened last: the members not started, as `null`, and the
    /// closing brace.
    private mutating func endFixedObject() {
        isFixed &= ~(1 << UInt64(depth &- 1))
        if let made = fixed.made {
            copyFixedText(made, from: fixed.cursor, to: made.count)
            depth &-= 1
        } else {
            let first = fixed.cursor
            FixedObjectTexts.forEachName(fixed.keys) { name, member in
                guard member >= first, let start = name.baseAddress else { return }
                writeKey(start, name.count, first: member == 0)
                literal("null")
            }
            close(UInt8(ascii: "}"))
        }
        fixed = fixedObjects[depth]
    }

    // MARK: - Values

    /// A string, escaped.
    public mutating func string(_ value: String) {
        beforeValue()
        // Read in place (a native string's storage, a small one's bytes on the stack): copying the
        // `String` to call `withUTF8` cost a retain and a release per string.
        let copied = value.utf8.withContiguousStorageIfAvailable { quotedIfPlain($0) }
        guard copied != true else { return }
        var escaped: [UInt8] = []
        JSONValue.writeEscaped(value, to: &escaped)
        append(escaped)
    }

    /// Writes `utf8` quoted and returns `true` when none of its bytes needs an escape (most
    /// strings); otherwise returns `false`, having written nothing that counts. Each word is
    /// checked (``JSONValue/escapeLanes(_:)``) and stored as it is loaded, so that a string is read
    /// once, with no call to `memmove`; the last word overlaps the one before it.
    @inline(__always)
    private mutating func quotedIfPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = utf8.count
        // The quotes, and 8 bytes of slack: a short text's halves are stored as whole words.
        reserve(length &+ 10)
        let out = UnsafeMutableRawPointer(base + count)
        out.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
        if let start = utf8.baseAddress, length > 0 {
            let text = UnsafeRawPointer(start)
            var escapes: UInt64
            if length >= 8 {
                escapes = 0
                var offset = 0
                while offset < length &- 8 {
                    let word = text.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    escapes |= JSONValue.escapeLanes(word)
                    out.storeBytes(of: word, toByteOffset: offset &+ 1, as: UInt64.self)
                    offset &+= 8
                }
                let last = text.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self)
                escapes |= JSONValue.escapeLanes(last)
                out.storeBytes(of: last, toByteOffset: length &- 7, as: UInt64.self)
            } else if length >= 4 {
                let head = text.loadUnaligned(as: UInt32.self)
                let tail = text.loadUnaligned(fromByteOffset: length &- 4, as: UInt32.self)
                escapes = JSONValue.escapeLanes(UInt64(head) | UInt64(tail) << 32)
                out.storeBytes(of: head, toByteOffset: 1, as: UInt32.self)
                out.storeBytes(of: tail, toByteOffset: length &- 3, as: UInt32.self)
            } else {
                escapes = 0
                for index in 0..<length {
                    let byte = start[index]
                    if JSONValue.needsEscape(byte) { escapes = 1 }
                    out.storeBytes(of: byte, toByteOffset: index &+ 1, as: UInt8.self)
                }
            }
            guard escapes == 0 else { return false }
        }
        out.storeBytes(of: UInt8(ascii: "\""), toByteOffset: length &+ 1, as: UInt8.self)
        count &+= length &+ 2
        return true
    }

    /// A string, or `null`.
    public mutating func string(_ value: String?) {
        guard let value else { return null() }
        string(value)
    }

    /// An endpoint as its ``Endpoint/description`` string, or `null`; an IPv4 one is written in
    /// place without making the `String` (three a session), and copied when it is the one written
    /// last (a session's server is its `server` and the first of its `servers`).
    public mutating func endpoint(_ value: Endpoint?) {
        guard let value else { return null() }
        guard case .v4 = value.address else { return string(value.description) }
        beforeValue()
        reserve(Endpoint.maximumIPv4TextLength + 2)
        put(UInt8(ascii: "\""))
        if value == lastEndpoint {
            Self.copyShort(lastEndpointText, count: lastEndpointLength, to: base + count)
        } else {
            lastEndpointLength = value.writeIPv4Text(to: base + count) ?? 0
            Self.copyShort(base + count, count: lastEndpointLength, to: lastEndpointText)
            lastEndpoint = value
        }
        count += lastEndpointLength
        put(UInt8(ascii: "\""))
    }

    /// A capture time as an RFC 3339 string (no escaping needed), or `null`.
    public mutating func time(_ value: CaptureTimestamp?, precision: TimestampPrecision) {
        guard let value else { return null() }
        beforeValue()
        reserve(CaptureTimestamp.maximumRFC3339Length + 2)
        put(UInt8(ascii: "\""))
        if secondTextLength == 0 || value.seconds != secondTextFor {
            secondTextLength = value.writeRFC3339Second(to: secondText)
            secondTextFor = value.seconds
        }
        Self.copyShort(secondText, count: secondTextLength, to: base + count)
        count += secondTextLength
        count += value.writeRFC3339Fraction(precision: precision, to: base + count)
        put(UInt8(ascii: "\""))
    }

    /// An unsigned integer.
    public mutating func uint(_ value: UInt64) {
        beforeValue()
        reserve(DecimalText.maximumDigits)
        count += DecimalText.write(value, to: base + count)
    }

    /// An unsigned integer, or `null`.
    public mutating func uint(_ value: UInt64?) {
        guard let value else { return null() }
        uint(value)
    }

    /// A signed integer.
    public mutating func int(_ value: Int64) {
        beforeValue()
        reserve(DecimalText.maximumDigits + 1)
        if value < 0 { put(UInt8(ascii: "-")) }
        count += DecimalText.write(value.magnitude, to: base + count)
    }

    /// `true` or `false`: one word stored (8 bytes reserved), counted as long as the literal, where
    /// copying the literal cost some sixty instructions (two a request).
    public mutating func bool(_ value: Bool) {
        beforeValue()
        reserve(8)
        // The bytes of `true` and `false` in the order of a little-endian word.
        let word: UInt64 = value ? 0x6575_7274 : 0x65_736C_6166
        UnsafeMutableRawPointer(base + count).storeBytes(of: word.littleEndian, as: UInt64.self)
        count &+= value ? 4 : 5
    }

    /// `null`.
    public mutating func null() {
        beforeValue()
        literal("null")
    }

    /// A value built as a tree (for the rare, small ones).
    public mutating func value(_ value: JSONValue) {
        beforeValue()
        var text: [UInt8] = []
        value.write(to: &text, pretty: pretty, indent: baseIndent + depth)
        append(text)
    }

    // MARK: - Layout (the same text as JSONValue.separate and JSONValue.close)

    @inline(__always)
    private var innermostIsArray: Bool { isArray & (1 << UInt64(depth - 1)) != 0 }

    /// Writes `bracket` after the separator an array element needs, with one capacity check.
    private mutating func open(_ bracket: UInt8, array: Bool) {
        precondition(depth < Self.maximumDepth, "JSON nested deeper than \(Self.maximumDepth) levels")
        // Room for a comma, a new line, its indent (in words: 8 bytes of slack) and the bracket.
        reserve(Self.indentWidth(baseIndent &+ depth) &+ 11)
        if depth > 0, innermostIsArray { separateReserved() }
        put(bracket)
        let bit: UInt64 = 1 << UInt64(depth)
        if array { isArray |= bit } else { isArray &= ~bit }
        hasMembers &= ~bit
        depth &+= 1
    }

    /// An array element is preceded by its separator; an object member's was written with its key.
    @inline(__always)
    private mutating func beforeValue() {
        guard depth > 0, innermostIsArray else { return }
        separate()
    }

    /// The comma before every member but the first and, when pretty, the member's new line.
    private mutating func separate() {
        reserve(Self.indentWidth(baseIndent &+ depth) &+ 10)
        separateReserved()
    }

    /// ``separate()`` with room for it reserved.
    @inline(__always)
    private mutating func separateReserved() {
        let bit: UInt64 = 1 << UInt64(depth &- 1)
        let first = hasMembers & bit == 0
        hasMembers |= bit
        if !first { put(UInt8(ascii: ",")) }
        if pretty { newLineReserved(indent: baseIndent &+ depth) }
    }

    /// Writes `bracket`, on a new line at the container's indent unless it is empty, with one
    /// capacity check.
    private mutating func close(_ bracket: UInt8) {
        precondition(depth > 0, "a container closed that was not opened")
        depth &-= 1
        let empty = hasMembers & (1 << UInt64(depth)) == 0
        reserve(Self.indentWidth(baseIndent &+ depth) &+ 10)
        if pretty && !empty { newLineReserved(indent: baseIndent &+ depth) }
        put(bracket)
    }

    /// The bytes of the indent at `level` (none below 0).
    @inline(__always)
    private static func indentWidth(_ level: Int) -> Int { 2 * max(0, level) }

    /// A new line and the indent at `level`, with room for them and 8 bytes of slack reserved.
    @inline(__always)
    private mutating func newLineReserved(indent level: Int) {
        let spaces = Self.indentWidth(level)
        put(UInt8(ascii: "\n"))
        Self.writeSpaces(spaces, to: base + count)
        count &+= spaces
    }

    /// Writes `spaces` spaces at `out` a word at a time: up to 7 bytes past them are written too
    /// (room reserved by the caller), to be overwritten or left past the text.
    @inline(__always)
    private static func writeSpaces(_ spaces: Int, to out: UnsafeMutablePointer<UInt8>) {
        var written = 0
        while written < spaces {
            UnsafeMutableRawPointer(out + written).storeBytes(of: eightSpaces, as: UInt64.self)
            written += 8
        }
    }

    // MARK: - Storage

    /// Stores one byte; room for it was reserved.
    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    private mutating func literal(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount)
        Self.copyShort(text.utf8Start, count: text.utf8CodeUnitCount, to: base + count)
        count += text.utf8CodeUnitCount
    }

    /// Copies `count` bytes, as `update(from:count:)` does, for the short texts of keys and
    /// literals (4 to 32 bytes) without calling `memmove`: two or four word loads and stores that
    /// overlap in the middle. The call cost about a quarter of a key's instructions, and a session
    /// writes some eighty keys. Longer or shorter texts take `update(from:count:)`.
    @inline(__always)
    private static func copyShort(_ source: UnsafePointer<UInt8>, count: Int, to destination: UnsafeMutablePointer<UInt8>) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(destination)
        switch count {
        case 4...8:
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
        case 9...16:
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
        case 17...32:
            let first = from.loadUnaligned(as: UInt64.self)
            let second = from.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let third = from.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
            let fourth = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            to.storeBytes(of: first, as: UInt64.self)
            to.storeBytes(of: second, toByteOffset: 8, as: UInt64.self)
            to.storeBytes(of: third, toByteOffset: count - 16, as: UInt64.self)
            to.storeBytes(of: fourth, toByteOffset: count - 8, as: UInt64.self)
        default:
            destination.update(from: source, count: count)
        }
    }

    private mutating func append(_ text: [UInt8]) {
        reserve(text.count)
        text.withUnsafeBufferPointer { source in
            if let start = source.baseAddress { (base + count).update(from: start, count: source.count) }
        }
        count += text.count
    }

    /// Makes room for `bytes` more bytes. The room left is `capacity - count` without an overflow
    /// check (never negative: nothing is written past the capacity), a check fewer per value.
    @inline(__always)
    private mutating func reserve(_ bytes: Int) {
        if capacity &- count < bytes { grow(to: count + bytes) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed {
            let (doubled, overflow) = newCapacity.multipliedReportingOverflow(by: 2)
            newCapacity = overflow ? needed : doubled
        }
        let grown = Self.allocateStorage(newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}
