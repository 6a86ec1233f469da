#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One header field line as sent: the name keeps its original spelling, the value has its
/// surrounding spaces and tabs removed (and obsolete continuation lines joined with one space).
public struct HTTPHeaderField: Hashable, Sendable {
    /// The field name, exactly as sent.
    public var name: String
    /// The field value without leading or trailing whitespace.
    public var value: String

    /// Creates a field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The header fields of one message, in the order they were sent, repeated names kept.
///
/// Look-ups compare names case-insensitively (ASCII only, as HTTP field names are tokens) and never
/// split or merge values: a field sent twice is two entries, and `a, b` in one line is one value.
///
/// The fields are kept as the bytes they were sent in (the parser hands over the head it collected)
/// and the places of each name and value in them: a head costs at most two allocations however many
/// fields it has (none when its direction's previous head has been let go: its storage is reused),
/// and a value becomes a `String` only when it is asked for (most never are). For the known
/// names (``HTTPFieldName``) the first field of each is noted as the fields are read: a look-up by
/// one is a load; any other name is found by a scan.
public struct HTTPHeaders: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// Where one field's name and value are in ``storage``.
    @usableFromInline
    struct Span: Hashable, Sendable {
        @usableFromInline var nameStart: Int
        @usableFromInline var nameEnd: Int
        @usableFromInline var valueStart: Int
        @usableFromInline var valueEnd: Int
    }

    /// The bytes the spans point into (for parsed heads, the whole head as sent).
    @usableFromInline private(set) var storage: [UInt8]
    /// Every field, in order: the first ``spanCount`` (a parsed head's storage may hold unused
    /// places after them, which its parser filled ahead so as to write each field's in place).
    @usableFromInline private(set) var spans: [Span]
    /// How many of ``spans`` are fields (kept in ``slots``; at most `UInt32.max`, far above any
    /// head's field limit).
    @usableFromInline var spanCount: Int {
        get { Int(slots.fieldCount) }
        set { slots.fieldCount = UInt32(clamping: newValue) }
    }
    /// The first field of each known name, and the name lengths present.
    @usableFromInline private(set) var slots: HTTPFieldSlots

    /// Creates headers from fields in order.
    public init(_ fields: [HTTPHeaderField] = []) {
        storage = []
        spans = []
        slots = HTTPFieldSlots()
        for field in fields { append(name: field.name, value: field.value) }
    }

    /// Creates headers from a literal such as `["Content-Length": "0"]`; repeated names are kept.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { HTTPHeaderField(name: $0.0, value: $0.1) })
    }

    /// Headers whose fields are the first `count` of `spans` (all of them when `count` is larger)
    /// of `storage` (the parser's head bytes, taken over), noted in `slots` as they were read.
    init(storage: [UInt8], spans: [Span], count: Int, slots: HTTPFieldSlots) {
        self.storage = storage
        self.spans = spans
        self.slots = slots
        spanCount = Swift.max(0, Swift.min(count, spans.count))
    }

    /// Every field, in order (built on demand: look-ups do not need it).
    public var fields: [HTTPHeaderField] {
        spans[..<spanCount].map { HTTPHeaderField(name: text(start: $0.nameStart, end: $0.nameEnd), value: value(of: $0)) }
    }

    /// The number of fields, repeated ones counted each time.
    public var count: Int { spanCount }

    /// Whether there are no fields.
    public var isEmpty: Bool { spanCount == 0 }

    /// Adds a field at the end (none past `UInt32.max` fields).
    public mutating func append(name: String, value: String) {
        guard spanCount < UInt32.max else { return }
        let nameStart = storage.count
        storage.append(contentsOf: name.utf8)
        let valueStart = storage.count
        storage.append(contentsOf: value.utf8)
        let slot = storage.withUnsafeBytes { HTTPFieldName.slot(of: UnsafeRawBufferPointer(rebasing: $0[nameStart..<valueStart])) }
        slots.note(field: spanCount, nameLength: valueStart - nameStart, slot: slot)
        let span = Span(nameStart: nameStart, nameEnd: valueStart, valueStart: valueStart, valueEnd: storage.count)
        if spanCount < spans.count { spans[spanCount] = span } else { spans.append(span) }
        spanCount += 1
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[HTTPHeaderField]> {
        fields.makeIterator()
    }

    // MARK: - Look-up by a known name: the first field is noted, no scan

    /// The value of the first field called `name`, or `nil` when there is none. Inlined where it
    /// is asked, as ``valueRange(_:)`` is: most names asked for are absent, which a load settles.
    @inlinable
    public subscript(name: HTTPFieldName) -> String? {
        guard let range = valueRange(name) else { return nil }
        return text(in: range)
    }

    /// The bytes of `range` (of ``storage``) as text, decoded from the bytes lent in place.
    @usableFromInline
    func text(in range: Range<Int>) -> String { text(start: range.lowerBound, end: range.upperBound) }

    /// The bytes of the first field called `name`'s value, without making a `String` (numbers and
    /// tokens are read from them directly); `nil` when there is none.
    public func valueBytes(_ name: HTTPFieldName) -> ArraySlice<UInt8>? {
        firstSpan(named: name).map { storage[$0.valueStart..<$0.valueEnd] }
    }

    /// Calls `body` with the bytes of the first field called `name`'s value, lent in place (`nil`
    /// when there is none): ``valueBytes(_:)-(HTTPFieldName)`` without the slice, whose retain and
    /// release of the head's bytes cost more than most readers of a value (a packet type, a number).
    @inlinable
    public func withValueBytes<Result>(_ name: HTTPFieldName, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result) rethrows -> Result {
        guard let range = valueRange(name) else { return try body(nil) }
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Where the first field called `name`'s value is in ``storage``, or `nil` when there is none:
    /// inlined where it is asked (a call cost about as much as the look-up), the scan past the
    /// fields a slot can note left out of line.
    @inlinable @inline(__always)
    func valueRange(_ name: HTTPFieldName) -> Range<Int>? {
        let entry = slots.entry(name.slot)
        guard entry != 0 else { return nil }
        if entry < HTTPFieldSlots.beyond, entry <= spanCount {
            let span = spans[entry - 1]
            return span.valueStart..<span.valueEnd
        }
        return scannedValueRange(name)
    }

    /// ``valueRange(_:)`` of a name whose first field lies past what a slot notes.
    @usableFromInline
    func scannedValueRange(_ name: HTTPFieldName) -> Range<Int>? {
        guard let span = firstSpan(named: name) else { return nil }
        return span.valueStart..<span.valueEnd
    }

    /// Whether at least one field is called `name`.
    public func contains(_ name: HTTPFieldName) -> Bool {
        slots.entry(name.slot) != 0
    }

    /// The values of every field called `name`, in order; empty when there is none.
    public func values(for name: HTTPFieldName) -> [String] {
        var found: [String] = []
        scanSpans(named: name) { span in
            found.append(value(of: span))
            return true
        }
        return found
    }

    /// Whether more than one field is called `name` (from the slots alone, without counting).
    @inline(__always)
    func isRepeated(_ name: HTTPFieldName) -> Bool {
        let entry = slots.entry(name.slot)
        return entry != 0 && (slots.isRepeated(name.slot) || entry == HTTPFieldSlots.beyond)
    }

    /// How many fields are called `name`.
    public func count(named name: HTTPFieldName) -> Int {
        let entry = slots.entry(name.slot)
        guard entry != 0 else { return 0 }
        guard slots.isRepeated(name.slot) || entry == HTTPFieldSlots.beyond else { return 1 }
        var count = 0
        scanSpans(named: name) { _ in
            count += 1
            return true
        }
        return count
    }

    // MARK: - Look-up by any name (a known one takes its slot)

    /// The value of the first field called `name` (case-insensitively), or `nil` when there is none.
    public subscript(name: String) -> String? {
        if let known = HTTPFieldName(name) { return self[known] }
        guard let span = firstSpan(named: name) else { return nil }
        return value(of: span)
    }

    /// ``valueBytes(_:)-(HTTPFieldName)`` for any name (case-insensitively).
    public func valueBytes(_ name: String) -> ArraySlice<UInt8>? {
        if let known = HTTPFieldName(name) { return valueBytes(known) }
        return firstSpan(named: name).map { storage[$0.valueStart..<$0.valueEnd] }
    }

    /// The values of every field called `name` (case-insensitively), in order; empty when there is none.
    public func values(for name: String) -> [String] {
        if let known = HTTPFieldName(name) { return values(for: known) }
        var found: [String] = []
        scanSpans(named: name) { span in
            found.append(value(of: span))
            return true
        }
        return found
    }

    /// How many fields are called `name` (case-insensitively).
    public func count(named name: String) -> Int {
        if let known = HTTPFieldName(name) { return count(named: known) }
        var count = 0
        scanSpans(named: name) { _ in
            count += 1
            return true
        }
        return count
    }

    /// Whether at least one field is called `name` (case-insensitively).
    public func contains(_ name: String) -> Bool {
        if let known = HTTPFieldName(name) { return contains(known) }
        return firstSpan(named: name) != nil
    }

    // MARK: - Equality: the fields, not the bytes they were parsed from

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        guard lhs.spanCount == rhs.spanCount else { return false }
        for (left, right) in zip(lhs.spans[..<lhs.spanCount], rhs.spans[..<rhs.spanCount]) {
            guard lhs.storage[left.nameStart..<left.nameEnd].elementsEqual(rhs.storage[right.nameStart..<right.nameEnd]),
                  lhs.storage[left.valueStart..<left.valueEnd].elementsEqual(rhs.storage[right.valueStart..<right.valueEnd])
            else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(spanCount)
        for span in spans[..<spanCount] {
            storage[span.nameStart..<span.nameEnd].withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(0xFF as UInt8)  // Not a byte of a name: separates name from value.
            storage[span.valueStart..<span.valueEnd].withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    // MARK: - Finding spans

    private func value(of span: Span) -> String { text(start: span.valueStart, end: span.valueEnd) }

    /// Decoded from the bytes lent in place: a slice of ``storage`` would retain and release it.
    private func text(start: Int, end: Int) -> String {
        storage.withUnsafeBufferPointer { ASCII.string(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The first field called `name`: its noted index, or (past the byte an index is noted in) a scan.
    @inline(__always)
    private func firstSpan(named name: HTTPFieldName) -> Span? {
        let entry = slots.entry(name.slot)
        guard entry != 0 else { return nil }
        if entry < HTTPFieldSlots.beyond, entry <= spanCount { return spans[entry - 1] }
        return Self.first(of: { scanSpans(named: name, while: $0) })
    }

    /// The first field a scan (one of the `scanSpans(named:while:)`) passes to its body, or `nil`.
    private static func first(of scan: ((Span) -> Bool) -> Void) -> Span? {
        var found: Span?
        scan { span in
            found = span
            return false
        }
        return found
    }

    /// Calls `body` with each field called `name`, in order, from the first one noted, while it
    /// returns `true` (fields whose name has another length are passed over at once).
    private func scanSpans(named name: HTTPFieldName, while body: (Span) -> Bool) {
        let entry = slots.entry(name.slot)
        guard entry != 0 else { return }
        storage.withUnsafeBytes { bytes in
            for span in spans[Swift.min(entry - 1, spanCount)..<spanCount] {
                let spelled = UnsafeRawBufferPointer(rebasing: bytes[span.nameStart..<span.nameEnd])
                if HTTPFieldName.slot(of: spelled) == name.slot, !body(span) { return }
            }
        }
    }

    private func firstSpan(named name: String) -> Span? { Self.first(of: { scanSpans(named: name, while: $0) }) }

    /// Whether two buffers hold the same bytes (`memcmp`; empty ones are the same).
    @inline(__always)
    private static func sameBytes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return left.isEmpty }
        return memcmp(leftBase, rightBase, left.count) == 0
    }

    /// Calls `body` with each field called `name`, in order, while it returns `true`. One pass over
    /// raw buffers: names are compared by length first (which settles most), then byte by byte
    /// ignoring ASCII case.
    private func scanSpans(named name: String, while body: (Span) -> Bool) {
        guard slots.nameLengths & HTTPFieldSlots.lengthBit(name.utf8.count) != 0 else { return }
        ASCII.withBytes(of: name) { wanted in scanSpans(named: wanted, while: body) }
    }

    /// ``scanSpans(named:while:)`` for a name given as bytes.
    private func scanSpans(named wanted: UnsafeBufferPointer<UInt8>, while body: (Span) -> Bool) {
        storage.withUnsafeBufferPointer { bytes in
            spans[..<spanCount].withUnsafeBufferPointer { spans in
                for span in spans where span.nameEnd - span.nameStart == wanted.count {
                    let name = UnsafeBufferPointer(rebasing: bytes[span.nameStart..<span.nameEnd])
                    // Senders spell names as the look-ups do: one memcmp settles most matches.
                    if Self.sameBytes(name, wanted) || ASCII.equalsIgnoringCase(name, wanted), !body(span) { return }
                }
            }
        }
    }
}

extension HTTPHeaders {
    /// Joins a continuation line's text to field `index`'s value with one space: the joined value is
    /// written after the stored bytes and the field points there (folding is rare and obsolete).
    mutating func continueValue(ofField index: Int, with text: ArraySlice<UInt8>) {
        guard index >= 0, index < spanCount, !text.isEmpty else { return }
        let old = spans[index]
        var joined = Array(storage[old.valueStart..<old.valueEnd])
        if !joined.isEmpty { joined.append(ASCII.space) }
        joined.append(contentsOf: text)
        spans[index].valueStart = storage.count
        storage.append(contentsOf: joined)
        spans[index].valueEnd = storage.count
    }
}
