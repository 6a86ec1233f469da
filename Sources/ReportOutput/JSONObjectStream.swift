/// Writes one JSON object member by member, handing out the text in pieces, so that a large array
/// member (the timeline's sessions) is never held whole as a ``JSONValue`` tree.
///
/// The text is byte for byte what ``JSONValue/serializedUTF8(pretty:)`` gives for the same object.
/// Pieces are handed on about every ``flushThreshold`` bytes (or the threshold given) and at
/// ``flush()`` and ``finish()``, in the storage they were written in.
public struct JSONObjectStream {
    /// Bytes written before they are handed on, unless said otherwise.
    public static let flushThreshold = 64 << 10
    /// Room past the threshold in the text's storage, so that the element that crosses it mostly
    /// fits without growing the storage (a timeline session is about 3 KiB).
    static let storageSlack = 64 << 10

    private let pretty: Bool
    private let handOff: (inout JSONTextStore) -> Void
    private let threshold: Int
    private var members = 0
    /// Elements written to the array member open now.
    private var arrayElements = 0
    /// The writer all the text goes into, kept from element to element: its storage and the
    /// texts it made are used again (a writer per session cost two allocations).
    private let text: Text
    /// The text before an element of the array member after its first (`,`, and the new line and
    /// indent when pretty), made once: appending it whole is cheaper than making it per session.
    private let elementSeparator: [UInt8]

    /// Holds the writer, which cannot be copied, in a stream that can (copies of a stream share
    /// it: one copy writes at a time, as the timeline's one document does). Unchecked: only this
    /// stream's methods touch the writer, and ``arrayElement(writing:)`` lends it to a closure
    /// that cannot reach the stream (it is borrowed mutably meanwhile), so no two accesses overlap.
    private final class Text {
        @exclusivity(unchecked) var writer: JSONTextWriter
        init(pretty: Bool, capacity: Int) { writer = JSONTextWriter(pretty: pretty, indent: 2, capacity: capacity) }
    }

    /// Starts an object; `pretty` as in ``JSONValue/serialized(pretty:)``; the text is handed to
    /// `emit` in pieces of about ``flushThreshold`` bytes (a copy each).
    public init(pretty: Bool = true, emit: @escaping ([UInt8]) -> Void) {
        self.init(pretty: pretty, flushThreshold: Self.flushThreshold) { store in emit(Array(store.text)) }
    }

    /// Starts an object whose text is handed to `handOff` in its storage (``JSONTextWriter/handOff(_:)``)
    /// each time `flushThreshold` bytes or more are written, and at ``flush()`` and ``finish()``.
    public init(pretty: Bool = true, flushThreshold: Int, handOff: @escaping (inout JSONTextStore) -> Void) {
        self.pretty = pretty
        self.handOff = handOff
        threshold = max(1, flushThreshold)
        text = Text(pretty: pretty, capacity: threshold + Self.storageSlack)
        var separator: [UInt8] = []
        JSONValue.separate(index: 1, to: &separator, pretty: pretty, indent: 2)
        elementSeparator = separator
        append([UInt8(ascii: "{")])
    }

    /// Writes a member whose value is at hand.
    public mutating func member(_ key: String, _ value: JSONValue) {
        var piece = startMember(key)
        value.write(to: &piece, pretty: pretty, indent: 1)
        append(piece)
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
        var piece = startMember(key)
        piece.append(UInt8(ascii: "["))
        append(piece)
        arrayElements = 0
    }

    /// Writes the next element of the array member opened last.
    public mutating func arrayElement(_ value: JSONValue) {
        var piece: [UInt8] = []
        JSONValue.separate(index: arrayElements, to: &piece, pretty: pretty, indent: 2)
        value.write(to: &piece, pretty: pretty, indent: 2)
        append(piece)
        arrayElements += 1
        flushIfFull()
    }

    /// Writes the next element of the array member opened last straight into the text, through a
    /// ``JSONTextWriter`` (no ``JSONValue`` tree); `write` must write exactly one value.
    public mutating func arrayElement(writing write: (inout JSONTextWriter) -> Void) {
        if arrayElements > 0 {
            append(elementSeparator)
        } else {
            var piece: [UInt8] = []
            JSONValue.separate(index: 0, to: &piece, pretty: pretty, indent: 2)
            append(piece)
        }
        write(&text.writer)
        precondition(text.writer.isBetweenValues, "an array element left a container open")
        arrayElements += 1
        flushIfFull()
    }

    /// Closes the array member opened last.
    public mutating func endArrayMember() {
        var piece: [UInt8] = []
        JSONValue.close(UInt8(ascii: "]"), empty: arrayElements == 0, to: &piece, pretty: pretty, indent: 1)
        append(piece)
    }

    /// Hands on the text written so far (a streamed document written live, so that its readers see
    /// each session as it ends).
    public mutating func flush() {
        guard text.writer.count > 0 else { return }
        text.writer.handOff(handOff)
    }

    /// Closes the object, adds `trailer` (the timeline's final new line), and hands on the rest of
    /// the text.
    public mutating func finish(trailer: [UInt8] = []) {
        var piece: [UInt8] = []
        JSONValue.close(UInt8(ascii: "}"), empty: members == 0, to: &piece, pretty: pretty, indent: 0)
        append(piece + trailer)
        text.writer.handOff(handOff)
    }

    private mutating func startMember(_ key: String) -> [UInt8] {
        var piece: [UInt8] = []
        JSONValue.separate(index: members, to: &piece, pretty: pretty, indent: 1)
        members += 1
        JSONValue.writeEscaped(key, to: &piece)
        piece.append(UInt8(ascii: ":"))
        if pretty { piece.append(UInt8(ascii: " ")) }
        return piece
    }

    private func append(_ piece: [UInt8]) {
        piece.withUnsafeBufferPointer { text.writer.appendRaw($0) }
    }

    private mutating func flushIfFull() {
        guard text.writer.count >= threshold else { return }
        text.writer.handOff(handOff)
    }
}
