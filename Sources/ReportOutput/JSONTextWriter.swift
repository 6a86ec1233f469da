import AnalyzerCore

/// Writes JSON text straight into a byte buffer, member by member, byte for byte what
/// ``JSONValue/write(to:pretty:indent:)`` gives for the same values, without building the
/// ``JSONValue`` tree first: the timeline's sessions are written this way, since a tree per session
/// costs an allocation per value (a million sessions a run: see docs/performance.md).
///
/// Keys are static strings that need no escaping (the schema's member names); values are escaped.
public struct JSONTextWriter {
    /// The text written so far.
    public internal(set) var bytes: [UInt8]
    private let pretty: Bool
    /// The indent level of the outermost value written (its members go one deeper).
    private let baseIndent: Int
    /// Open containers: whether each is an array, and how many members or elements it has so far.
    private var open: [(isArray: Bool, count: Int)] = []

    /// Starts writing after `bytes`, as a value nested `indent` levels deep.
    public init(appendingTo bytes: [UInt8] = [], pretty: Bool = true, indent: Int = 0) {
        self.bytes = bytes
        self.pretty = pretty
        self.baseIndent = indent
        open.reserveCapacity(8)
    }

    // MARK: - Containers

    /// Opens an object (as the value of the last key, an array element or the top value).
    public mutating func beginObject() {
        beforeValue()
        bytes.append(UInt8(ascii: "{"))
        open.append((false, 0))
    }

    /// Closes the object opened last.
    public mutating func endObject() { close(UInt8(ascii: "}")) }

    /// Opens an array.
    public mutating func beginArray() {
        beforeValue()
        bytes.append(UInt8(ascii: "["))
        open.append((true, 0))
    }

    /// Closes the array opened last.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts the member `key` of the object opened last; its value is written next.
    public mutating func key(_ key: StaticString) {
        precondition(!open.isEmpty && !open[open.count - 1].isArray, "a key outside an object")
        separate()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
    }

    // MARK: - Values

    /// A string, escaped.
    public mutating func string(_ value: String) {
        beforeValue()
        JSONValue.writeEscaped(value, to: &bytes)
    }

    /// A string, or `null`.
    public mutating func string(_ value: String?) {
        guard let value else { return null() }
        string(value)
    }

    /// A capture time as an RFC 3339 string (no escaping needed), or `null`.
    public mutating func time(_ value: CaptureTimestamp?, precision: TimestampPrecision) {
        guard let value else { return null() }
        beforeValue()
        bytes.append(UInt8(ascii: "\""))
        value.appendRFC3339(precision: precision, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// An unsigned integer.
    public mutating func uint(_ value: UInt64) {
        beforeValue()
        DecimalText.append(value, to: &bytes)
    }

    /// An unsigned integer, or `null`.
    public mutating func uint(_ value: UInt64?) {
        guard let value else { return null() }
        uint(value)
    }

    /// A signed integer.
    public mutating func int(_ value: Int64) {
        beforeValue()
        DecimalText.append(value, to: &bytes)
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        beforeValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// `null`.
    public mutating func null() {
        beforeValue()
        bytes.append(contentsOf: "null".utf8)
    }

    /// A value built as a tree (for the rare, small ones).
    public mutating func value(_ value: JSONValue) {
        beforeValue()
        value.write(to: &bytes, pretty: pretty, indent: baseIndent + open.count)
    }

    // MARK: - Layout

    /// An array element is preceded by its separator; an object member's was written with its key.
    private mutating func beforeValue() {
        guard let last = open.last, last.isArray else { return }
        separate()
    }

    private mutating func separate() {
        let last = open.count - 1
        JSONValue.separate(index: open[last].count, to: &bytes, pretty: pretty, indent: baseIndent + open.count)
        open[last].count += 1
    }

    private mutating func close(_ bracket: UInt8) {
        let closed = open.removeLast()
        JSONValue.close(bracket, empty: closed.count == 0, to: &bytes, pretty: pretty, indent: baseIndent + open.count)
    }
}
