#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects one message head (start line and header block) from byte pieces of any size, within
/// the byte and field-count limits, and says when it is complete.
///
/// Every outcome happens at a byte position fixed by the stream alone, never by how it was cut
/// into pieces: the limit trips when byte `maxBytes + 1` of an unfinished head arrives, the field
/// count when the line end of one field too many arrives, a bad start line at its first wrong byte.
struct HeadAccumulator {
    /// What one call to ``consume(_:from:)`` ended with.
    enum Outcome: Equatable {
        /// All input was consumed; the head is not complete yet.
        case needMore
        /// The start line is complete and valid; field lines follow.
        case startLineComplete
        /// The head is complete in ``bytes``; input after it is untouched.
        case complete
        /// A blank line where a start line was due was consumed (and dropped); `length` bytes.
        case blankLine(length: Int)
        /// The start line cannot be one. `atLineEnd`: its line end was consumed; otherwise the
        /// offending byte is the next input byte and was not consumed.
        case badStartLine(atLineEnd: Bool)
        /// The head reached `maxBytes` bytes unfinished; the next input byte was not consumed.
        case tooLarge
        /// The head has more than `maxFields` field lines; the line end of the last was consumed.
        case tooManyFields
    }

    /// Bytes reserved for a direction's first head.
    static let firstHeadCapacity = 768
    /// The largest buffer kept for the next head (a larger one goes, so that idle connections do
    /// not pin up to the head limit each).
    static let keptCapacity = 4096
    /// The buffered head so far, line ends included.
    private(set) var bytes: [UInt8] = []
    /// The last head's bytes, shared with its headers when handed over: the next head reuses them
    /// once nothing else holds them (the delegate is done with a head by then), which saves an
    /// allocation and a free per head; while they are still held, the next head gets new storage.
    private var spareBytes: [UInt8] = []
    /// Whether the first line is a request or a status line.
    private let kind: StartLineSniffer.Kind
    private let maxBytes: Int
    private let maxFields: Int
    /// Start of the line being collected, in ``bytes``; 0 while in the start line.
    private var lineStart = 0
    private var fieldLines = 0
    /// The field lines read so far.
    private var fields: HeadFields
    private var sniffer: StartLineSniffer
    /// Whether the start line must carry version 1.x (while resynchronising).
    var requireMajorVersion1 = false
    /// The start line as read when it completed (its parts index ``bytes``); `nil` before.
    private(set) var startLine: StartLine?

    /// A start line read: its parts are kept so that the head is parsed once, when complete.
    enum StartLine {
        case request(StartLineParser.RequestLineParts)
        case status(StartLineParser.StatusLineParts)
    }

    /// Where the first head's storage comes from, and the storage goes when the direction ends.
    private let pool: HeadStoragePool?
    /// ``KnownNames/shared``, looked up once per direction: each look-up of the lazily made table
    /// checks that it is made, which once per head cost more than keeping it here.
    private let known = KnownNames.shared

    /// An empty accumulator; its first head takes its storage from `pool` if that holds any.
    init(kind: StartLineSniffer.Kind, maxBytes: Int, maxFields: Int, pool: HeadStoragePool? = nil) {
        self.pool = pool
        fields = HeadFields(pool: pool)
        self.kind = kind
        self.maxBytes = max(1, maxBytes)
        self.maxFields = max(0, maxFields)
        self.sniffer = StartLineSniffer(kind: kind)
    }

    /// Bytes buffered, never more than the byte limit.
    var count: Int { bytes.count }

    /// Whether the last buffered byte ends a line (or nothing is buffered).
    var endsAtLineStart: Bool { bytes.last.map { $0 == ASCII.lineFeed } ?? true }

    /// Forgets the buffered head. Keeps a small buffer's storage for the next head (unless
    /// `releasingStorage`: the direction ended); a large one is released so that idle connections do
    /// not pin up to the head limit each.
    mutating func reset(releasingStorage: Bool = false) {
        if releasingStorage || bytes.capacity > Self.keptCapacity { bytes = [] } else { bytes.removeAll(keepingCapacity: true) }
        if releasingStorage { spareBytes = [] }
        fields.removeAll(releasingStorage: releasingStorage)
        startOver()
    }

    /// ``reset(releasingStorage:)`` for good (the direction ended), handing the storage that a
    /// small head leaves to the pool when it has room for it.
    mutating func releaseStorage() {
        if let pool {
            // During a head its buffer is `bytes`; between heads, the last head's is `spareBytes`.
            if bytes.capacity > 0 {
                if bytes.capacity <= Self.keptCapacity { pool.give(bytes: &bytes) }
            } else {
                pool.give(bytes: &spareBytes)
            }
            fields.releaseStorage()
        }
        reset(releasingStorage: true)
    }

    /// Back to before the start line (the buffered bytes and fields are dealt with by the caller).
    private mutating func startOver() {
        lineStart = 0
        fieldLines = 0
        sniffer = StartLineSniffer(kind: kind)
        startLine = nil
    }

    /// Consumes input from `index` until the head is complete, fails, or the input runs out.
    mutating func consume(_ input: UnsafeRawBufferPointer, from index: inout Int) -> Outcome {
        lineStart == 0 ? consumeStartLine(input, from: &index) : consumeFieldLines(input, from: &index, copyingFrom: index)
    }

    /// Feeds start-line bytes through the sniffer, one at a time (start lines are short), and copies
    /// the accepted ones in one piece when the call ends.
    private mutating func consumeStartLine(_ input: UnsafeRawBufferPointer, from index: inout Int) -> Outcome {
        if bytes.isEmpty, sniffer.isAtLineStart, let line = Self.wholeStartLine(input, from: index, kind: kind, maxBytes: maxBytes) {
            // The usual case, a whole start line the sniffer would take byte by byte: taken at once,
            // read in the input.
            let start = index
            index = line.lineFeed + 1
            guard readStartLine(UnsafeRawBufferPointer(rebasing: input[start..<line.contentEnd]), methodEnd: line.methodEnd)
            else {
                append(input, from: start, count: index - start)
                return .badStartLine(atLineEnd: true)
            }
            lineStart = index - start
            guard !requireMajorVersion1 else {
                // Resynchronising: the caller reports the start line found before the rest.
                append(input, from: start, count: index - start)
                return .startLineComplete
            }
            // The field lines at once, so that the head is copied in one piece.
            return consumeFieldLines(input, from: &index, copyingFrom: start)
        }
        let start = index
        var position = index
        defer { index = position }
        while position < input.count {
            if sniffer.acceptsAnyTextByte {
                // The rest of the line is text: skip it in a tight loop up to the first control byte
                // (the line's end) or the size limit, and let the checks below take that byte.
                let end = min(input.count, max(position, start + (maxBytes - bytes.count)))
                let run = Self.textRun(input, from: position, to: end)
                if run > 0 {
                    sniffer.skipText(run)
                    position += run
                    continue
                }
            }
            let byte = input[position]
            let buffered = bytes.count + (position - start)
            if byte == ASCII.lineFeed {
                if sniffer.isAtLineStart {
                    position += 1
                    reset()
                    return .blankLine(length: buffered + 1)
                }
                guard buffered < maxBytes else {
                    append(input, from: start, count: position - start)
                    return .tooLarge
                }
                position += 1
                append(input, from: start, count: position - start)
                guard readStartLine() else { return .badStartLine(atLineEnd: true) }
                lineStart = bytes.count
                return .startLineComplete
            }
            guard sniffer.accept(byte) else {
                append(input, from: start, count: position - start)
                return .badStartLine(atLineEnd: false)
            }
            guard buffered < maxBytes else {
                append(input, from: start, count: position - start)
                return .tooLarge
            }
            position += 1
        }
        append(input, from: start, count: position - start)
        return .needMore
    }

    /// Where a whole start line found by ``wholeStartLine(_:from:kind:maxBytes:)`` is in the input.
    struct WholeStartLine: Equatable {
        /// The line feed that ends it.
        var lineFeed: Int
        /// The end of its text (the carriage return before the line feed, if any, else the line feed).
        var contentEnd: Int
        /// A request line's method length (a space follows it); 0 for a status line.
        var methodEnd: Int
    }

    /// Where the line is, when the input from `start` holds a whole start line of `kind` that
    /// the sniffer would accept byte for byte within `maxBytes`: a request's method of token bytes
    /// and a space, or the status line's prefix by the sniffer's own rule
    /// (``StartLineSniffer/statusLineAccepts(_:at:)``), then text, an optional carriage return and
    /// the line feed. `nil` for anything else (a blank, cut, long or odd line), which the byte by
    /// byte path takes, so that it fails at the same byte as ever. Checked in one pass without the
    /// sniffer's per-byte state: a start line cost some 900 instructions that way.
    static func wholeStartLine(_ input: UnsafeRawBufferPointer, from start: Int, kind: StartLineSniffer.Kind,
                               maxBytes: Int) -> WholeStartLine? {
        // Every byte of the line, its line feed included, must sit below `maxBytes`.
        let limit = maxBytes >= input.count - start ? input.count : start + maxBytes
        var position = start
        var methodEnd = 0
        switch kind {
        case .request:
            if limit - start > bitsPostLength, let base = input.baseAddress,
               UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self)) == bitsPosWord,
               UInt16(littleEndian: base.loadUnaligned(fromByteOffset: start + 8, as: UInt16.self)) == tSpaceWord {
                // `BITS_POST ` (all token bytes, then the space), which nearly every request begins
                // with, compared as two words: the loop below costs some ten instructions a byte.
                position = start + bitsPostLength
            } else {
                while position < limit, ASCII.isTokenCharacter(input[position]) { position += 1 }
            }
            guard position > start, position < limit, input[position] == ASCII.space else { return nil }
            methodEnd = position - start
            position += 1
        case .status:
            let prefix = StartLineSniffer.statusLinePrefixLength
            guard limit - start > prefix, statusLinePrefixAccepted(input, at: start) else { return nil }
            position = start + prefix
        }
        position += textRun(input, from: position, to: limit)
        guard position < limit else { return nil }
        let contentEnd = position
        if input[position] == ASCII.carriageReturn {
            position += 1
            guard position < limit else { return nil }
        }
        guard input[position] == ASCII.lineFeed else { return nil }
        return WholeStartLine(lineFeed: position, contentEnd: contentEnd, methodEnd: methodEnd)
    }

    /// `HTTP/1.1` as a little-endian word (a literal: a `static let` computed from the text was
    /// initialised lazily, a check on every status line). `WholeStartLineTests` checks the words.
    static var http11Word: UInt64 { 0x312E_312F_5054_5448 }
    /// `BITS_POS` as a little-endian word.
    static var bitsPosWord: UInt64 { 0x534F_505F_5354_4942 }
    /// `T ` as a little-endian half word: with ``bitsPosWord``, `BITS_POST` and the space after it.
    static var tSpaceWord: UInt16 { 0x2054 }
    /// The length of `BITS_POST`.
    static var bitsPostLength: Int { 9 }

    /// Whether the ``StartLineSniffer/statusLinePrefixLength`` bytes at `start` (inside `input`:
    /// the caller checked) are a status line's prefix by ``StartLineSniffer/statusLineAccepts(_:at:)``.
    /// `HTTP/1.1`, which nearly every response begins with, is compared as one word, the rest of
    /// the prefix in place; any other start goes through the rule byte by byte.
    @inline(__always)
    static func statusLinePrefixAccepted(_ input: UnsafeRawBufferPointer, at start: Int) -> Bool {
        guard let base = input.baseAddress,
              UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self)) == http11Word
        else { return statusLinePrefixRule(input, at: start, from: 0) }
        // The rest of the prefix, ` DDD ` (positions 8 to 12, as the rule spells it), checked in
        // place: the rule's switch costs a jump table per byte.
        guard StartLineSniffer.statusLinePrefixLength == 13 else { return statusLinePrefixRule(input, at: start, from: 8) }
        return input[start + 8] == ASCII.space && input[start + 12] == ASCII.space
            && ASCII.decimalValue(input[start + 9]) != nil && ASCII.decimalValue(input[start + 10]) != nil
            && ASCII.decimalValue(input[start + 11]) != nil
    }

    /// Whether bytes `offset..<StartLineSniffer.statusLinePrefixLength` of the line at `start` follow
    /// ``StartLineSniffer/statusLineAccepts(_:at:)`` (the caller checked that they lie in `input`).
    private static func statusLinePrefixRule(_ input: UnsafeRawBufferPointer, at start: Int, from offset: Int) -> Bool {
        let prefix = StartLineSniffer.statusLinePrefixLength
        var offset = offset
        while offset < prefix {
            guard StartLineSniffer.statusLineAccepts(input[start + offset], at: offset) else { return false }
            offset += 1
        }
        return true
    }

    /// How many bytes from `start` (up to `end`) are text: no control byte (a tab is text).
    @inline(__always)
    private static func textRun(_ input: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        ASCII.firstControl(input, from: start, to: end) - start
    }

    /// Reads `line`, the text of a whole start line checked by
    /// ``wholeStartLine(_:from:kind:maxBytes:)`` (method of `methodEnd` token bytes or the status
    /// prefix, no control byte) which begins the head, into ``startLine``; `false` when it is not one.
    private mutating func readStartLine(_ line: UnsafeRawBufferPointer, methodEnd: Int) -> Bool {
        let text = line.assumingMemoryBound(to: UInt8.self)
        switch kind {
        case .request:
            startLine = StartLineParser.requestLine(text, methodEnd: methodEnd, requireMajorVersion1: requireMajorVersion1)
                .map(StartLine.request)
        case .status:
            startLine = StartLineParser.statusLine(text, withoutControlBytes: true, prefixChecked: true,
                                                   requireMajorVersion1: requireMajorVersion1)
                .map(StartLine.status)
        }
        return startLine != nil
    }

    /// Reads the collected start line into ``startLine``; `false` when it is not one.
    private mutating func readStartLine() -> Bool {
        let line = Self.content(of: bytes[...])
        switch kind {
        case .request:
            startLine = StartLineParser.requestLine(line, requireMajorVersion1: requireMajorVersion1).map(StartLine.request)
        case .status:
            startLine = StartLineParser.statusLine(line, requireMajorVersion1: requireMajorVersion1).map(StartLine.status)
        }
        return startLine != nil
    }

    /// Takes field lines until the empty line that ends the head, reading each into ``fields`` as
    /// it completes. The lines are examined in `input` and copied once at the end (a head's lines
    /// mostly arrive in one segment), not one append per line; only a line begun in an earlier
    /// piece is read from ``bytes``, once the input so far is kept. The head's bytes not kept yet
    /// begin at `start` in the input: `index`, or before it when the start line was read there.
    private mutating func consumeFieldLines(_ input: UnsafeRawBufferPointer, from index: inout Int,
                                            copyingFrom start: Int) -> Outcome {
        let known = self.known
        var copyStart = start
        var scanned = index
        // Line feeds are looked for below `end`: a line ending there or later would take the head
        // past `maxBytes` (`cut`: the input runs past that point). Copying a line begun in an
        // earlier piece grows the head by what `copyStart` moves on, so `end` stays where it is.
        let room = maxBytes - bytes.count - (index - copyStart)
        let cut = room < input.count - index
        let end = cut ? index + room : input.count
        if lineStart < bytes.count {
            // A line begun in an earlier piece: completed from the bytes kept, once copied.
            guard let lineFeed = Self.firstIndex(of: ASCII.lineFeed, in: input, from: scanned, to: end) else {
                return endOfInput(input, copyingFrom: copyStart, to: end, cut: cut, index: &index)
            }
            scanned = lineFeed + 1
            append(input, from: copyStart, count: scanned - copyStart)
            copyStart = scanned
            if let ended = completeKeptLine(known: known) {
                index = scanned
                return ended
            }
        }
        // The rest are lines wholly in the input, read there; `shift` turns an input index into a
        // position in the head. They are copied once, when the call ends.
        // Wrapping arithmetic on the line loop's positions, each of which is an index of `input`
        // (a line feed, at most `input.count - 1`, and one past it) or a position in the head
        // (0 through `bytes.count + input.count`): the sums and differences below stay within
        // those, two sizes of memory, far from overflowing.
        let shift = bytes.count &- copyStart
        var line = lineStart &- shift
        while let lineFeed = Self.firstIndex(of: ASCII.lineFeed, in: input, from: scanned, to: end) {
            scanned = lineFeed &+ 1
            let start = line
            line = scanned
            lineStart = line &+ shift
            if let ended = completeLine(input, from: start, lineFeed: lineFeed, at: start &+ shift, known: known) {
                append(input, from: copyStart, count: scanned - copyStart)
                index = scanned
                return ended
            }
        }
        return endOfInput(input, copyingFrom: copyStart, to: end, cut: cut, index: &index)
    }

    /// ``completeLine(_:from:lineFeed:at:known:)`` of the line from ``lineStart`` to the end of the
    /// bytes kept (begun in an earlier piece: rare). Out of line, so that the usual case's copy of
    /// `completeLine` is inlined in its loop.
    @inline(never)
    private mutating func completeKeptLine(known: KnownNames) -> Outcome? {
        let start = lineStart
        lineStart = bytes.count
        // A copy of the array (not `bytes` itself) is borrowed while `self` changes.
        let kept = bytes
        return kept.withUnsafeBytes { completeLine($0, from: start, lineFeed: $0.count - 1, at: start, known: known) }
    }

    /// No line feed before `end`: keeps the input from `start` to `end`; the head is too large when
    /// the input runs on past `end` (`cut`).
    private mutating func endOfInput(_ input: UnsafeRawBufferPointer, copyingFrom start: Int, to end: Int, cut: Bool,
                                     index: inout Int) -> Outcome {
        append(input, from: start, count: end - start)
        index = end
        return cut ? .tooLarge : .needMore
    }

    /// Takes the line `buffer[start...lineFeed]`, which is `head[headPosition...]`: the empty line
    /// ends the head (`.complete`), a field line beyond the limit ends it too (`.tooManyFields`), any
    /// other is read into ``fields`` (`nil`).
    @inline(__always)
    private mutating func completeLine(_ buffer: UnsafeRawBufferPointer, from start: Int, lineFeed: Int,
                                       at headPosition: Int, known: KnownNames) -> Outcome? {
        // `start` and `lineFeed` are indices of `buffer`, so stepping back from `lineFeed` past
        // `start` cannot wrap; `fieldLines` never passes `maxFields + 1`.
        var contentEnd = lineFeed
        if contentEnd > start, buffer[contentEnd &- 1] == ASCII.carriageReturn { contentEnd &-= 1 }
        guard contentEnd > start else { return .complete }
        let continuation = ASCII.isWhitespace(buffer[start])
        if !continuation {
            fieldLines &+= 1
            if fieldLines > maxFields { return .tooManyFields }
        }
        fields.read(buffer, from: start, to: contentEnd, at: headPosition, continuation: continuation, known: known)
        return nil
    }

    /// What was odd about the field lines read so far (read it before ``takeHeaders()``).
    var fieldDiagnostics: HeadParser.FieldDiagnostics { fields.diagnostics }

    /// Hands over the complete head, as the headers of its fields, which keep its bytes (start
    /// line parts index them too), and starts the next one. The accumulator keeps a reference to
    /// the bytes (``spareBytes``) for the next head to reuse once the head is gone.
    mutating func takeHeaders() -> HTTPHeaders {
        // Swapped out rather than copied, so that nothing is retained and released on the way.
        var head: [UInt8] = []
        swap(&head, &bytes)
        if head.capacity <= Self.keptCapacity { spareBytes = head }
        let headers = fields.takeHeaders(of: head)
        startOver()
        return headers
    }

    private mutating func append(_ input: UnsafeRawBufferPointer, from index: Int, count: Int) {
        guard count > 0 else { return }
        let piece = UnsafeRawBufferPointer(rebasing: input[index..<(index + count)])
        if bytes.capacity == 0, takeStorage() {
            // The last head's storage, its bytes still in it: replaced by the piece in one step
            // (in place when nothing else holds it any more, else in new storage), where emptying
            // it and then appending cost two of the array's general paths.
            bytes.replaceSubrange(bytes.startIndex..<bytes.endIndex, with: piece)
            return
        }
        bytes.append(contentsOf: piece)
    }

    /// Storage for a head begun after one was handed over: the last head's, its bytes still in it
    /// (`true`: the caller replaces them), or for a new direction's first head room for a typical
    /// one at once (BITS heads are 200-600 bytes), rather than a reallocation at every doubling
    /// from a few bytes.
    private mutating func takeStorage() -> Bool {
        guard spareBytes.capacity > 0 else {
            // A pooled buffer is empty and not shared: used as it is.
            if let pooled = pool?.takeBytes() {
                bytes = pooled
            } else {
                bytes.reserveCapacity(min(maxBytes, Self.firstHeadCapacity))
            }
            return false
        }
        swap(&bytes, &spareBytes)
        return true
    }

    /// Index of the next line feed at or after `index`, or `nil`.
    @inline(__always)
    static func firstLineFeed(in input: UnsafeRawBufferPointer, from index: Int) -> Int? {
        firstIndex(of: ASCII.lineFeed, in: input, from: index, to: input.count)
    }

    /// Index of the first `byte` in `input[index..<end]`, or `nil`.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in input: UnsafeRawBufferPointer, from index: Int, to end: Int) -> Int? {
        guard index < end, end <= input.count, let base = input.baseAddress else { return nil }
        // memchr: field lines are tens of bytes, and libc compares them a vector at a time.
        guard let found = memchr(base + index, Int32(byte), end - index) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    /// A line without its line feed and the carriage return before it, if any.
    static func content(of line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = line.endIndex
        if end > line.startIndex, line[end - 1] == ASCII.lineFeed { end -= 1 }
        if end > line.startIndex, line[end - 1] == ASCII.carriageReturn { end -= 1 }
        return line[line.startIndex..<end]
    }
}
