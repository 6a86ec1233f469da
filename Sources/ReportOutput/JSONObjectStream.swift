/// Writes one JSON object member by member, handing out the text in pieces, so that a large array
/// member (the timeline's sessions) is never held whole as a ``JSONValue`` tree.
///
/// The text is byte for byte what ``JSONValue/serializedUTF8(pretty:)`` gives for the same object.
/// Pieces are handed to `emit` about every ``flushThreshold`` bytes and at ``finish()``.
public struct JSONObjectStream {
    /// Bytes buffered before they are handed on.
    public static let flushThreshold = 64 << 10

    private let pretty: Bool
    private let emit: ([UInt8]) -> Void
    private var buffer: [UInt8] = []
    private var members = 0
    /// Elements written to the array member open now.
    private var arrayElements = 0
    /// The writer of ``arrayElement(writing:)``, kept from element to element: its storage and the
    /// member prefixes it made are used again (a writer per session cost two allocations, and the
    /// prefixes would be made again for each).
    private let elementText: ElementText
    /// The text before an element of the array member after its first (`,`, and the new line and
    /// indent when pretty), made once: appending it whole is cheaper than making it per session.
    private let elementSeparator: [UInt8]

    /// Holds the element writer, which cannot be copied, in a stream that can (copies of a stream
    /// share it: one copy writes at a time, as the timeline's one document does). Unchecked: only
    /// ``arrayElement(writing:)`` touches the writer, lending it to a closure that cannot reach the
    /// stream (it is borrowed mutably meanwhile), so no two accesses overlap.
    private final class ElementText {
        @exclusivity(unchecked) var writer: JSONTextWriter
        init(pretty: Bool) { writer = JSONTextWriter(pretty: pretty, indent: 2) }
    }

    /// Starts an object; `pretty` as in ``JSONValue/serialized(pretty:)``.
    public init(pretty: Bool = true, emit: @escaping ([UInt8]) -> Void) {
        self.pretty = pretty
        self.emit = emit
        elementText = ElementText(pretty: pretty)
        var separator: [UInt8] = []
        JSONValue.separate(index: 1, to: &separator, pretty: pretty, indent: 2)
        elementSeparator = separator
        buffer.reserveCapacity(Self.flushThreshold + 4096)
        buffer.append(UInt8(ascii: "{"))
    }

    /// Writes a member whose value is at hand.
    public mutating func member(_ key: String, _ value: JSONValue) {
        startMember(key)
        value.write(to: &buffer, pretty: pretty, indent: 1)
        flushIfFull()
    }

    /// Writes an array member whose elements are made one at a time, as it is written.
    public mutating func arrayMember<Elements: Sequence>(
        _ key: String, _ elements: Elements, element: (Elements.Element) -> JSONValue
    ) {
        beginArrayMember(key)
        for item in elements { arrayElement(element(item)) }
        endArrayMember()
    }

    /// Opens an array member whose elements come later, one ``arrayElement(_:)`` call each (the
    /// timeline's sessions, written as they end); ``endArrayMember()`` closes it.
    public mutating func beginArrayMember(_ key: String) {
        startMember(key)
        buffer.append(UInt8(ascii: "["))
        arrayElements = 0
    }

    /// Writes the next element of the array member opened last.
    public mutating func arrayElement(_ value: JSONValue) {
        JSONValue.separate(index: arrayElements, to: &buffer, pretty: pretty, indent: 2)
        value.write(to: &buffer, pretty: pretty, indent: 2)
        arrayElements += 1
        flushIfFull()
    }

    /// Writes the next element of the array member opened last straight into the text, through a
    /// ``JSONTextWriter`` (no ``JSONValue`` tree); `write` must write exactly one value.
    public mutating func arrayElement(writing write: (inout JSONTextWriter) -> Void) {
        if arrayElements > 0 {
            buffer.append(contentsOf: elementSeparator)
        } else {
            JSONValue.separate(index: 0, to: &buffer, pretty: pretty, indent: 2)
        }
        elementText.writer.removeAll()
        write(&elementText.writer)
        elementText.writer.withBytes { buffer.append(contentsOf: $0) }
        arrayElements += 1
        flushIfFull()
    }

    /// Closes the array member opened last.
    public mutating func endArrayMember() {
        JSONValue.close(UInt8(ascii: "]"), empty: arrayElements == 0, to: &buffer, pretty: pretty, indent: 1)
    }

    /// Hands on the text buffered so far (a streamed document written live, so that its readers see
    /// each session as it ends).
    public mutating func flush() {
        guard !buffer.isEmpty else { return }
        emit(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Closes the object and hands on the rest of the text.
    public mutating func finish() {
        JSONValue.close(UInt8(ascii: "}"), empty: members == 0, to: &buffer, pretty: pretty, indent: 0)
        emit(buffer)
        buffer.removeAll(keepingCapacity: false)
    }

    private mutating func startMember(_ key: String) {
        JSONValue.separate(index: members, to: &buffer, pretty: pretty, indent: 1)
        members += 1
        JSONValue.writeEscaped(key, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        if pretty { buffer.append(UInt8(ascii: " ")) }
    }

    private mutating func flushIfFull() {
        guard buffer.count >= Self.flushThreshold else { return }
        emit(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
