import AnalyzerCore

/// Parses the messages of one direction of a connection from byte pieces and gaps of any size.
///
/// Heads are collected in a bounded buffer; bodies are never buffered: each piece of input is
/// handed on as a slice. After a loss of synchronisation (a gap it cannot skip, a head it cannot
/// use) it scans line starts for the next start line, within the resync scan limit.
struct DirectionParser {
    private enum State {
        /// Collecting a head (or, while resynchronising, a candidate start line).
        case head
        /// Resynchronising: discarding the rest of a line that cannot start a message.
        case skippingLine
        /// In a `Content-Length` body.
        case fixedBody
        /// In a chunked body.
        case chunkedBody
        /// In a body that runs until the direction ends.
        case untilCloseBody
        /// The resync scan limit was reached; bytes are ignored until the next gap.
        case abandoned
        /// The direction ended; nothing more is parsed.
        case ended
    }

    private let direction: FlowDirection
    private let limits: Limits.HTTP
    private var state = State.head
    private var head: HeadAccumulator
    private var chunked: ChunkedDecoder
    /// Framing and counters of the current message.
    private var framing = HTTPBodyFraming.none
    private var remainingBody: UInt64 = 0
    private var bodyBytes: UInt64 = 0
    private var bodyGapBytes: UInt64 = 0
    /// Whether sync was lost and no start line has been found since.
    private var resyncing = false
    /// Bytes discarded since sync was lost (or the search restarted after being abandoned).
    private var skippedBytes: UInt64 = 0
    private var reportedDataAfterEnd = false
    /// The last request's target (requests only), when at most ``maxRememberedTargetBytes`` long:
    /// the next request's is this string again when spelled the same (a BITS upload sends one URL
    /// in all its requests), which saves decoding and allocating it. Dropped when the direction ends.
    private var lastTarget = ""
    /// The longest target kept in ``lastTarget`` (a longer one is not kept, so that a connection
    /// does not pin a large one between requests).
    static let maxRememberedTargetBytes = 512

    /// A parser for `direction` (client-to-server carries requests); head storage comes from
    /// `storagePool` for the first head and goes back to it at the end, if given.
    init(direction: FlowDirection, limits: Limits.HTTP, storagePool: HeadStoragePool? = nil) {
        self.direction = direction
        self.limits = limits
        let kind: StartLineSniffer.Kind = direction == .clientToServer ? .request : .status
        head = HeadAccumulator(kind: kind, maxBytes: limits.maxHeaderBlockBytes, maxFields: limits.maxHeaderCount,
                               pool: storagePool)
        chunked = Self.chunkedDecoder(limits)
    }

    /// A fresh decoder; a chunked trailer is bounded like a header block.
    private static func chunkedDecoder(_ limits: Limits.HTTP) -> ChunkedDecoder {
        ChunkedDecoder(maxTrailerBytes: limits.maxHeaderBlockBytes, maxTrailerFields: limits.maxHeaderCount)
    }

    /// Head bytes held right now (never more than the head limit).
    var bufferedBytes: Int { head.count }

    /// Whether the direction has ended.
    var hasEnded: Bool { state == .ended }

    // MARK: - Input

    /// Parses the next bytes of the direction.
    mutating func receive<Sink: DirectionParserSink>(
        _ input: UnsafeRawBufferPointer, time: CaptureTimestamp, sink: Sink
    ) {
        var index = 0
        while index < input.count {
            switch state {
            case .fixedBody:
                // The hot path: one slice per call. `take` is bounded by the input size.
                let take = Int(min(remainingBody, UInt64(input.count - index)))
                let slice = UnsafeRawBufferPointer(rebasing: input[index..<(index + take)])
                index += take
                remainingBody -= UInt64(take)
                bodyBytes = bodyBytes.saturatingAdding(UInt64(take))
                sink.bodyData(slice, direction: direction, time: time)
                if remainingBody == 0 { finishMessage(complete: true, time: time, sink: sink) }
            case .untilCloseBody:
                let slice = UnsafeRawBufferPointer(rebasing: input[index...])
                index = input.count
                bodyBytes = bodyBytes.saturatingAdding(UInt64(slice.count))
                sink.bodyData(slice, direction: direction, time: time)
            case .chunkedBody:
                consumeChunked(input, at: &index, time: time, sink: sink)
            case .head:
                consumeHead(input, at: &index, time: time, sink: sink)
            case .skippingLine:
                skipLine(input, at: &index, time: time, sink: sink)
            case .abandoned:
                index = input.count
            case .ended:
                index = input.count
                if !reportedDataAfterEnd {
                    reportedDataAfterEnd = true
                    sink.anomaly(.dataAfterEnd, direction: direction, time: time)
                }
            }
        }
    }

    /// The other direction finished a final response head while this one (the requests) searches
    /// for a start line. A client that waited for that answer sends its next request after it, and
    /// that request need not follow a line feed (the lost request's body may be binary), so the
    /// search restarts here as at a line start, with a fresh budget. Bytes of a pipelined request
    /// already under way only make the candidate fail and the search go on as before.
    mutating func restartSearchAtPeerBoundary() {
        guard resyncing, state == .head || state == .skippingLine || state == .abandoned else { return }
        head.reset()
        state = .head
        skippedBytes = 0
    }

    /// `gap` bytes of the direction are missing (``HTTPGapSize/unknown``: some bytes, how many is
    /// not known; the message in progress is then taken to have lost all its rest).
    mutating func receiveGap<Sink: DirectionParserSink>(_ gap: HTTPGapSize, time: CaptureTimestamp, sink: Sink) {
        if case .bytes(0) = gap { return }
        switch state {
        case .fixedBody:
            let skipped: UInt64
            if case .bytes(let length) = gap { skipped = min(length, remainingBody) } else { skipped = remainingBody }
            remainingBody -= skipped
            bodyGapBytes = bodyGapBytes.saturatingAdding(skipped)
            sink.bodyGap(length: skipped, direction: direction, time: time)
            guard remainingBody == 0 else { return }
            finishMessage(complete: true, time: time, sink: sink)
            // The rest of the gap held the start of whatever came next (an unknown loss may have).
            let rest = Self.subtracting(skipped, from: gap)
            guard rest != .bytes(0) else { return }
            sink.anomaly(.desynchronized(.gapPastBodyEnd, gapLength: rest), direction: direction, time: time)
            loseSync(discarding: 0, atLineStart: true, messageLost: true, time: time, sink: sink)
        case .chunkedBody:
            let length: UInt64
            if case .bytes(let count) = gap { length = count } else { length = .max }
            switch chunked.skipGap(length: length) {
            case .skipped:
                bodyGapBytes = bodyGapBytes.saturatingAdding(length)
                sink.bodyGap(length: length, direction: direction, time: time)
            case .lostFraming(let dataBytes):
                if dataBytes > 0 {
                    bodyGapBytes = bodyGapBytes.saturatingAdding(dataBytes)
                    sink.bodyGap(length: dataBytes, direction: direction, time: time)
                }
                finishMessage(complete: false, time: time, sink: sink)
                let anomaly = HTTPAnomaly.desynchronized(.gapInChunkedFraming,
                                                         gapLength: Self.subtracting(dataBytes, from: gap))
                sink.anomaly(anomaly, direction: direction, time: time)
                loseSync(discarding: 0, atLineStart: true, messageLost: false, time: time, sink: sink)
            }
        case .untilCloseBody:
            guard case .bytes(let length) = gap else {
                // A hole of unknown size cannot be kept in place: the body is cut there.
                finishMessage(complete: false, time: time, sink: sink)
                sink.anomaly(.desynchronized(.lossInUntilCloseBody, gapLength: .unknown), direction: direction, time: time)
                loseSync(discarding: 0, atLineStart: true, messageLost: false, time: time, sink: sink)
                return
            }
            bodyGapBytes = bodyGapBytes.saturatingAdding(length)
            sink.bodyGap(length: length, direction: direction, time: time)
        case .head where resyncing:
            // The candidate line is cut; whatever follows the gap may start a line.
            let discarded = head.count
            head.reset()
            addSkipped(UInt64(discarded), time: time, sink: sink)
        case .head:
            let reason: HTTPDesyncReason = head.count == 0 ? .gapBetweenMessages : .gapInHead
            sink.anomaly(.desynchronized(reason, gapLength: gap), direction: direction, time: time)
            loseSync(discarding: head.count, atLineStart: true, messageLost: true, time: time, sink: sink)
        case .skippingLine:
            state = .head
        case .abandoned:
            // A gap is a fresh chance: the search starts again right after it, with a new budget.
            state = .head
            skippedBytes = 0
        case .ended:
            break
        }
    }

    /// What is left of `gap` once `count` of its bytes are accounted for.
    private static func subtracting(_ count: UInt64, from gap: HTTPGapSize) -> HTTPGapSize {
        guard case .bytes(let length) = gap else { return .unknown }
        return .bytes(length - min(count, length))
    }

    /// The direction ended: an until-close body completes, anything else unfinished is cut.
    mutating func end<Sink: DirectionParserSink>(time: CaptureTimestamp, sink: Sink) {
        switch state {
        case .head:
            if !resyncing, head.count > 0 {
                sink.anomaly(.incompleteMessageAtEnd(missingBodyBytes: nil), direction: direction, time: time)
            }
        case .fixedBody:
            let missing = remainingBody
            finishMessage(complete: false, time: time, sink: sink)
            sink.anomaly(.incompleteMessageAtEnd(missingBodyBytes: missing), direction: direction, time: time)
        case .chunkedBody:
            finishMessage(complete: false, time: time, sink: sink)
            sink.anomaly(.incompleteMessageAtEnd(missingBodyBytes: nil), direction: direction, time: time)
        case .untilCloseBody:
            finishMessage(complete: true, time: time, sink: sink)
        case .skippingLine, .abandoned, .ended:
            break
        }
        // Nothing more is parsed in this direction: its buffer goes now, not when the connection
        // leaves the table (closed connections linger there for late packets), to the storage
        // pool if there is one with room.
        head.releaseStorage()
        lastTarget = ""
        state = .ended
    }

    // MARK: - Heads

    private mutating func consumeHead<Sink: DirectionParserSink>(
        _ input: UnsafeRawBufferPointer, at index: inout Int, time: CaptureTimestamp, sink: Sink
    ) {
        switch head.consume(input, from: &index) {
        case .needMore:
            break
        case .startLineComplete:
            if resyncing {
                resyncing = false
                head.requireMajorVersion1 = false
                sink.anomaly(.resynchronized(skippedBytes: skippedBytes), direction: direction, time: time)
            }
        case .blankLine(let length):
            // Blank lines before a start line are tolerated (RFC 9112 §2.2); while searching they are skipped.
            if resyncing { addSkipped(UInt64(length), time: time, sink: sink) }
        case .badStartLine(let atLineEnd):
            if resyncing {
                let discarded = head.count
                head.reset()
                state = atLineEnd ? .head : .skippingLine
                addSkipped(UInt64(discarded), time: time, sink: sink)
            } else {
                sink.anomaly(.malformedStartLine, direction: direction, time: time)
                loseSync(discarding: head.count, atLineStart: atLineEnd, messageLost: false, time: time, sink: sink)
            }
        case .tooLarge:
            let atLineStart = head.endsAtLineStart
            if resyncing {
                // A candidate start line longer than any usable head.
                let discarded = head.count
                head.reset()
                state = atLineStart ? .head : .skippingLine
                addSkipped(UInt64(discarded), time: time, sink: sink)
            } else {
                sink.anomaly(.headerBlockTooLarge(limit: limits.maxHeaderBlockBytes), direction: direction, time: time)
                loseSync(discarding: head.count, atLineStart: atLineStart, messageLost: true, time: time, sink: sink)
            }
        case .tooManyFields:
            sink.anomaly(.tooManyHeaders(limit: limits.maxHeaderCount), direction: direction, time: time)
            loseSync(discarding: head.count, atLineStart: true, messageLost: true, time: time, sink: sink)
        case .complete:
            headComplete(time: time, sink: sink)
        }
    }

    /// Parses the complete head, reports it and sets up its body.
    private mutating func headComplete<Sink: DirectionParserSink>(time: CaptureTimestamp, sink: Sink) {
        let decision: MessageFraming.Decision
        let diagnostics = head.fieldDiagnostics
        let headBytes = head.count
        switch direction {
        case .clientToServer:
            guard case .request(let line)? = head.startLine else { return abandonUnparseableHead(time: time, sink: sink) }
            let parsed = HeadParser.request(head.takeHeaders(), line: line, headBytes: headBytes, usualTarget: lastTarget)
            if line.target.count <= Self.maxRememberedTargetBytes { lastTarget = parsed.target }
            decision = MessageFraming.request(parsed)
            sink.requestHeadParsed(parsed, time: time)
        case .serverToClient:
            guard case .status(let line)? = head.startLine else { return abandonUnparseableHead(time: time, sink: sink) }
            let parsed = HeadParser.response(head.takeHeaders(), line: line, headBytes: headBytes)
            let answersHEAD = sink.responseHeadParsed(parsed, time: time)
            decision = MessageFraming.response(parsed, answersHEAD: answersHEAD)
        }
        if diagnostics.malformedLines > 0 {
            sink.anomaly(.malformedHeader(count: diagnostics.malformedLines), direction: direction, time: time)
        }
        if diagnostics.usedLineFolding {
            sink.anomaly(.obsoleteLineFolding, direction: direction, time: time)
        }
        for anomaly in decision.anomalies {
            sink.anomaly(anomaly, direction: direction, time: time)
        }
        beginBody(decision.framing, time: time, sink: sink)
    }

    /// Unreachable in practice: a head completes only after the accumulator has read its start line.
    private mutating func abandonUnparseableHead<Sink: DirectionParserSink>(time: CaptureTimestamp, sink: Sink) {
        sink.anomaly(.malformedStartLine, direction: direction, time: time)
        loseSync(discarding: head.count, atLineStart: true, messageLost: false, time: time, sink: sink)
    }

    /// Starts the body of the message whose head was just reported; `nil` framing means unknown.
    private mutating func beginBody<Sink: DirectionParserSink>(
        _ framing: HTTPBodyFraming?, time: CaptureTimestamp, sink: Sink
    ) {
        bodyBytes = 0
        bodyGapBytes = 0
        guard let framing else {
            // The head was reported, but where its body ends cannot be known.
            self.framing = .none
            finishMessage(complete: false, time: time, sink: sink)
            loseSync(discarding: 0, atLineStart: true, messageLost: false, time: time, sink: sink)
            return
        }
        self.framing = framing
        switch framing {
        case .none, .contentLength(0):
            finishMessage(complete: true, time: time, sink: sink)
        case .contentLength(let length):
            remainingBody = length
            state = .fixedBody
        case .chunked:
            chunked = Self.chunkedDecoder(limits)
            state = .chunkedBody
        case .untilClose:
            state = .untilCloseBody
        }
    }

    // MARK: - Bodies

    private mutating func consumeChunked<Sink: DirectionParserSink>(
        _ input: UnsafeRawBufferPointer, at index: inout Int, time: CaptureTimestamp, sink: Sink
    ) {
        switch chunked.step(input, at: &index) {
        case .data(let slice):
            bodyBytes = bodyBytes.saturatingAdding(UInt64(slice.count))
            sink.bodyData(slice, direction: direction, time: time)
        case .needMore:
            break
        case .finished:
            finishMessage(complete: true, time: time, sink: sink)
        case .failed(let anomaly):
            sink.anomaly(anomaly, direction: direction, time: time)
            finishMessage(complete: false, time: time, sink: sink)
            loseSync(discarding: 0, atLineStart: false, messageLost: false, time: time, sink: sink)
        }
    }

    private mutating func finishMessage<Sink: DirectionParserSink>(complete: Bool, time: CaptureTimestamp, sink: Sink) {
        state = .head
        let end = HTTPMessageEnd(framing: framing, bodyBytes: bodyBytes, bodyGapBytes: bodyGapBytes, complete: complete)
        sink.messageEnded(end, direction: direction, time: time)
    }

    // MARK: - Synchronisation

    /// Message boundaries are lost: drop the head, start searching for a start line.
    /// `discarding` bytes already consumed count as skipped; `messageLost` tells pairing that a
    /// message which was never reported existed.
    private mutating func loseSync<Sink: DirectionParserSink>(
        discarding: Int, atLineStart: Bool, messageLost: Bool, time: CaptureTimestamp, sink: Sink
    ) {
        head.reset()
        head.requireMajorVersion1 = true
        resyncing = true
        skippedBytes = 0
        state = atLineStart ? .head : .skippingLine
        if messageLost { sink.messageLost(direction: direction, time: time) }
        addSkipped(UInt64(discarding), time: time, sink: sink)
    }

    /// Discards the rest of a line that cannot start a message, without passing the scan budget.
    private mutating func skipLine<Sink: DirectionParserSink>(
        _ input: UnsafeRawBufferPointer, at index: inout Int, time: CaptureTimestamp, sink: Sink
    ) {
        let lineFeed = HeadAccumulator.firstLineFeed(in: input, from: index)
        let wanted = UInt64((lineFeed.map { $0 + 1 } ?? input.count) - index)
        let budget = UInt64(max(0, limits.maxResyncScanBytes))
        let allowed = budget > skippedBytes ? budget - skippedBytes : 0
        // Stop exactly at the budget so that where the search is abandoned does not depend on
        // how the stream was cut into pieces. `take` is at most `wanted`, an Int.
        let take = min(wanted, allowed)
        index += Int(take)
        if take == wanted, lineFeed != nil { state = .head }
        addSkipped(take, time: time, sink: sink)
    }

    /// Counts discarded bytes; gives the search up once the scan budget is used.
    private mutating func addSkipped<Sink: DirectionParserSink>(_ count: UInt64, time: CaptureTimestamp, sink: Sink) {
        skippedBytes = skippedBytes.saturatingAdding(count)
        guard skippedBytes >= UInt64(max(0, limits.maxResyncScanBytes)) else { return }
        head.reset()
        state = .abandoned
        sink.anomaly(.resyncAbandoned(scannedBytes: skippedBytes), direction: direction, time: time)
    }
}
