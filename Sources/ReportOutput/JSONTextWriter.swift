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
    /// The text of the last time written up to its fractional digits (`2027-01-15T08:00:00.`), and
    /// the second it is for: the times of a session mostly share their second, so the date and
    /// clock are formatted once and copied after.
    private let secondText: UnsafeMutablePointer<UInt8>
    private var secondTextLength = 0
    private var secondTextFor: Int64 = 0
    /// The text before a member's value, made the first time its key is written at its level: the
    /// comma, the new line, the indent, the quoted key, the colon and the space. Found again by the
    /// key's address (a static string's text never moves), so that the key is one copy of six words
    /// the next time rather than a dozen stores and checks: a session writes some eighty keys.
    /// Direct-mapped: two keys that share a slot take turns in it.
    private struct KeyPrefix {
        /// The key's text address with its level in the top bits (exact, so two keys never share one).
        var tag: UInt = 0
        /// Bytes of the slot's text in use, comma included; 0 when the prefix is too long to keep.
        var count = 0
    }
    /// Bytes copied for a kept prefix: six words. A prefix longer than that (a long key, a deep
    /// level) is written piece by piece.
    private static let keyPrefixCopy = 48
    /// Bytes of text per slot: the copy, from the byte after the comma at most, and slack.
    private static let keyPrefixRoom = 56
    /// Indent levels whose prefixes are kept (see ``key(_:)``).
    private static let keptLevels: UInt = 1 << 15
    /// Slots of ``keyCache`` (a power of two).
    private static let keyCacheSlots = 512
    private let keyCache: UnsafeMutablePointer<KeyPrefix>
    /// The slots' texts, ``keyPrefixRoom`` bytes each.
    private let keyText: UnsafeMutableRawPointer
    /// The least capacity: room for the longest piece written in one step (a time, a number).
    private static let pieceRoom = CaptureTimestamp.maximumRFC3339Length + 2
    /// Eight spaces as one word, for indents.
    private static let eightSpaces: UInt64 = 0x2020_2020_2020_2020
    /// The deepest nesting the bit sets above hold.
    public static let maximumDepth = 64

    /// Starts writing a value nested `indent` levels deep.
    public init(pretty: Bool = true, indent: Int = 0, capacity: Int = 4096) {
        self.capacity = max(capacity, Self.pieceRoom)
        base = .allocate(capacity: self.capacity)
        secondText = .allocate(capacity: CaptureTimestamp.maximumRFC3339Length)
        keyCache = .allocate(capacity: Self.keyCacheSlots)
        keyCache.initialize(repeating: KeyPrefix(), count: Self.keyCacheSlots)
        keyText = .allocate(byteCount: Self.keyCacheSlots * Self.keyPrefixRoom, alignment: 8)
        keyText.initializeMemory(as: UInt8.self, repeating: 0, count: Self.keyCacheSlots * Self.keyPrefixRoom)
        self.pretty = pretty
        self.baseIndent = indent
    }

    deinit {
        base.deallocate()
        secondText.deallocate()
        keyCache.deallocate()
        keyText.deallocate()
    }

    /// Forgets the text written, to write another value at the same indent with the same storage
    /// (and the member prefixes made so far). Storage grown past ``keptCapacity`` by one large
    /// value (a session with thousands of requests) is given back rather than kept for the rest.
    public mutating func removeAll() {
        count = 0
        depth = 0
        isArray = 0
        hasMembers = 0
        if capacity > Self.keptCapacity {
            base.deallocate()
            capacity = Self.keptCapacity
            base = .allocate(capacity: capacity)
        }
    }

    /// The most storage ``removeAll()`` keeps.
    public static let keptCapacity = 1 << 20

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
    public mutating func endObject() { close(UInt8(ascii: "}")) }

    /// Opens an array.
    public mutating func beginArray() { open(UInt8(ascii: "["), array: true) }

    /// Closes the array opened last.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts the member `key` of the object opened last; its value is written next. The separator,
    /// the new line, the indent and the key are copied from the prefix kept for the key at this
    /// level (``KeyPrefix``), or written piece by piece and kept the first time.
    @inline(__always)
    public mutating func key(_ key: StaticString) {
        precondition(depth > 0 && !innermostIsArray, "a key outside an object")
        let bit: UInt64 = 1 << UInt64(depth &- 1)
        let first = hasMembers & bit == 0
        hasMembers |= bit
        let level = baseIndent &+ depth
        // Levels from 0 to 32,767 go in the tag's top bits, where no address reaches; others (an
        // odd starting indent) are written piece by piece, never kept.
        guard UInt(bitPattern: level) < Self.keptLevels else { return writeKey(key, first: first) }
        let tag = UInt(bitPattern: key.utf8Start) ^ UInt(bitPattern: level) << 48
        let index = Int(truncatingIfNeeded: (UInt64(tag) &* 0x9E37_79B9_7F4A_7C15) >> 55)
        let slot = keyCache + index
        guard slot.pointee.tag == tag, slot.pointee.count > 0, capacity &- count >= Self.keyPrefixRoom else {
            return keySlowly(key, first: first, tag: tag, slot: index)
        }
        // Six words copied whole from the slot (there is room), counted as long as the prefix is.
        let skip = first ? 1 : 0
        let from = UnsafeRawPointer(keyText + index &* Self.keyPrefixRoom + skip)
        let to = UnsafeMutableRawPointer(base + count)
        for word in 0..<(Self.keyPrefixCopy / 8) {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: 8 &* word, as: UInt64.self), toByteOffset: 8 &* word,
                          as: UInt64.self)
        }
        count &+= slot.pointee.count &- skip
    }

    /// ``key(_:)`` when its prefix is not kept yet, cannot be, or has no room: written piece by
    /// piece, and kept in slot `index` for the next time when it fits.
    @inline(never)
    private mutating func keySlowly(_ key: StaticString, first: Bool, tag: UInt, slot index: Int) {
        let start = count
        writeKey(key, first: first)
        // Kept as written after a comma: the first member's prefix is the same without it.
        let written = count - start
        let length = written + (first ? 1 : 0)
        keyCache[index] = KeyPrefix(tag: tag, count: 0)
        guard length <= Self.keyPrefixCopy else { return }
        let text = keyText + index * Self.keyPrefixRoom
        text.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
        (text + 1).copyMemory(from: base + start + (first ? 0 : 1), byteCount: length - 1)
        keyCache[index].count = length
    }

    /// ``key(_:)`` written piece by piece.
    private mutating func writeKey(_ key: StaticString, first: Bool) {
        let spaces = pretty ? 2 * max(0, baseIndent + depth) : 0
        let length = key.utf8CodeUnitCount
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
            var written = 0
            while written < spaces {
                UnsafeMutableRawPointer(next + written).storeBytes(of: Self.eightSpaces, as: UInt64.self)
                written += 8
            }
            next += spaces
        }
        next.pointee = UInt8(ascii: "\"")
        next += 1
        Self.copyShort(key.utf8Start, count: length, to: next)
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

    // MARK: - Values

    /// A string, escaped.
    public mutating func string(_ value: String) {
        beforeValue()
        var text = value
        let copied: Bool = text.withUTF8 { utf8 in
            // Most strings need no escape: copied whole.
            guard !JSONValue.containsEscape(utf8) else { return false }
            reserve(utf8.count + 2)
            put(UInt8(ascii: "\""))
            if let start = utf8.baseAddress { (base + count).update(from: start, count: utf8.count) }
            count += utf8.count
            put(UInt8(ascii: "\""))
            return true
        }
        guard !copied else { return }
        var escaped: [UInt8] = []
        JSONValue.writeEscaped(value, to: &escaped)
        append(escaped)
    }

    /// A string, or `null`.
    public mutating func string(_ value: String?) {
        guard let value else { return null() }
        string(value)
    }

    /// An endpoint as its ``Endpoint/description`` string, or `null`; an IPv4 one is written in
    /// place without making the `String`.
    public mutating func endpoint(_ value: Endpoint?) {
        guard let value else { return null() }
        guard case .v4 = value.address else { return string(value.description) }
        beforeValue()
        reserve(Endpoint.maximumIPv4TextLength + 2)
        put(UInt8(ascii: "\""))
        count += value.writeIPv4Text(to: base + count) ?? 0
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
        (base + count).update(from: secondText, count: secondTextLength)
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

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        beforeValue()
        literal(value ? "true" : "false")
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

    private mutating func open(_ bracket: UInt8, array: Bool) {
        precondition(depth < Self.maximumDepth, "JSON nested deeper than \(Self.maximumDepth) levels")
        beforeValue()
        reserve(1)
        put(bracket)
        let bit: UInt64 = 1 << UInt64(depth)
        if array { isArray |= bit } else { isArray &= ~bit }
        hasMembers &= ~bit
        depth += 1
    }

    /// An array element is preceded by its separator; an object member's was written with its key.
    @inline(__always)
    private mutating func beforeValue() {
        guard depth > 0, innermostIsArray else { return }
        separate()
    }

    /// The comma before every member but the first and, when pretty, the member's new line.
    private mutating func separate() {
        let bit: UInt64 = 1 << UInt64(depth - 1)
        let first = hasMembers & bit == 0
        hasMembers |= bit
        reserve(2)
        if !first { put(UInt8(ascii: ",")) }
        if pretty { newLine(indent: baseIndent + depth) }
    }

    private mutating func close(_ bracket: UInt8) {
        precondition(depth > 0, "a container closed that was not opened")
        depth -= 1
        let empty = hasMembers & (1 << UInt64(depth)) == 0
        if pretty && !empty { newLine(indent: baseIndent + depth) }
        reserve(1)
        put(bracket)
    }

    private mutating func newLine(indent: Int) {
        let spaces = 2 * max(0, indent)
        reserve(spaces + 1)
        put(UInt8(ascii: "\n"))
        (base + count).initialize(repeating: UInt8(ascii: " "), count: spaces)
        count += spaces
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

    /// Makes room for `bytes` more bytes.
    @inline(__always)
    private mutating func reserve(_ bytes: Int) {
        if capacity - count < bytes { grow(to: count + bytes) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed {
            let (doubled, overflow) = newCapacity.multipliedReportingOverflow(by: 2)
            newCapacity = overflow ? needed : doubled
        }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }
}
