import AnalyzerCore

/// One tracked TCP connection: both half-streams, the consumer, and the counters.
///
/// Owned by ``TCPReassembler``; every method runs inside one of its calls. Bytes reach the consumer
/// in stream order per direction; in-order bytes are passed straight from the packet without a copy.
final class TCPConnection {
    /// Whether the connection is still carrying data or only lingering to absorb late packets.
    enum Phase {
        /// Data may still flow.
        case open
        /// Both directions ended (FINs or a RST) at the given time; late packets still count here.
        case closing(since: CaptureTimestamp)
    }

    let key: ConnectionKey
    let info: ConnectionInfo
    let consumer: (any StreamConsumer)?
    // Per-packet state: `@exclusivity(unchecked)` drops the runtime exclusivity check (a call
    // costing ~300 instructions per access; see docs/performance.md). Sound here: only this
    // connection and its reassembler touch them, on one thread, and no consumer can reach back.
    /// Index 0 is client to server, 1 server to client (``FlowDirection/rawValue``). Two slots of
    /// memory the connection owns, not an array: an array's every change of a field checked that
    /// its storage was not shared, and a connection changes a dozen fields a packet.
    let halves: UnsafeMutablePointer<HalfStream>
    @exclusivity(unchecked) var lastTime: CaptureTimestamp
    @exclusivity(unchecked) var phase = Phase.open
    /// Set once the cause of the end is known (FIN or RST); other causes are decided at removal.
    @exclusivity(unchecked) var endReason: ConnectionEnd?
    /// Whether `limit-reassembly-connection` was already reported for this connection.
    var connectionLimitReported = false
    /// The direction the capture lacks entirely, once proved (see ``noteAcknowledgment(_:from:time:)``).
    @exclusivity(unchecked) var missingDirection: FlowDirection?
    /// The first acknowledgment number each direction sent while the other had no packet.
    @exclusivity(unchecked) private var firstLoneAcknowledgment: [UInt32?] = [nil, nil]
    /// Whether both directions have had a packet: from then on the connection cannot prove
    /// one-sided, and the per-packet check is one load.
    @exclusivity(unchecked) private var bothDirectionsSeen = false

    /// Whether in-order segments take ``accept(_:length:at:direction:time:)``'s shortcut (tests
    /// compare it with the general path).
    private let takesShortcuts: Bool
    /// Whether the client is the key's lower endpoint: a packet's direction is then told by which
    /// of the key's folds its source has (see ``direction(of:sourceFold:)``).
    private let clientIsLower: Bool

    init(key: ConnectionKey, info: ConnectionInfo, consumer: (any StreamConsumer)?, shortcuts: Bool = true) {
        self.key = key
        self.info = info
        self.consumer = consumer
        takesShortcuts = shortcuts
        clientIsLower = info.client == key.lower
        self.lastTime = info.firstTime
        halves = .allocate(capacity: 2)
        // Each made in place: `initialize(repeating:count:)` copied one made apart (an outlined
        // copy, a retain of its empty array and a `memcpy` a slot).
        halves.initialize(to: HalfStream())
        (halves + 1).initialize(to: HalfStream())
    }

    deinit {
        halves.deinitialize(count: 2)
        halves.deallocate()
    }

    /// Captured out-of-order bytes held in both directions.
    var heldBytes: Int { halves[0].heldBytes + halves[1].heldBytes }
    /// Out-of-order segments held in both directions.
    var heldSegments: Int { halves[0].held.count + halves[1].held.count }

    var isClosing: Bool {
        if case .closing = phase { return true }
        return false
    }

    /// The direction a segment travels in.
    func direction(of segment: TCPSegment) -> FlowDirection {
        segment.source == info.client ? .clientToServer : .serverToClient
    }

    /// Whether this is the connection between `a` and `b` (folded `foldA` and `foldB`), in either
    /// order: the key's ``ConnectionKey/connects(_:folded:_:folded:)``, loading only its folds
    /// unless the endpoints are IPv6 (the key checked through its class loaded all of it first).
    @inline(__always)
    func connects(_ a: Endpoint, folded foldA: UInt64, _ b: Endpoint, folded foldB: UInt64) -> Bool {
        key.foldsConnect(foldA, foldB) && (key.isIPv4 || keyConnects(a, b))
    }

    /// The key's whole check, out of line for the rare IPv6 case.
    @inline(never)
    private func keyConnects(_ a: Endpoint, _ b: Endpoint) -> Bool {
        key.connects(a, folded: ConnectionKey.fold(a), b, folded: ConnectionKey.fold(b))
    }

    /// The direction of a segment of this connection whose source folds (``ConnectionKey/fold(_:)``)
    /// to `sourceFold`: what ``direction(of:)`` says, without comparing endpoints. Two different
    /// folds tell the endpoints apart; equal ones (a connection to itself, IPv6 folds made to
    /// collide) leave it to the endpoints.
    @inline(__always)
    func direction(of segment: UnsafePointer<TCPSegment>, sourceFold: UInt64) -> FlowDirection {
        guard key.lowerFold != key.upperFold else { return direction(of: segment.pointee) }
        return (sourceFold == key.lowerFold) == clientIsLower ? .clientToServer : .serverToClient
    }

    /// Feeds one segment, read where it lies, whose source folds to `sourceFold`. The reassembler
    /// keeps its total of held bytes in step with ``heldBytes``.
    func process(_ pointer: UnsafePointer<TCPSegment>, sourceFold: UInt64) {
        let direction = self.direction(of: pointer, sourceFold: sourceFold)
        // Only the fields used are loaded: the segment is not copied.
        let segment = pointer.pointee
        let index = direction.rawValue
        let time = segment.timestamp
        if lastTime < time { lastTime = time }
        halves[index].statistics.packets += 1

        let isSyn = segment.flags.contains(.syn)
        if isSyn, !halves[index].synchronized || halves[index].initialSequence == nil {
            if !halves[index].synchronized || halves[index].nextOffset == 0 && halves[index].held.isEmpty {
                // The SYN occupies one sequence number; data starts after it.
                halves[index].synchronize(at: segment.sequenceNumber &+ 1)
                halves[index].initialSequence = segment.sequenceNumber
            }
        }
        if !halves[index].synchronized {
            // Picked up mid-stream: the first sequence number seen is offset 0.
            halves[index].synchronize(at: segment.sequenceNumber)
        }

        let dataStart = halves[index].offset(of: segment.sequenceNumber) + (isSyn ? 1 : 0)
        // The ACK first: bytes of the other direction it proves received are delivered (or declared
        // lost) before this packet's own payload, so both directions reach the consumer in the order
        // the peers saw them (a request's lost tail before the response that followed it).
        if segment.flags.contains(.ack) {
            if !bothDirectionsSeen, missingDirection == nil {
                if halves[0].statistics.packets > 0, halves[1].statistics.packets > 0 {
                    bothDirectionsSeen = true
                } else {
                    noteAcknowledgment(segment.acknowledgmentNumber, from: direction, time: time)
                }
            }
            takeAcknowledgment(segment.acknowledgmentNumber, of: direction.reversed, time: time)
        }
        if segment.payloadLength > 0 {
            if halves[index].ended {
                // Data after the direction ended (FIN reached or RST) is not part of the stream.
                halves[index].statistics.retransmittedBytes += UInt64(segment.payloadLength)
            } else {
                accept(segment.payload, length: segment.payloadLength, at: dataStart, direction: direction, time: time)
            }
        }
        if segment.flags.contains(.fin) {
            halves[index].statistics.finSeen = true
            if halves[index].finOffset == nil {
                halves[index].finOffset = dataStart + Int64(segment.payloadLength)
            }
            endIfComplete(direction, time: time)
        }
        if segment.flags.contains(.rst) {
            if endReason == nil { endReason = .reset }
            if halves[index].resetOffset == nil { halves[index].resetOffset = dataStart + Int64(segment.payloadLength) }
            for side in FlowDirection.allCases { endDirection(side, time: time) }
        }
    }

    // MARK: - Accepting bytes

    /// Places `length` bytes (the first `payload.count` captured) at stream offset `start`.
    @inline(__always)
    private func accept(
        _ payload: UnsafeRawBufferPointer,
        length: Int,
        at start: Int64,
        direction: FlowDirection,
        time: CaptureTimestamp) {
        let index = direction.rawValue
        if takesShortcuts, start == halves[index].nextOffset, length == payload.count, halves[index].held.isEmpty {
            // In order, whole and with nothing held (nearly every segment): all of it is new and
            // goes out as it is; what the general path concludes for it, without its bookkeeping.
            deliverData(payload, direction: direction, time: time)
            endIfComplete(direction, time: time)
            return
        }
        acceptInGeneral(payload, length: length, at: start, direction: direction, time: time)
    }

    /// ``accept(_:length:at:direction:time:)`` for any segment: out of order, overlapping, cut by
    /// the snapshot length, or arriving while bytes are held.
    @inline(never)
    private func acceptInGeneral(
        _ payload: UnsafeRawBufferPointer,
        length: Int,
        at start: Int64,
        direction: FlowDirection,
        time: CaptureTimestamp) {
        let index = direction.rawValue
        let end = start + Int64(length)
        let next = halves[index].nextOffset
        if takesShortcuts, start == next, halves[index].held.isEmpty {
            // In order with nothing held: all of it is new and goes out as it is (the part past the
            // captured bytes as a gap); what the general path below concludes for it.
            deliverPart(of: payload, startingAt: start, range: start..<end, direction: direction, time: time)
            endIfComplete(direction, time: time)
            return
        }
        if end <= next {
            halves[index].statistics.retransmittedBytes += UInt64(length)
            return
        }
        // Trim what was already delivered; those bytes cannot be compared any more (not kept).
        var seen = 0
        var trimmedStart = start
        var captured = payload
        if start < next {
            let already = Int(next - start)
            seen += already
            captured = UnsafeRawBufferPointer(rebasing: payload[min(already, payload.count)...])
            trimmedStart = next
        }
        let outcome: (new: Int, seen: Int, conflicting: Int)
        if trimmedStart == next {
            outcome = mergeInOrder(captured, range: trimmedStart..<end, direction: direction, time: time)
        } else {
            outcome = insertHeld(captured, range: trimmedStart..<end, direction: direction)
        }
        seen += outcome.seen
        if outcome.new == 0 {
            halves[index].statistics.retransmittedBytes += UInt64(seen)
        } else {
            halves[index].statistics.overlapBytes += UInt64(seen)
        }
        halves[index].statistics.conflictingBytes += UInt64(outcome.conflicting)
        drainHeld(direction, time: time)
        endIfComplete(direction, time: time)
    }

    /// Delivers an in-order segment, giving way to held bytes that arrived first (first copy wins).
    private func mergeInOrder(
        _ captured: UnsafeRawBufferPointer,
        range: Range<Int64>,
        direction: FlowDirection,
        time: CaptureTimestamp) -> (new: Int, seen: Int, conflicting: Int) {
        let index = direction.rawValue
        let start = range.lowerBound
        var cursor = start
        var new = 0
        var seen = 0
        var conflicting = 0
        while cursor < range.upperBound {
            if let first = halves[index].held.first, first.offset <= cursor {
                let held = popHeld(direction)
                let overlapEnd = min(held.end, range.upperBound)
                seen += Int(overlapEnd - cursor)
                conflicting += held.bytes.withUnsafeBytes {
                    conflictingByteCount($0, at: held.offset, captured, at: start, in: cursor..<overlapEnd)
                }
                deliverHeld(held, direction: direction, time: time)
                cursor = halves[index].nextOffset
            } else {
                let boundary = min(range.upperBound, halves[index].held.first?.offset ?? range.upperBound)
                deliverPart(of: captured, startingAt: start, range: cursor..<boundary, direction: direction, time: time)
                new += Int(boundary - cursor)
                cursor = boundary
            }
        }
        return (new, seen, conflicting)
    }

    /// Copies the parts of an out-of-order segment not already held; held bytes win on overlap.
    private func insertHeld(
        _ captured: UnsafeRawBufferPointer,
        range: Range<Int64>,
        direction: FlowDirection) -> (new: Int, seen: Int, conflicting: Int) {
        let index = direction.rawValue
        let start = range.lowerBound
        var position = halves[index].firstHeldIndex(endingAfter: start)
        var cursor = start
        var new = 0
        var seen = 0
        var conflicting = 0
        while cursor < range.upperBound {
            if position < halves[index].held.count, halves[index].held[position].offset <= cursor {
                let held = halves[index].held[position]
                let overlapEnd = min(held.end, range.upperBound)
                seen += Int(overlapEnd - cursor)
                conflicting += held.bytes.withUnsafeBytes {
                    conflictingByteCount($0, at: held.offset, captured, at: start, in: cursor..<overlapEnd)
                }
                cursor = overlapEnd
                position += 1
            } else {
                let nextHeld = position < halves[index].held.count ? halves[index].held[position].offset : range.upperBound
                let boundary = min(range.upperBound, nextHeld)
                let capturedEnd = start + Int64(captured.count)
                let copyEnd = min(boundary, max(cursor, capturedEnd))
                // Past the captured bytes (cut by the snapshot length) there is nothing to copy, and
                // slicing there would start past the buffer's end: the piece is held by length only.
                let bytes = cursor < capturedEnd ? Array(captured[Int(cursor - start)..<Int(copyEnd - start)]) : []
                let piece = HeldSegment(offset: cursor, bytes: bytes, length: Int(boundary - cursor))
                halves[index].held.insert(piece, at: position)
                halves[index].heldBytes += bytes.count
                new += piece.length
                position += 1
                cursor = boundary
            }
        }
        return (new, seen, conflicting)
    }

    // MARK: - Delivering

    /// Delivers `range` of a segment whose captured bytes start at stream offset `start`; the part
    /// past the captured bytes becomes a gap of uncaptured bytes.
    private func deliverPart(
        of captured: UnsafeRawBufferPointer,
        startingAt start: Int64,
        range: Range<Int64>,
        direction: FlowDirection,
        time: CaptureTimestamp
    ) {
        guard !range.isEmpty else { return }
        let capturedEnd = start + Int64(captured.count)
        if range.lowerBound < capturedEnd {
            let upper = min(range.upperBound, capturedEnd)
            let slice = UnsafeRawBufferPointer(rebasing: captured[Int(range.lowerBound - start)..<Int(upper - start)])
            deliverData(slice, direction: direction, time: time)
        }
        let uncaptured = range.upperBound - max(range.lowerBound, capturedEnd)
        if uncaptured > 0 { deliverGap(Int(uncaptured), direction: direction, time: time, uncaptured: true) }
    }

    private func deliverHeld(_ held: HeldSegment, direction: FlowDirection, time: CaptureTimestamp) {
        let index = direction.rawValue
        // Held bytes may start before nextOffset only if an overlapping copy was delivered first,
        // which insertHeld prevents; skip defensively rather than deliver twice.
        let skip = max(0, halves[index].nextOffset - held.offset)
        guard skip < Int64(held.length) else { return }
        held.bytes.withUnsafeBytes { bytes in
            deliverPart(of: bytes, startingAt: held.offset, range: (held.offset + skip)..<held.end,
                        direction: direction, time: time)
        }
    }

    @inline(__always)
    private func deliverData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, time: CaptureTimestamp) {
        guard !bytes.isEmpty else { return }
        let index = direction.rawValue
        consumer?.streamData(bytes, direction: direction, offset: UInt64(halves[index].nextOffset), time: time)
        halves[index].statistics.payloadBytes += UInt64(bytes.count)
        halves[index].advance(by: bytes.count)
    }

    private func deliverGap(_ length: Int, direction: FlowDirection, time: CaptureTimestamp, uncaptured: Bool) {
        guard length > 0 else { return }
        let index = direction.rawValue
        consumer?.streamGap(length: UInt64(length), direction: direction, offset: UInt64(halves[index].nextOffset),
                            time: time)
        halves[index].statistics.gapBytes += UInt64(length)
        halves[index].statistics.gaps += 1
        let acknowledgedPart = min(Int64(length), halves[index].acknowledgedOffset - halves[index].nextOffset)
        if !uncaptured, acknowledgedPart > 0 { halves[index].statistics.acknowledgedGapBytes += UInt64(acknowledgedPart) }
        if uncaptured { halves[index].statistics.uncapturedBytes += UInt64(length) }
        halves[index].advance(by: length)
    }

    private func popHeld(_ direction: FlowDirection) -> HeldSegment {
        let index = direction.rawValue
        let held = halves[index].held.removeFirst()
        halves[index].heldBytes -= held.bytes.count
        return held
    }

    /// Delivers held segments that have become contiguous with the stream.
    private func drainHeld(_ direction: FlowDirection, time: CaptureTimestamp) {
        let index = direction.rawValue
        while let first = halves[index].held.first, first.offset <= halves[index].nextOffset {
            let held = popHeld(direction)
            deliverHeld(held, direction: direction, time: time)
        }
    }

    // MARK: - Holes, ends

    /// Declares the first hole of a direction a gap and delivers what follows it.
    /// - Returns: `false` when nothing was held.
    @discardableResult
    func skipFirstHole(_ direction: FlowDirection, time: CaptureTimestamp) -> Bool {
        let index = direction.rawValue
        guard let first = halves[index].held.first else { return false }
        if halves[index].ended {
            // Bytes held past the FIN: the direction ended before them, so they are not part of the
            // stream (counted like data after the end in `process`); released, never delivered.
            let held = popHeld(direction)
            halves[index].statistics.retransmittedBytes += UInt64(held.length)
            return true
        }
        deliverGap(Int(first.offset - halves[index].nextOffset), direction: direction, time: time, uncaptured: false)
        drainHeld(direction, time: time)
        endIfComplete(direction, time: time)
        return true
    }

    /// Proves a one-sided capture: while the other direction has no packet at all, this one's
    /// acknowledgment number moved forward, so the peer sent bytes the capture lacks. (A first packet
    /// with an ACK proves nothing: the capture may have started mid-connection, before the peer spoke.)
    private func noteAcknowledgment(_ acknowledgment: UInt32, from direction: FlowDirection, time: CaptureTimestamp) {
        let index = direction.rawValue
        guard halves[1 - index].statistics.packets == 0 else { return }
        guard let first = firstLoneAcknowledgment[index] else {
            firstLoneAcknowledgment[index] = acknowledgment
            return
        }
        // Forward within a window's reach; `&-` is the intended modular distance.
        let advance = Int64(Int32(bitPattern: acknowledgment &- first))
        guard advance > 0, advance <= Self.maxAcknowledgedJump else { return }
        missingDirection = direction.reversed
        consumer?.directionNotCaptured(direction.reversed, time: time)
    }

    /// The furthest an acknowledgment may reach past the delivery point and still be believed: the
    /// largest TCP window (65,535 << 14, RFC 7323 §2.3). A larger jump is a corrupt or unrelated ACK
    /// number, not proof of lost bytes.
    static let maxAcknowledgedJump: Int64 = 65_535 << 14

    /// What ``skipHolesAcknowledged(by:direction:time:)`` does, its common cases in line: most
    /// ACKs acknowledge nothing new, and most of the others only bytes already delivered, which
    /// are counted with nothing to skip (with shortcuts; tests compare with the general path).
    @inline(__always)
    private func takeAcknowledgment(_ acknowledgment: UInt32, of direction: FlowDirection, time: CaptureTimestamp) {
        let index = direction.rawValue
        guard halves[index].synchronized, !halves[index].ended else { return }
        let acknowledged = halves[index].offset(of: acknowledgment)
        let before = halves[index].acknowledgedOffset
        guard acknowledged > before else { return }
        if takesShortcuts, acknowledged <= halves[index].nextOffset, halves[index].finOffset == nil {
            // Offsets start at 0 and the stored offset never goes below it: the difference is positive.
            halves[index].statistics.acknowledgedBytes += UInt64(acknowledged - before)
            halves[index].acknowledgedOffset = acknowledged
            return
        }
        skipHolesAcknowledged(by: acknowledgment, direction: direction, time: time)
    }

    /// The receiver acknowledged bytes up to `acknowledgment`: it has them, so they will never be
    /// sent again and any of them the capture lacks is lost for good (Zeek's rule). Holes before
    /// held bytes become gaps and the held bytes are delivered; a hole at the tail, past everything
    /// captured, becomes a gap too. One sequence number past the data may be a FIN the capture
    /// missed, so a tail of one byte waits for more evidence (data beyond it, or the connection's end).
    private func skipHolesAcknowledged(
        by acknowledgment: UInt32,
        direction: FlowDirection,
        time: CaptureTimestamp) {
        let index = direction.rawValue
        guard halves[index].synchronized, !halves[index].ended else { return }
        var acknowledged = halves[index].offset(of: acknowledgment)
        // Most ACKs acknowledge what an earlier one did, or delivered bytes only: nothing to skip.
        guard acknowledged > halves[index].acknowledgedOffset else { return }
        let next = halves[index].nextOffset
        guard acknowledged - next <= Self.maxAcknowledgedJump else { return }
        if let fin = halves[index].finOffset { acknowledged = min(acknowledged, fin) }
        if acknowledged > halves[index].acknowledgedOffset {
            // Offsets start at 0 and the stored offset never goes below it: the difference is positive.
            halves[index].statistics.acknowledgedBytes += UInt64(acknowledged - halves[index].acknowledgedOffset)
            halves[index].acknowledgedOffset = acknowledged
        }
        guard acknowledged > next else { return }
        while let first = halves[index].held.first, first.offset <= acknowledged {
            skipFirstHole(direction, time: time)
            if halves[index].ended { return }
        }
        let tail = acknowledged - halves[index].nextOffset
        if tail > 1 || tail == 1 && halves[index].finOffset != nil {
            deliverGap(Int(tail), direction: direction, time: time, uncaptured: false)
            endIfComplete(direction, time: time)
        }
    }

    /// Ends a direction once everything up to its FIN was delivered.
    private func endIfComplete(_ direction: FlowDirection, time: CaptureTimestamp) {
        let index = direction.rawValue
        guard !halves[index].ended, let fin = halves[index].finOffset, halves[index].nextOffset >= fin else { return }
        markEnded(direction, time: time)
    }

    /// Ends a direction now: holes become gaps, held bytes are delivered, bytes missing before a
    /// FIN or RST become a final gap (the sender had sent them), and the consumer is told.
    func endDirection(_ direction: FlowDirection, time: CaptureTimestamp) {
        let index = direction.rawValue
        while skipFirstHole(direction, time: time) {}
        if !halves[index].ended {
            let end = max(halves[index].finOffset ?? 0, halves[index].resetOffset ?? 0)
            if end > halves[index].nextOffset {
                deliverGap(Int(end - halves[index].nextOffset), direction: direction, time: time, uncaptured: false)
            }
            markEnded(direction, time: time)
        }
    }

    private func markEnded(_ direction: FlowDirection, time: CaptureTimestamp) {
        halves[direction.rawValue].ended = true
        consumer?.streamEnded(direction: direction, time: time)
        if halves[0].ended, halves[1].ended, !isClosing {
            phase = .closing(since: time)
            if endReason == nil, halves[0].statistics.finSeen, halves[1].statistics.finSeen { endReason = .fin }
        }
    }

    /// Ends both directions and returns the final summary; the connection is then dropped.
    func close(reason: ConnectionEnd) -> ConnectionSummary {
        consumer?.connectionRemoving(reason: endReason ?? reason)
        for direction in FlowDirection.allCases { endDirection(direction, time: lastTime) }
        var summary = ConnectionSummary(
            info: info,
            lastTime: lastTime,
            clientToServer: halves[0].statistics,
            serverToClient: halves[1].statistics,
            end: endReason ?? reason
        )
        summary.missingDirection = missingDirection
        consumer?.connectionClosed(summary)
        return summary
    }
}
