import AnalyzerCore

/// An incremental HTTP/1.1 parser for both directions of one connection, pairing each final
/// response with the oldest request still waiting (FIFO).
///
/// Feed it each direction's bytes in stream order, cut anywhere: the events reported do not depend
/// on where the pieces begin and end (body bytes may arrive in more or fewer pieces). Heads are
/// buffered up to `Limits.HTTP.maxHeaderBlockBytes`; bodies are never buffered but handed to the
/// delegate as slices of the input. Gaps inside a body of known length are skipped and counted;
/// other gaps, unusable heads and non-HTTP data make a direction resynchronise on the next line
/// that starts a message. No input can make it trap.
///
/// The delegate is held **strongly**: it must not hold its parser. Delegate callbacks must not call
/// back into the parser (such calls are ignored).
public final class HTTPConnectionParser {
    /// Receives the parsed messages. Held strongly, so a delegate must not hold its parser (that
    /// would be a cycle). Not weakly: an object with a weak reference to it has its every retain and
    /// release go the slow way, through a side table, and the delegate is retained for each call
    /// (a fifth of the time reading a large upload's body went to loading the weak reference). A
    /// constant, so reading it costs no exclusivity check.
    public let delegate: any HTTPConnectionDelegate

    private let limits: Limits.HTTP
    // Per-packet state: `@exclusivity(unchecked)` drops the runtime exclusivity check (a call
    // costing ~300 instructions per access; see docs/performance.md). Sound here: only this
    // object's own methods touch these properties, on one thread, and no callee can reach back.
    // The direction parsers' accesses span the delegate's callbacks; a delegate calling back in is
    // stopped by `beginCall` (every entry that touches them goes through it) and by the
    // precondition of `bufferedHeadBytes`, so no access to them can overlap another.
    @exclusivity(unchecked) private var requestParser: DirectionParser
    @exclusivity(unchecked) private var responseParser: DirectionParser
    @exclusivity(unchecked) private var pending = PendingRequestQueue()
    @exclusivity(unchecked) private var nextRequestIndex = 0
    /// Index of the request whose head was reported last (its body events carry it).
    @exclusivity(unchecked) private var currentRequestIndex = 0
    /// The request the current response answers, if known.
    @exclusivity(unchecked) private var currentResponseRequestIndex: Int?
    /// Whether a call is in progress (guards against re-entry from the delegate).
    @exclusivity(unchecked) private var isParsing = false

    /// Creates a parser for one connection, reporting to `delegate` (held strongly). With
    /// `storagePool`, each direction's first head takes its storage from the pool if it holds any,
    /// and each direction's storage goes back to it when the direction ends.
    public init(limits: Limits.HTTP = .init(), delegate: any HTTPConnectionDelegate,
                storagePool: HeadStoragePool? = nil) {
        self.limits = limits
        self.delegate = delegate
        requestParser = DirectionParser(direction: .clientToServer, limits: limits, storagePool: storagePool)
        responseParser = DirectionParser(direction: .serverToClient, limits: limits, storagePool: storagePool)
    }

    /// Requests waiting for their final response, including one placeholder for each loss of
    /// sync in the request direction (a request that may have been lost and may still be answered).
    public var pendingRequests: Int { pending.count }

    /// Head bytes buffered right now, both directions (each at most `maxHeaderBlockBytes`).
    public var bufferedHeadBytes: Int {
        precondition(!isParsing, "HTTPConnectionParser.bufferedHeadBytes read from a delegate callback")
        return requestParser.bufferedBytes + responseParser.bufferedBytes
    }

    /// Parses the next bytes of one direction (`clientToServer` carries requests). The bytes are
    /// only borrowed for the duration of the call.
    public func receive(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, time: CaptureTimestamp) {
        guard beginCall() else { return }
        defer { isParsing = false }
        switch direction {
        case .clientToServer: requestParser.receive(bytes, time: time, sink: self)
        case .serverToClient: responseParser.receive(bytes, time: time, sink: self)
        }
    }

    /// `length` bytes of one direction are missing from the capture.
    public func receiveGap(length: UInt64, direction: FlowDirection, time: CaptureTimestamp) {
        receiveGap(.bytes(length), direction: direction, time: time)
    }

    /// Some bytes of one direction are missing, how many is not known (the plaintext of TLS records
    /// that could not be decrypted): the message in progress loses all its rest, and the direction
    /// looks for the next start line rather than place later bytes at a guessed offset.
    public func receiveLoss(direction: FlowDirection, time: CaptureTimestamp) {
        receiveGap(.unknown, direction: direction, time: time)
    }

    private func receiveGap(_ gap: HTTPGapSize, direction: FlowDirection, time: CaptureTimestamp) {
        guard beginCall() else { return }
        defer { isParsing = false }
        switch direction {
        case .clientToServer: requestParser.receiveGap(gap, time: time, sink: self)
        case .serverToClient: responseParser.receiveGap(gap, time: time, sink: self)
        }
    }

    /// One direction ended (FIN, RST, or removal): a body running until close completes; a message
    /// in progress ends incomplete. Later bytes of that direction are ignored. Calling it again
    /// does nothing.
    public func end(direction: FlowDirection, time: CaptureTimestamp) {
        guard beginCall() else { return }
        defer { isParsing = false }
        switch direction {
        case .clientToServer: if !requestParser.hasEnded { requestParser.end(time: time, sink: self) }
        case .serverToClient: if !responseParser.hasEnded { responseParser.end(time: time, sink: self) }
        }
    }

    /// The connection is gone: ends both directions, then reports every request still waiting as
    /// unanswered, oldest first.
    public func finish(time: CaptureTimestamp) {
        end(direction: .clientToServer, time: time)
        end(direction: .serverToClient, time: time)
        guard beginCall() else { return }
        defer { isParsing = false }
        while let entry = pending.removeFirst() {
            if let index = entry.index { delegate.unanswered(requestIndex: index, time: time) }
        }
    }

    private func beginCall() -> Bool {
        guard !isParsing else {
            assertionFailure("HTTPConnectionParser was called from one of its delegate callbacks")
            return false
        }
        isParsing = true
        return true
    }

    /// Queues a waiting request; past the limit the oldest is given up.
    private func enqueue(_ entry: PendingRequestQueue.Entry, time: CaptureTimestamp) {
        pending.append(entry)
        let limit = max(1, limits.maxPendingRequests)
        guard pending.count > limit, let oldest = pending.removeFirst() else { return }
        delegate.anomaly(.pendingRequestsLimit(limit: limit), direction: .clientToServer, time: time)
        if let index = oldest.index { delegate.unanswered(requestIndex: index, time: time) }
    }
}

/// Pairing and delivery: the direction parsers report here, the delegate hears the result.
extension HTTPConnectionParser: DirectionParserSink {
    /// Numbers the request, reports it, and queues it for its response.
    func requestHeadParsed(_ head: HTTPRequestHead, time: CaptureTimestamp) {
        let index = nextRequestIndex
        // Each request takes at least a start line of input, so this cannot reach Int.max.
        nextRequestIndex += 1
        currentRequestIndex = index
        delegate.requestHead(head, index: index, time: time)
        // The length first (a load for a native string): most methods are not four bytes long.
        let isHEAD = head.method.utf8.count == 4 && ASCII.equalsIgnoringCase(head.method.utf8, "HEAD".utf8)
        enqueue(PendingRequestQueue.Entry(index: index, isHEAD: isHEAD), time: time)
    }

    /// Pairs the response with the oldest waiting request (taking it off the queue unless the
    /// response is interim) and reports it; returns whether that request was `HEAD`.
    func responseHeadParsed(_ head: HTTPResponseHead, time: CaptureTimestamp) -> Bool {
        // An interim response leaves its request waiting for the final one.
        let entry = head.isInterim ? pending.first : pending.removeFirst()
        if !head.isInterim { requestParser.restartSearchAtPeerBoundary() }
        currentResponseRequestIndex = entry?.index
        delegate.responseHead(head, requestIndex: entry?.index, time: time)
        if entry == nil {
            delegate.anomaly(.responseWithoutRequest, direction: .serverToClient, time: time)
        } else if entry?.index == nil {
            delegate.anomaly(.responseToLostRequest, direction: .serverToClient, time: time)
        }
        return entry?.isHEAD ?? false
    }

    /// Passes body bytes on with the current message's index.
    func bodyData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, time: CaptureTimestamp) {
        switch direction {
        case .clientToServer: delegate.requestBody(bytes, index: currentRequestIndex, time: time)
        case .serverToClient: delegate.responseBody(bytes, requestIndex: currentResponseRequestIndex, time: time)
        }
    }

    /// Passes a body gap on with the current message's index.
    func bodyGap(length: UInt64, direction: FlowDirection, time: CaptureTimestamp) {
        switch direction {
        case .clientToServer: delegate.requestBodyGap(length: length, index: currentRequestIndex, time: time)
        case .serverToClient:
            delegate.responseBodyGap(length: length, requestIndex: currentResponseRequestIndex, time: time)
        }
    }

    /// Passes a message end on with the current message's index.
    func messageEnded(_ end: HTTPMessageEnd, direction: FlowDirection, time: CaptureTimestamp) {
        switch direction {
        case .clientToServer: delegate.requestEnd(end, index: currentRequestIndex, time: time)
        case .serverToClient: delegate.responseEnd(end, requestIndex: currentResponseRequestIndex, time: time)
        }
    }

    /// A lost request leaves a placeholder in the queue; a lost response settles the oldest request.
    func messageLost(direction: FlowDirection, time: CaptureTimestamp) {
        switch direction {
        case .clientToServer:
            // A request the server may still answer: its response must not shift the pairing.
            enqueue(PendingRequestQueue.Entry(index: nil, isHEAD: false), time: time)
        case .serverToClient:
            // The lost response answered the oldest waiting request.
            if let entry = pending.removeFirst(), let index = entry.index {
                delegate.responseLost(requestIndex: index, time: time)
            }
        }
    }

    /// Passes an anomaly on.
    func anomaly(_ anomaly: HTTPAnomaly, direction: FlowDirection, time: CaptureTimestamp) {
        delegate.anomaly(anomaly, direction: direction, time: time)
    }
}
