import AnalyzerCore

/// The rules a request is checked by against its session (`docs/findings.md`).
enum RequestRules {
    /// A Fragment: its Content-Range against the session's length, the server's expected offset and
    /// a resync the server asked for. `rawRange` is the header as sent (for the evidence), `complete`
    /// whether the whole body was in the capture. Returns the findings and whether the fragment
    /// skipped bytes (a fragment-gap, whose 416 is then expected).
    static func fragment(
        _ record: BITSRequestRecord, rawRange: String?, complete: Bool, session: inout TrackedSession
    ) -> (findings: [RuleFinding], gap: Bool) {
        guard let range = record.range else {
            return ([rawRange.map { RuleFinding(.malformedContentRange, "Content-Range '\($0)' is not 'bytes first-last/total'") }
                        ?? RuleFinding(.missingContentRange, "Fragment without Content-Range")], false)
        }
        var found: [RuleFinding] = []
        if let unusual = unusualSize(range, session: session) { found.append(unusual) }
        if range.last >= range.total {
            found.append(RuleFinding(.rangeBeyondTotal,
                                     "range \(range.text) reaches past the total: last byte \(range.last) ≥ total \(range.total)"))
        }
        if let total = session.record.totalLength {
            if total != range.total {
                found.append(RuleFinding(.totalLengthChanged,
                                         "total length \(range.total) in range \(range.text), earlier fragments said \(total)"))
            }
        } else {
            session.record.totalLength = range.total
        }
        let carried = record.bodyBytes.saturatingAdding(record.bodyGapBytes)
        if let declared = record.contentLength, declared != range.length {
            found.append(RuleFinding(.rangeMismatch,
                                     "Content-Length \(declared) but range \(range.text) covers \(range.length) bytes"))
        } else if complete, carried != range.length {
            found.append(RuleFinding(.rangeMismatch, "body of \(carried) bytes but range \(range.text) covers \(range.length) bytes"))
        }
        if let resync = session.resyncOffset {
            if range.first != resync {
                found.append(RuleFinding(.clientIgnoredResync,
                                         "server asked for offset \(resync), next fragment starts at \(range.first) (\(range.text))"))
            }
            session.resyncOffset = nil
        }
        guard let expected = session.expectedOffset else { return (found, false) }
        session.outstandingFragments += 1
        session.projectedOffset = range.first <= expected ? max(expected, range.last &+ 1) : expected
        if range.first > expected {
            found.append(RuleFinding(.fragmentGap, "fragment \(range.text) starts at \(range.first), server expects \(expected): "
                                         + "\(range.first - expected) bytes skipped"))
            return (found, true)
        } else if range.last < expected {
            found.append(RuleFinding(.fragmentDuplicate,
                                     "fragment \(range.text) ends before the expected offset \(expected): already stored"))
        } else if range.first < expected {
            found.append(RuleFinding(.fragmentOverlap, "fragment \(range.text) starts at \(range.first), server expects \(expected): "
                                         + "\(expected - range.first) bytes sent again"))
        }
        return (found, false)
    }

    /// The smallest non-final fragment a Windows client sends: 5 KB, read as 5,000 bytes so that
    /// either reading of "KB" passes ([MC-BUP] note <10>).
    static let smallestWindowsFragment: UInt64 = 5_000
    /// The largest fragment a Windows client sends: 13 MB, read as 13 MiB (note <10>).
    static let largestWindowsFragment: UInt64 = 13 * 1_048_576

    /// `fragment-size-unusual` for a fragment that does not end the upload and whose length is
    /// outside Windows' range; once per session (checked before a message is built).
    static func unusualSize(_ range: ContentRange, session: TrackedSession) -> RuleFinding? {
        let length = range.length
        guard range.total > 0, range.last < range.total - 1,
              length < smallestWindowsFragment || length > largestWindowsFragment,
              !session.record.findingCodes.contains(BITSFindingKind.fragmentSizeUnusual.code) else { return nil }
        let bound = length < smallestWindowsFragment ? "below Windows clients' 5 KB" : "above Windows clients' 13 MB"
        return RuleFinding(.fragmentSizeUnusual, "fragment \(range.text) of \(length) bytes, not the last, is \(bound)")
    }

    /// A Close-Session: bytes still unacknowledged, no fragment at all, a reply never fetched.
    /// (`inout` though it only reads: see ``EndRules/end(_:)``.)
    static func close(_ session: inout TrackedSession) -> [RuleFinding] {
        let state = session.record
        // Without the server's side, how much it acknowledged is unknown.
        guard state.missingDirection != .serverToClient else { return [] }
        var found: [RuleFinding] = []
        if let total = state.totalLength {
            let acknowledged = state.bytesAcknowledged ?? 0
            if acknowledged < total {
                found.append(RuleFinding(.partialFileClose, "Close-Session with \(acknowledged) of \(total) bytes acknowledged"))
            }
        } else if state.createSeen, !state.requests.contains(where: { $0.type == .fragment }) {
            found.append(RuleFinding(.partialFileClose, "Close-Session with no fragment sent"))
        }
        if let reply = state.replyURL, !state.replyFetched {
            found.append(RuleFinding(.replyNotFetched, "Close-Session before any GET of the reply URL \(reply)"))
        }
        return found
    }

    /// Any BITS request, with or without a session: its packet type and a body where none belongs.
    /// `hasTypeHeader`: whether BITS-Packet-Type was sent.
    static func packet(_ record: BITSRequestRecord, hasTypeHeader: Bool) -> [RuleFinding] {
        var found: [RuleFinding] = []
        if !hasTypeHeader {
            found.append(RuleFinding(.missingPacketType, "\(record.method) \(record.url) without BITS-Packet-Type"))
        } else if case .unknown(let value) = record.type {
            found.append(RuleFinding(.unknownPacketType, "BITS-Packet-Type '\(value)' is not a known request type"))
        }
        if record.type.forbidsBody, (record.contentLength ?? 0) > 0 || record.bodyBytes > 0 {
            found.append(RuleFinding(.requestBodyNotAllowed,
                                     "\(record.type) with a body: Content-Length \(record.contentLength.map(String.init) ?? "absent"), "
                                         + "\(record.bodyBytes) bytes carried"))
        }
        return found
    }
}
