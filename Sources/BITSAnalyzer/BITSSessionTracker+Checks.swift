import AnalyzerCore
import HTTP1Parser

/// The protocol checks of requests and Acks against their session (`docs/findings.md`).
extension BITSSessionTracker {
    /// Checks a fragment's range against the session. Returns whether it is a fragment-gap.
    func checkFragment(_ record: BITSRequestRecord, session: SessionHandle, observed: ObservedRequest) -> Bool {
        let id = record.connection
        let time = record.time
        guard let range = record.range else {
            let raw = observed.head.headers["Content-Range"]
            report(.malformedContentRange, session: session, connection: id, time: time,
                   raw.map { "Content-Range '\($0)' is not 'bytes first-last/total'" } ?? "Fragment without Content-Range")
            return false
        }
        if range.last >= range.total {
            report(.rangeBeyondTotal, session: session, connection: id, time: time,
                   "range \(range.text) reaches past the total: last byte \(range.last) ≥ total \(range.total)")
        }
        if let total = sessions[session].record.totalLength {
            if total != range.total {
                report(.totalLengthChanged, session: session, connection: id, time: time,
                       "total length \(range.total) in range \(range.text), earlier fragments said \(total)")
            }
        } else {
            sessions[session].record.totalLength = range.total
        }
        let carried = record.bodyBytes + record.bodyGapBytes
        if let declared = record.contentLength, declared != range.length {
            report(.rangeMismatch, session: session, connection: id, time: time,
                   "Content-Length \(declared) but range \(range.text) covers \(range.length) bytes")
        } else if observed.complete, carried != range.length {
            report(.rangeMismatch, session: session, connection: id, time: time,
                   "body of \(carried) bytes but range \(range.text) covers \(range.length) bytes")
        }
        if let resync = sessions[session].resyncOffset {
            if range.first != resync {
                report(.clientIgnoredResync, session: session, connection: id, time: time,
                       "server asked for offset \(resync), next fragment starts at \(range.first) (\(range.text))")
            }
            sessions[session].resyncOffset = nil
        }
        guard let expected = expectedOffset(session) else { return false }
        sessions[session].outstandingFragments += 1
        sessions[session].projectedOffset = range.first <= expected ? max(expected, range.last &+ 1) : expected
        if range.first > expected {
            report(.fragmentGap, session: session, connection: id, time: time,
                   "fragment \(range.text) starts at \(range.first), server expects \(expected): "
                       + "\(range.first - expected) bytes skipped")
            return true
        } else if range.last < expected {
            report(.fragmentDuplicate, session: session, connection: id, time: time,
                   "fragment \(range.text) ends before the expected offset \(expected): already stored")
        } else if range.first < expected {
            report(.fragmentOverlap, session: session, connection: id, time: time,
                   "fragment \(range.text) starts at \(range.first), server expects \(expected): "
                       + "\(expected - range.first) bytes sent again")
        }
        return false
    }

    func checkClose(_ record: BITSRequestRecord, session: SessionHandle) {
        let state = sessions[session].record
        // Without the server's side, how much it acknowledged is unknown.
        guard state.missingDirection != .serverToClient else { return }
        let fragments = state.requests.contains { $0.type == .fragment }
        if let total = state.totalLength {
            let acknowledged = state.bytesAcknowledged ?? 0
            if acknowledged < total {
                report(.partialFileClose, session: session, connection: record.connection, time: record.time,
                       "Close-Session with \(acknowledged) of \(total) bytes acknowledged")
            }
        } else if state.createSeen, !fragments {
            report(.partialFileClose, session: session, connection: record.connection, time: record.time,
                   "Close-Session with no fragment sent")
        }
        if let reply = state.replyURL, !state.replyFetched {
            report(.replyNotFetched, session: session, connection: record.connection, time: record.time,
                   "Close-Session before any GET of the reply URL \(reply)")
        }
    }

    func acknowledgeCreate(
        _ head: HTTPResponseHead, success: Bool, session: SessionHandle, record: BITSRequestRecord, time: CaptureTimestamp
    ) {
        defer { releaseHeldFindings(session) }
        guard success else {
            sessions[session].record.rejected = true
            return
        }
        guard let id = head.headers["BITS-Session-Id"]?.trimmingASCIIWhitespace(), !id.isEmpty else {
            report(.createAckMissingSessionID, session: session, connection: record.connection, time: time,
                   "\(head.status) Ack to Create-Session without BITS-Session-Id")
            return
        }
        sessions[session].record.sessionID = id
        sessions.index(session, byID: id)
        let chosen = head.headers["BITS-Protocol"]?.trimmingASCIIWhitespace()
        sessions[session].record.chosenProtocol = chosen
        let offered = sessions[session].record.supportedProtocols.map { $0.lowercased() }
        if chosen == nil || !offered.contains(chosen!.lowercased()) {
            report(.protocolMismatch, session: session, connection: record.connection, time: time,
                   chosen.map { "server chose \($0), client offered \(offered.joined(separator: " "))" }
                       ?? "successful Create-Session Ack without BITS-Protocol")
        }
        if let host = head.headers["BITS-Host-Id"]?.trimmingASCIIWhitespace(), !host.isEmpty {
            sessions[session].record.hostID = host
            sessions[session].record.hostIDFallbackTimeout = head.headers["BITS-Host-Id-Fallback-Timeout"]
                .flatMap { ContentRange.decimal(Substring($0)) }
        }
    }

    /// Applies a fragment's Ack to its session. Returns the upload offsets the server stored from the
    /// fragment (see ``BITSFragmentVerdict/accepted``), or `nil` when it stored none of them or the
    /// Ack does not say.
    func acknowledgeFragment(
        _ head: HTTPResponseHead, handle: RequestHandle, record: BITSRequestRecord, session: SessionHandle, time: CaptureTimestamp
    ) -> Range<UInt64>? {
        if let reply = head.headers["BITS-Reply-URL"]?.trimmingASCIIWhitespace(), !reply.isEmpty {
            sessions[session].record.replyURL = reply
            indexReply(of: session)
        }
        guard head.status == 200 || head.status == 416 else { return nil }
        guard let received = record.received else {
            report(.ackMissingReceivedRange, session: session, connection: record.connection, time: time,
                   "\(head.status) Ack to a fragment without a decimal BITS-Received-Content-Range"
                       + (head.headers["BITS-Received-Content-Range"].map { " ('\($0)')" } ?? ""))
            return nil
        }
        if let previous = sessions[session].record.bytesAcknowledged, received < previous {
            report(.ackRangeRegression, session: session, connection: record.connection, time: time,
                   "server now expects offset \(received), it had acknowledged up to \(previous)")
        }
        if head.status == 416 {
            report(.outOfSync416, session: session, connection: record.connection, time: time,
                   "416 Ack: server expects offset \(received)"
                       + (record.range.map { ", fragment was \($0.text)" } ?? ""))
            sessions[session].resyncOffset = received
        } else if let range = record.range {
            // A range ending at offset 2^64 - 1 makes the next offset 2^64: past every received value.
            let (next, nextPast64Bits) = range.last.addingReportingOverflow(1)
            if let expected = handle.expectedAtRequest, range.first <= expected, nextPast64Bits || received != next {
                report(.ackRangeMismatch, session: session, connection: record.connection, time: time,
                       "Ack for \(range.text) says next offset \(received), expected "
                           + (nextPast64Bits ? "18446744073709551616" : "\(next)"))
            }
            if nextPast64Bits || received < next { sessions[session].resyncOffset = received }
        }
        sessions[session].record.bytesAcknowledged = received
        sessions[session].offsetUnknown = false
        let refused = record.errorCode.map { !$0.isNoError } ?? false
        guard head.status == 200, !refused, let range = record.range else { return nil }
        // First copy wins: bytes below the offset expected before the request were already stored.
        let from = max(range.first, handle.expectedAtRequest ?? range.first)
        let next = range.last == .max ? range.last : range.last + 1
        return from..<max(from, min(next, received))
    }

    /// Tells the body observer what the server did with a fragment: stored `accepted`, or nothing.
    func tellBodyObserver(
        _ handle: RequestHandle, record: BITSRequestRecord, accepted: Range<UInt64>?, time: CaptureTimestamp
    ) {
        guard let observer = bodyObserver, record.type == .fragment, let key = handle.requestKey else { return }
        if let accepted, let session = handle.session, sessions.contains(session), let received = record.received {
            observer.fragmentAccepted(BITSFragmentVerdict(
                request: key, session: sessions[session].record.number, accepted: accepted, acknowledged: received, time: time
            ))
        } else {
            observer.fragmentDiscarded(key, time: time)
        }
    }
}
