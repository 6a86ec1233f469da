/// The field lines of a head, read one at a time as the accumulator completes each (so the lines
/// are scanned once, not once to find the head's end and again to split them): where each name and
/// value is in the head, the first field of each known name, and what was odd.
struct HeadFields {
    /// How many fields' spans are kept in place, in ``inline``.
    static let inlineCapacity = 16
    /// The first ``inlineCapacity`` fields (BITS messages carry 5 to 12), as places in the head:
    /// written in place, without an array's uniqueness and capacity checks per field line (about 35
    /// instructions a line); the headers get an array of the right size when the head is taken.
    private var inline: InlineSpans = (.none, .none, .none, .none, .none, .none, .none, .none,
                                       .none, .none, .none, .none, .none, .none, .none, .none)
    typealias InlineSpans = (HTTPHeaders.Span, HTTPHeaders.Span, HTTPHeaders.Span, HTTPHeaders.Span,
                             HTTPHeaders.Span, HTTPHeaders.Span, HTTPHeaders.Span, HTTPHeaders.Span,
                             HTTPHeaders.Span, HTTPHeaders.Span, HTTPHeaders.Span, HTTPHeaders.Span,
                             HTTPHeaders.Span, HTTPHeaders.Span, HTTPHeaders.Span, HTTPHeaders.Span)
    /// How many of ``inline`` hold fields.
    private var inlineCount = 0
    /// The fields after the first ``inlineCapacity``, in order.
    private var overflow: [HTTPHeaders.Span] = []
    /// The first field of each known name, and the name lengths present.
    private var slots = HTTPFieldSlots()
    /// Malformed lines and whether a value was folded.
    private(set) var diagnostics = HeadParser.FieldDiagnostics()
    /// Continuation lines (rare, obsolete): the field each continues and its trimmed text in the head.
    private var foldedLines: [(field: Int, text: Range<Int>)] = []
    private var lastLineWasField = false

    /// The number of fields read.
    private var spanCount: Int { inlineCount + overflow.count }

    /// No fields.
    mutating func removeAll() {
        inlineCount = 0
        if !overflow.isEmpty { overflow = [] }
        slots = HTTPFieldSlots()
        diagnostics = HeadParser.FieldDiagnostics()
        foldedLines.removeAll()
        lastLineWasField = false
    }

    /// Reads the field line `line[start..<end]` (not empty, its line end removed), which is
    /// `head[headPosition...]` of the head being collected. A line that starts with a blank
    /// continues the previous field's value (obsolete folding, RFC 9112 §5.2); one that is not
    /// `name: value` is counted and ignored. Known names are recognised with `known`.
    @inline(__always)
    mutating func read(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int, at headPosition: Int,
                       known: KnownNames = .shared) {
        guard start >= 0, start < end, end <= line.count else { return }
        let shift = headPosition - start
        if ASCII.isWhitespace(line[start]) {
            guard lastLineWasField else {
                diagnostics.malformedLines += 1
                return
            }
            diagnostics.usedLineFolding = true
            let text = ASCII.trimmedRange(line, start..<end)
            foldedLines.append((spanCount - 1, (text.lowerBound + shift)..<(text.upperBound + shift)))
            return
        }
        // The name runs to the line's first colon and must be all token characters. Most are
        // known names: the colon found by memchr and the name matched to one settles both (a
        // known name is all letters and `-`); any other is checked byte by byte.
        let colon: Int
        let slot: Int?
        if let found = HeadAccumulator.firstIndex(of: ASCII.colon, in: line, from: start, to: end),
           let name = HTTPFieldName.slot(of: UnsafeRawBufferPointer(rebasing: line[start..<found]), in: known) {
            colon = found
            slot = name
        } else if let found = ASCII.fieldNameEnd(line, from: start, to: end) {
            colon = found
            slot = nil
        } else {
            diagnostics.malformedLines += 1
            lastLineWasField = false
            return
        }
        let value = ASCII.trimmedRange(line, (colon + 1)..<end)
        slots.note(field: spanCount, nameLength: colon - start, slot: slot)
        let span = HTTPHeaders.Span(nameStart: start + shift, nameEnd: colon + shift,
                                    valueStart: value.lowerBound + shift, valueEnd: value.upperBound + shift)
        if inlineCount < Self.inlineCapacity {
            let offset = inlineCount * MemoryLayout<HTTPHeaders.Span>.stride
            withUnsafeMutableBytes(of: &inline) { $0.storeBytes(of: span, toByteOffset: offset, as: HTTPHeaders.Span.self) }
            inlineCount += 1
        } else {
            overflow.append(span)
        }
        lastLineWasField = true
    }

    /// The headers of the complete `head` these fields were read from: they keep `head` and point
    /// into it (no `String` is made here), folded values joined. The fields are left as they are
    /// (``removeAll()`` forgets them).
    mutating func headers(of head: [UInt8]) -> HTTPHeaders {
        let inlineCount = inlineCount
        var spans = withUnsafeBytes(of: &inline) { raw in
            // A tuple of one type is laid out as an array of it.
            Array(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: HTTPHeaders.Span.self), count: inlineCount))
        }
        if !overflow.isEmpty { spans.append(contentsOf: overflow) }
        var headers = HTTPHeaders(storage: head, spans: spans, slots: slots)
        guard !foldedLines.isEmpty else { return headers }
        for folded in foldedLines where folded.text.lowerBound >= 0 && folded.text.upperBound <= head.count {
            headers.continueValue(ofField: folded.field, with: head[folded.text])
        }
        return headers
    }
}
