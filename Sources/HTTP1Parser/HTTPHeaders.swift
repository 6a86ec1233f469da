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
public struct HTTPHeaders: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// Every field, in order.
    public private(set) var fields: [HTTPHeaderField]

    /// Creates headers from fields in order.
    public init(_ fields: [HTTPHeaderField] = []) {
        self.fields = fields
    }

    /// Creates headers from a literal such as `["Content-Length": "0"]`; repeated names are kept.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { HTTPHeaderField(name: $0.0, value: $0.1) }
    }

    /// The value of the first field called `name` (case-insensitively), or `nil` when there is none.
    public subscript(name: String) -> String? {
        fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// The values of every field called `name` (case-insensitively), in order; empty when there is none.
    public func values(for name: String) -> [String] {
        fields.compactMap { Self.namesMatch($0.name, name) ? $0.value : nil }
    }

    /// Whether at least one field is called `name` (case-insensitively).
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// The number of fields, repeated ones counted each time.
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// Adds a field at the end.
    public mutating func append(name: String, value: String) {
        fields.append(HTTPHeaderField(name: name, value: value))
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[HTTPHeaderField]> {
        fields.makeIterator()
    }

    /// ASCII case-insensitive equality of two names, without building lower-cased copies. Native
    /// strings are compared through their contiguous UTF-8 (iterating `String.UTF8View` cost ten
    /// times more); lengths differ for most names looked up, which ends the comparison at once.
    @inline(__always)
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        // Most names differ in length: an O(1) count (native strings) settles them at once.
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        let compared = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in ASCII.equalsIgnoringCase(left, right) }
        }
        if let compared, let result = compared { return result }
        return ASCII.equalsIgnoringCase(lhs.utf8, rhs.utf8)
    }
}

extension HTTPHeaders {
    /// Joins a continuation line's text to the last field's value with one space.
    mutating func continueLastValue(with text: String) {
        guard !fields.isEmpty, !text.isEmpty else { return }
        let last = fields.count - 1
        fields[last].value = fields[last].value.isEmpty ? text : fields[last].value + " " + text
    }
}
