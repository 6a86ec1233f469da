/// The field lines of a head, read one at a time as the accumulator completes each (so the lines
/// are scanned once, not once to find the head's end and again to split them): where each name and
/// value is in the head, the first field of each known name, and what was odd.
struct HeadFields {
    /// Every field, in order, as places in the head: the first ``spanCount``. During a head its
    /// storage is filled to capacity ahead (``addPlace(_:)``), not shared, and written through
    /// ``places``, so that a field line costs a store, not an append's uniqueness and size checks.
    private var spans: [HTTPHeaders.Span] = []
    /// How many of ``spans`` are this head's fields.
    private var spanCount = 0
    /// The storage of ``spans`` while it is this head's alone and filled (`nil` otherwise): taken
    /// once a head (and again when it grows); ``spans`` is not changed while this is set, except
    /// through it.
    private var places: UnsafeMutablePointer<HTTPHeaders.Span>?
    /// How many places ``places`` has (``spans``' count when it was taken).
    private var placeCount = 0
    /// The first field of each known name, and the name lengths present.
    private var slots = HTTPFieldSlots()
    /// Malformed lines and whether a value was folded.
    private(set) var diagnostics = HeadParser.FieldDiagnostics()
    /// Continuation lines (rare, obsolete): the field each continues and its trimmed text in the head.
    private var foldedLines: [(field: Int, text: Range<Int>)] = []
    private var lastLineWasField = false
    /// The last head's spans, shared with its headers (``takeHeaders(of:)``): the next head reuses
    /// them once nothing else holds them, which saves an allocation and a free per head.
    private var spareSpans: [HTTPHeaders.Span] = []
    /// The most spans kept for the next head (a larger list goes, as a large head's bytes do).
    static let keptCapacity = 128

    /// Where the first head's spans storage comes from, and the storage goes at the end.
    private let pool: HeadStoragePool?

    /// No fields; storage for spans comes from `pool`, when given, while it holds any.
    init(pool: HeadStoragePool? = nil) {
        self.pool = pool
    }

    /// Hands the storage kept for spans to the pool (during a head, its spans'; between heads, the
    /// last head's), if there is a pool.
    mutating func releaseStorage() {
        guard let pool else { return }
        forgetPlaces()
        if spans.capacity > 0 {
            if spans.capacity <= Self.keptCapacity { pool.give(spans: &spans) }
        } else {
            pool.give(spans: &spareSpans)
        }
    }

    /// ``places`` no longer valid: ``spans`` is about to change or go.
    private mutating func forgetPlaces() {
        places = nil
        placeCount = 0
        spanCount = 0
    }

    /// No fields; keeps the spans' storage when it is not shared, unless `releasingStorage`.
    mutating func removeAll(releasingStorage: Bool = false) {
        forgetPlaces()
        if releasingStorage {
            spans = []
            spareSpans = []
        } else {
            spans.removeAll(keepingCapacity: true)
        }
        slots = HTTPFieldSlots()
        diagnostics = HeadParser.FieldDiagnostics()
        foldedLines.removeAll()
        lastLineWasField = false
    }

    /// Reads the field line `line[start..<end]` (not empty, its line end removed), which is
    /// `head[headPosition...]` of the head being collected. A line that starts with a blank
    /// (`continuation`: the caller has looked at its first byte) continues the previous field's
    /// value (obsolete folding, RFC 9112 §5.2); one that is not `name: value` is counted and
    /// ignored. Known names are recognised with `known`.
    @inline(__always)
    mutating func read(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int, at headPosition: Int,
                       continuation: Bool, known: KnownNames = .shared) {
        guard start >= 0, start < end, end <= line.count else { return }
        // Positions below are indices of `line` (0...`line.count`) shifted to head positions
        // (0...the head's size): wrapping arithmetic, as nothing here comes near overflowing.
        let shift = headPosition &- start
        if continuation {
            guard lastLineWasField else {
                diagnostics.malformedLines += 1
                return
            }
            diagnostics.usedLineFolding = true
            let text = ASCII.trimmedRange(line, start..<end)
            foldedLines.append((spanCount - 1, (text.lowerBound &+ shift)..<(text.upperBound &+ shift)))
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
        let value = ASCII.trimmedRange(line, (colon &+ 1)..<end)
        slots.note(field: spanCount, nameLength: colon &- start, slot: slot)
        let span = HTTPHeaders.Span(nameStart: start &+ shift, nameEnd: colon &+ shift,
                                    valueStart: value.lowerBound &+ shift, valueEnd: value.upperBound &+ shift)
        if spanCount < placeCount, let places {
            places[spanCount] = span
        } else {
            addPlace(span)
        }
        spanCount &+= 1
        lastLineWasField = true
    }

    /// Writes `span` as field ``spanCount`` when ``places`` has no room for it (a head's first
    /// field, or one past the storage's capacity): takes storage for the head, or grows it, fills
    /// it to capacity and takes ``places`` again. Out of line: once a head, usually.
    @inline(never)
    private mutating func addPlace(_ span: HTTPHeaders.Span) {
        if places == nil, spans.capacity == 0 { takeStorage() }
        if spanCount < spans.count {
            // Storage filled before (the last head's, or this head's before a reset): written in
            // place when nothing else holds it any more, else copied first.
            places = spans.withUnsafeMutableBufferPointer { buffer in
                buffer[spanCount] = span
                return buffer.baseAddress
            }
        } else {
            // Empty storage, or this head's full: the span appended (growing it when full), then
            // the rest of the capacity filled, so that the next fields are written in place.
            spans.removeSubrange(spanCount...)
            spans.append(span)
            let room = spans.capacity - spans.count
            if room > 0 { spans.append(contentsOf: repeatElement(span, count: room)) }
            places = spans.withUnsafeMutableBufferPointer { $0.baseAddress }
        }
        placeCount = spans.count
    }

    /// Storage for the first span of a head: the last head's spans, still in it (filled; written
    /// over in place when nothing else holds them any more), or room for a typical head at once
    /// (BITS messages carry 5 to 12 fields), not a reallocation per doubling.
    private mutating func takeStorage() {
        guard spareSpans.capacity > 0 else {
            // A pooled buffer: used as it is (its places written over, or filled when empty).
            if let pooled = pool?.takeSpans() { spans = pooled } else { spans.reserveCapacity(16) }
            return
        }
        swap(&spans, &spareSpans)
    }

    /// The headers of the complete `head` these fields were read from: they keep `head` and point
    /// into it (no `String` is made here), folded values joined. Leaves no fields and no
    /// diagnostics (read them first), the spans kept for the next head to reuse once released.
    /// `head` is taken over (moved into the headers, not retained once more and released).
    mutating func takeHeaders(of head: consuming [UInt8]) -> HTTPHeaders {
        // Moved out by swaps of the arrays, not copies of the whole value.
        var taken: [HTTPHeaders.Span] = []
        swap(&taken, &spans)
        if taken.capacity > 0, taken.capacity <= Self.keptCapacity { spareSpans = taken }
        var headers = HTTPHeaders(storage: head, spans: taken, count: spanCount, slots: slots)
        forgetPlaces()
        slots = HTTPFieldSlots()
        diagnostics = HeadParser.FieldDiagnostics()
        lastLineWasField = false
        guard !foldedLines.isEmpty else { return headers }
        let storage = headers.storage
        for folded in foldedLines where folded.text.lowerBound >= 0 && folded.text.upperBound <= storage.count {
            headers.continueValue(ofField: folded.field, with: storage[folded.text])
        }
        foldedLines.removeAll()
        return headers
    }
}
