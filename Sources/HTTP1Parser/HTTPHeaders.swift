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
/// and the places of each name and value in them: a head costs two allocations however many fields
/// it has, and a value becomes a `String` only when it is asked for (most never are).
public struct HTTPHeaders: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// Where one field's name and value are in ``storage``.
    struct Span: Hashable, Sendable {
        var nameStart: Int
        var nameEnd: Int
        var valueStart: Int
        var valueEnd: Int
    }

    /// The bytes the spans point into (for parsed heads, the whole head as sent).
    private var storage: [UInt8]
    /// Every field, in order.
    private var spans: [Span]
    /// One bit per name length present (``lengthBit(_:)``): most look-ups ask for a field the
    /// message does not have (an error code on a success), and a name length no field has settles
    /// that without a scan.
    private var nameLengths: UInt64 = 0

    /// Creates headers from fields in order.
    public init(_ fields: [HTTPHeaderField] = []) {
        storage = []
        spans = []
        for field in fields { append(name: field.name, value: field.value) }
    }

    /// Creates headers from a literal such as `["Content-Length": "0"]`; repeated names are kept.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { HTTPHeaderField(name: $0.0, value: $0.1) })
    }

    /// Headers whose fields are `spans` of `storage` (the parser's head bytes, taken over).
    init(storage: [UInt8], spans: [Span]) {
        self.storage = storage
        self.spans = spans
        for span in spans { nameLengths |= Self.lengthBit(span.nameEnd - span.nameStart) }
    }

    /// The bit of ``nameLengths`` for names `length` bytes long (lengths from 63 up share one).
    @inline(__always)
    private static func lengthBit(_ length: Int) -> UInt64 { 1 << UInt64(Swift.min(Swift.max(length, 0), 63)) }

    /// Every field, in order (built on demand: look-ups do not need it).
    public var fields: [HTTPHeaderField] {
        spans.map { HTTPHeaderField(name: text(start: $0.nameStart, end: $0.nameEnd), value: value(of: $0)) }
    }

    /// The value of the first field called `name` (case-insensitively), or `nil` when there is none.
    public subscript(name: String) -> String? {
        firstSpan(named: name).map(value(of:))
    }

    /// The bytes of the first field called `name`'s value, without making a `String` (numbers and
    /// tokens are read from them directly); `nil` when there is none.
    public func valueBytes(_ name: String) -> ArraySlice<UInt8>? {
        firstSpan(named: name).map { storage[$0.valueStart..<$0.valueEnd] }
    }

    /// The values of every field called `name` (case-insensitively), in order; empty when there is none.
    public func values(for name: String) -> [String] {
        var found: [String] = []
        forEachSpan(named: name) { found.append(value(of: $0)) }
        return found
    }

    /// How many fields are called `name` (case-insensitively), and the first one's value bytes, in
    /// one pass (the framing of every message asks both of `Content-Length`).
    func countAndFirstValueBytes(_ name: String) -> (count: Int, first: ArraySlice<UInt8>?) {
        var count = 0
        var first: Span?
        forEachSpan(named: name) { span in
            if count == 0 { first = span }
            count += 1
        }
        return (count, first.map { storage[$0.valueStart..<$0.valueEnd] })
    }

    /// How many fields are called `name` (case-insensitively).
    public func count(named name: String) -> Int {
        var count = 0
        forEachSpan(named: name) { _ in count += 1 }
        return count
    }

    /// Whether at least one field is called `name` (case-insensitively).
    public func contains(_ name: String) -> Bool { firstSpan(named: name) != nil }

    /// The number of fields, repeated ones counted each time.
    public var count: Int { spans.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { spans.isEmpty }

    /// Adds a field at the end.
    public mutating func append(name: String, value: String) {
        let nameStart = storage.count
        storage.append(contentsOf: name.utf8)
        let valueStart = storage.count
        storage.append(contentsOf: value.utf8)
        spans.append(Span(nameStart: nameStart, nameEnd: valueStart, valueStart: valueStart, valueEnd: storage.count))
        nameLengths |= Self.lengthBit(valueStart - nameStart)
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[HTTPHeaderField]> {
        fields.makeIterator()
    }

    // MARK: - Equality: the fields, not the bytes they were parsed from

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        guard lhs.spans.count == rhs.spans.count else { return false }
        for (left, right) in zip(lhs.spans, rhs.spans) {
            guard lhs.storage[left.nameStart..<left.nameEnd].elementsEqual(rhs.storage[right.nameStart..<right.nameEnd]),
                  lhs.storage[left.valueStart..<left.valueEnd].elementsEqual(rhs.storage[right.valueStart..<right.valueEnd])
            else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(spans.count)
        for span in spans {
            storage[span.nameStart..<span.nameEnd].withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(0xFF as UInt8)  // Not a byte of a name: separates name from value.
            storage[span.valueStart..<span.valueEnd].withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    // MARK: - Look-up

    private func value(of span: Span) -> String { text(start: span.valueStart, end: span.valueEnd) }

    private func text(start: Int, end: Int) -> String { ASCII.string(storage[start..<end]) }

    private func firstSpan(named name: String) -> Span? {
        var found: Span?
        scanSpans(named: name) { span in
            found = span
            return false
        }
        return found
    }

    private func forEachSpan(named name: String, _ body: (Span) -> Void) {
        scanSpans(named: name) { span in
            body(span)
            return true
        }
    }

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
        guard nameLengths & Self.lengthBit(name.utf8.count) != 0 else { return }
        // The name's bytes borrowed in place (a copy of the string to call `withUTF8` on cost a
        // retain and a release per look-up, some seventy look-ups a session); only a bridged
        // string, which Linux never has, takes the copy.
        let scanned: Void? = name.utf8.withContiguousStorageIfAvailable { wanted in scanSpans(named: wanted, while: body) }
        guard scanned == nil else { return }
        var copy = name
        copy.withUTF8 { wanted in scanSpans(named: wanted, while: body) }
    }

    /// ``scanSpans(named:while:)`` for a name given as bytes.
    private func scanSpans(named wanted: UnsafeBufferPointer<UInt8>, while body: (Span) -> Bool) {
        storage.withUnsafeBufferPointer { bytes in
            spans.withUnsafeBufferPointer { spans in
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
        guard spans.indices.contains(index), !text.isEmpty else { return }
        let old = spans[index]
        var joined = Array(storage[old.valueStart..<old.valueEnd])
        if !joined.isEmpty { joined.append(ASCII.space) }
        joined.append(contentsOf: text)
        spans[index].valueStart = storage.count
        storage.append(contentsOf: joined)
        spans[index].valueEnd = storage.count
    }
}
