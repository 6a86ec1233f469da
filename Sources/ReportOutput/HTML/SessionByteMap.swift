import BITSAnalyzer

/// Where the bytes of one upload stand: which ranges the server acknowledged, which were sent and
/// not acknowledged, which were never seen (gaps), which were sent more than once, and what was
/// missing when the session was closed. Computed from the session's requests alone, so it shows
/// exactly what the JSON timeline holds.
public struct SessionByteMap: Sendable {
    /// What a span of the file is.
    public enum Kind: String, Sendable, CaseIterable {
        /// Below the server's last acknowledged offset (BITS-Received-Content-Range).
        case acknowledged
        /// Carried by a fragment in the capture, but not (yet) acknowledged.
        case unacknowledged
        /// Never carried by any fragment in the capture, below the end of the last fragment seen.
        case gap
        /// Never carried, after the last fragment seen (the rest of the file).
        case unsent
        /// Sent again, partly over bytes sent before (another range).
        case overlap
        /// Sent again with exactly the range of an earlier fragment.
        case duplicate
        /// Jumped over: a fragment started past every byte sent or acknowledged before it (whether
        /// or not the hole was filled later).
        case skipped
        /// Sent again after every earlier copy of these bytes was refused (a 416 asking the client to
        /// resynchronise, an error or a challenge): not a duplicate, the server never took them.
        case resent
    }

    /// A half-open byte range `[start, end)` of one kind.
    public struct Span: Hashable, Sendable {
        /// First byte.
        public var start: UInt64
        /// One past the last byte.
        public var end: UInt64
        /// What it is.
        public var kind: Kind
        /// `end - start`.
        public var length: UInt64 { end - start }
    }

    /// The length the map covers: the declared total, or the end of the furthest fragment if larger
    /// or if no total was declared.
    public let extent: UInt64
    /// The declared total length, if any fragment declared one.
    public let total: UInt64?
    /// `[0, extent)` cut into acknowledged, unacknowledged, gap and unsent spans, in order.
    public let spans: [Span]
    /// What happened on the way, in the order sent: bytes sent more than once (overlap, duplicate,
    /// resent) and holes jumped over (skipped), each kind merged where adjacent.
    public let events: [Span]
    /// `[acknowledged, total)` when a Close-Session was acknowledged before every byte was.
    public let missingAtClose: Span?
    /// Whether fragments were left out because the session had more than `fragmentLimit`.
    public let truncated: Bool

    /// Builds the map of `session`, reading at most `fragmentLimit` fragments.
    public init(session: BITSSession, fragmentLimit: Int = HTMLReportLimits().maxRequestsPerSession) {
        var ranges: [(start: UInt64, end: UInt64, expected: UInt64, refused: Bool)] = []
        var truncated = false
        var receivedSoFar: UInt64 = 0
        for request in session.requests {
            // The server's offset as known when the fragment was sent: the last Ack before it.
            defer { if let received = request.received { receivedSoFar = max(receivedSoFar, received) } }
            guard request.type == .fragment, let range = request.range, range.last >= range.first else { continue }
            guard ranges.count < fragmentLimit else {
                truncated = true
                break
            }
            // `last + 1` overflows only for last == UInt64.max; such a range ends at the maximum.
            let (end, overflow) = range.last.addingReportingOverflow(1)
            ranges.append((range.first, overflow ? .max : end, receivedSoFar, Self.refused(request)))
        }
        self.truncated = truncated
        self.total = session.totalLength
        let furthest = ranges.map(\.end).max() ?? 0
        let extent = max(session.totalLength ?? 0, furthest)
        self.extent = extent
        let acknowledged = min(session.bytesAcknowledged ?? 0, extent)

        // Coverage of everything sent, of what was sent in copies not refused, and what was sent twice.
        var covered = IntervalSet()
        var accepted = IntervalSet()
        var events: [Span] = []
        // Exact ranges sent in a copy that was not refused.
        var seenExactly = Set<[UInt64]>()
        for range in ranges {
            let sentFromZero = covered.intervals.first.map { $0.start == 0 ? $0.end : 0 } ?? 0
            let expected = max(sentFromZero, range.expected)
            if range.start > expected {
                Self.append(&events, Span(start: expected, end: range.start, kind: .skipped))
            }
            if seenExactly.contains([range.start, range.end]) {
                Self.append(&events, Span(start: range.start, end: range.end, kind: .duplicate))
            } else {
                for overlap in accepted.intersections(range.start, range.end) {
                    Self.append(&events, Span(start: overlap.start, end: overlap.end, kind: .overlap))
                }
                // Bytes sent before only in refused copies: sent again, as the server asked.
                for sent in covered.intersections(range.start, range.end) {
                    for part in accepted.complement(within: sent.start, sent.end) {
                        Self.append(&events, Span(start: part.start, end: part.end, kind: .resent))
                    }
                }
            }
            covered.insert(range.start, range.end)
            if !range.refused {
                accepted.insert(range.start, range.end)
                seenExactly.insert([range.start, range.end])
            }
        }
        self.events = events

        var spans: [Span] = []
        if acknowledged > 0 { spans.append(Span(start: 0, end: acknowledged, kind: .acknowledged)) }
        var cursor = acknowledged
        for interval in covered.intervals where interval.end > cursor {
            let start = max(interval.start, cursor)
            if start > cursor { spans.append(Span(start: cursor, end: start, kind: .gap)) }
            spans.append(Span(start: start, end: interval.end, kind: .unacknowledged))
            cursor = interval.end
        }
        if cursor < extent { spans.append(Span(start: cursor, end: extent, kind: .unsent)) }
        self.spans = spans

        if session.closed, let total = session.totalLength, acknowledged < total {
            missingAtClose = Span(start: acknowledged, end: total, kind: .gap)
        } else {
            missingAtClose = nil
        }
    }

    /// Whether the server refused the fragment's bytes: any answer outside 2xx (a 416 asking the
    /// client to resynchronise, an error, a challenge) or a BITS error code. Unanswered is not refused.
    static func refused(_ request: BITSRequestRecord) -> Bool {
        if let code = request.errorCode, !code.isNoError { return true }
        guard let status = request.status else { return false }
        return !(200...299).contains(status)
    }

    /// Appends `span`, merging it into the last one of its kind when they touch or overlap.
    private static func append(_ spans: inout [Span], _ span: Span) {
        if let index = spans.lastIndex(where: { $0.kind == span.kind }),
           spans[index].end >= span.start, spans[index].start <= span.end {
            spans[index].start = min(spans[index].start, span.start)
            spans[index].end = max(spans[index].end, span.end)
        } else {
            spans.append(span)
        }
    }
}

/// Sorted, disjoint, non-adjacent half-open intervals.
struct IntervalSet {
    /// The intervals, in order.
    private(set) var intervals: [(start: UInt64, end: UInt64)] = []

    /// The parts of `[start, end)` already in the set, in order.
    func intersections(_ start: UInt64, _ end: UInt64) -> [(start: UInt64, end: UInt64)] {
        var out: [(start: UInt64, end: UInt64)] = []
        for interval in intervals[firstIndex(endingAfter: start)...] {
            guard interval.start < end else { break }
            out.append((max(start, interval.start), min(end, interval.end)))
        }
        return out
    }

    /// The parts of `[start, end)` not in the set, in order.
    func complement(within start: UInt64, _ end: UInt64) -> [(start: UInt64, end: UInt64)] {
        var out: [(start: UInt64, end: UInt64)] = []
        var cursor = start
        for inside in intersections(start, end) {
            if inside.start > cursor { out.append((cursor, inside.start)) }
            cursor = inside.end
        }
        if cursor < end { out.append((cursor, end)) }
        return out
    }

    /// Adds `[start, end)`, merging every interval it touches.
    mutating func insert(_ start: UInt64, _ end: UInt64) {
        guard start < end else { return }
        let low = firstIndex(endingAfter: start, touching: true)
        var high = low
        var merged = (start: start, end: end)
        while high < intervals.count, intervals[high].start <= end {
            merged.start = min(merged.start, intervals[high].start)
            merged.end = max(merged.end, intervals[high].end)
            high += 1
        }
        intervals.replaceSubrange(low..<high, with: [merged])
    }

    /// Index of the first interval whose end is after `offset` (at or after, when `touching`).
    private func firstIndex(endingAfter offset: UInt64, touching: Bool = false) -> Int {
        var low = 0
        var high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            let end = intervals[middle].end
            if touching ? end < offset : end <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
