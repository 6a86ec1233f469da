import AnalyzerCore

/// Reassembles the TCP connections of a capture into ordered byte streams with marked gaps.
///
/// Feed it every TCP segment in capture order with ``process(_:)`` and call ``finish()`` at the end
/// of the capture. For each connection it asks the factory for a ``StreamConsumer`` and delivers
/// both directions through it; in-order bytes go straight from the packet, out-of-order bytes are
/// copied and held (bounded by ``Limits/Reassembly``) until the hole before them fills, the receiver
/// acknowledges past the hole, a limit is hit, or the connection ends, when the hole becomes a gap.
/// Retransmitted and overlapping bytes are trimmed so that every byte is delivered once, first
/// copy winning. Time is capture time only: idle connections expire by packet timestamps.
public final class TCPReassembler {
    private let limits: Limits.Reassembly
    private let factory: (any StreamConsumerFactory)?
    private let findings: (any FindingSink)?
    // Per-packet state: `@exclusivity(unchecked)` drops the runtime exclusivity check (a call
    // costing ~300 instructions per access; see docs/performance.md). Sound here: only this
    // object's own methods touch these properties, on one thread, and no callee can reach back.
    private let table = ConnectionTable()
    @exclusivity(unchecked) private var nextConnectionID = 1
    @exclusivity(unchecked) private var heldTotal = 0
    @exclusivity(unchecked) private var clock = CaptureTimestamp.zero
    @exclusivity(unchecked) private var lastSweep: CaptureTimestamp?
    /// When the next expiry sweep is due (`lastSweep` plus the interval; the epoch until the first
    /// packet, which sets `lastSweep`): the capture clock is compared with it once a packet.
    @exclusivity(unchecked) private var nextSweep = CaptureTimestamp.zero
    /// Checks, in debug builds, that no consumer calls back into the reassembler (what makes the
    /// unchecked state above sound).
    @exclusivity(unchecked) private var reentry = ReentryGuard()
    private var totalLimitReported = false
    /// Passed to every connection (see ``init(limits:factory:findings:shortcuts:)``).
    private let takesShortcuts: Bool
    private var connectionLimitReported = false
    /// Recently used connections, direct-mapped by ``ConnectionKey/cacheSlot``: most packets find
    /// their connection here without hashing the key for the table.
    /// Unretained, in memory of its own: a strong reference read out of an array cost a retain and
    /// a release per packet. Sound because the table holds every connection in the cache and
    /// ``remove(_:reason:)``, the only way out of the table, clears the connection's slot; no
    /// removal happens while a packet is fed to a connection read from here.
    private let recent: UnsafeMutablePointer<Unmanaged<TCPConnection>?>

    /// Counters so far.
    @exclusivity(unchecked) public private(set) var statistics = ReassemblyStatistics()

    /// Creates a reassembler.
    /// - Parameters:
    ///   - limits: the bounds on connections and held bytes.
    ///   - factory: makes a consumer per connection and hears every connection's summary.
    ///   - findings: where `limit-*` findings go.
    public convenience init(
        limits: Limits.Reassembly = .init(),
        factory: (any StreamConsumerFactory)?,
        findings: (any FindingSink)? = nil
    ) {
        self.init(limits: limits, factory: factory, findings: findings, shortcuts: true)
    }

    /// A reassembler whose connections, without `shortcuts`, take the general path for every
    /// in-order segment (tests compare the two).
    init(limits: Limits.Reassembly, factory: (any StreamConsumerFactory)?, findings: (any FindingSink)?, shortcuts: Bool) {
        takesShortcuts = shortcuts
        self.limits = limits
        self.factory = factory
        self.findings = findings
        recent = .allocate(capacity: ConnectionKey.cacheSlots)
        recent.initialize(repeating: nil, count: ConnectionKey.cacheSlots)
    }

    deinit { recent.deallocate() }

    /// Connections currently tracked (including ones lingering after their close).
    public var activeConnections: Int { table.count }

    /// Out-of-order bytes currently held, all connections together.
    public var heldBytes: Int { heldTotal }

    /// Processes one segment (in capture order).
    public func process(_ segment: TCPSegment) {
        withUnsafePointer(to: segment) { process(segmentAt: $0) }
    }

    /// Processes the segment at `segment` (in capture order) where it lies: ``process(_:)`` for a
    /// caller whose segment is in memory already (the analysing thread's hand-off ring), which
    /// passing it by value copied for the call.
    public func process(segmentAt segment: UnsafePointer<TCPSegment>) {
        process(segmentAt: segment, folds: SegmentFolds(of: segment))
    }

    /// ``process(segmentAt:)`` given the segment's `folds` (``SegmentFolds/init(of:)`` of it),
    /// worked out ahead: the threaded run does that on the reading thread.
    public func process(segmentAt segment: UnsafePointer<TCPSegment>, folds: SegmentFolds) {
        reentry.enter("TCPReassembler.process")
        defer { reentry.leave() }
        statistics.segments += 1
        let time = segment.pointee.timestamp
        if clock < time { clock = time }
        // Checked here, not in the call: nearly every packet comes before the next sweep is due.
        if clock >= nextSweep { sweepIfDue() }

        let sourceFold = folds.source, destinationFold = folds.destination, slot = folds.slot
        // The common case: the connection found in the cache and borrowed, not retained.
        if let cached = recent[slot], cached._withUnsafeGuaranteedRef({
            feedIfCached(segment, sourceFold, destinationFold, to: $0)
        }) { return }
        feedUncached(segment, sourceFold: sourceFold, slot: slot)
    }

    /// Feeds `segment` (its source folded as given) to its connection from the table, or a new
    /// one, and caches it in `slot`: out of line, so that the cached path above keeps a small frame.
    @inline(never)
    private func feedUncached(_ segment: UnsafePointer<TCPSegment>, sourceFold: UInt64, slot: Int) {
        let current = lookUpOrOpen(
            ConnectionKey(segment.pointee.source, segment.pointee.destination), segment: segment.pointee)
        recent[slot] = Unmanaged.passUnretained(current)
        feed(segment, sourceFold: sourceFold, to: current)
    }

    /// Feeds `segment` (its endpoints folded as given) to `cached` if it is the segment's
    /// connection and the segment does not start a new one; says whether it did.
    @inline(__always)
    private func feedIfCached(
        _ segment: UnsafePointer<TCPSegment>, _ sourceFold: UInt64, _ destinationFold: UInt64, to cached: TCPConnection
    ) -> Bool {
        guard cached.connects(segment.pointee.source, folded: sourceFold,
                              segment.pointee.destination, folded: destinationFold),
              !startsNewConnection(segment, replacing: cached)
        else { return false }
        feed(segment, sourceFold: sourceFold, to: cached)
        return true
    }

    /// Feeds `segment` (its source folded as given) to its connection and keeps the held bytes
    /// within the limits.
    @inline(__always)
    private func feed(_ segment: UnsafePointer<TCPSegment>, sourceFold: UInt64, to connection: TCPConnection) {
        let heldBefore = connection.heldBytes
        connection.process(segment, sourceFold: sourceFold)
        let change = connection.heldBytes - heldBefore
        // Most segments change nothing held: the total and its peak stay as they are.
        if change != 0 {
            heldTotal += change
            statistics.peakHeldBytes = max(statistics.peakHeldBytes, heldTotal)
        }
        // Checked here, not in the call: most connections hold nothing, most of the time.
        if heldLimitsExceeded(by: connection) {
            enforceHeldLimits(on: connection, time: segment.pointee.timestamp)
        }
    }

    /// The connection of `key` from the table, or a new one when there is none or `segment` starts
    /// a new connection on its addresses and ports (the old one is removed first).
    private func lookUpOrOpen(_ key: ConnectionKey, segment: TCPSegment) -> TCPConnection {
        if let existing = table.connection(for: key) {
            guard segment.flags.contains(.syn), !segment.flags.contains(.ack),
                  startsNewConnection(afterSYN: segment, replacing: existing)
            else { return existing }
            remove(existing, reason: .reused)
        }
        return open(key: key, first: segment)
    }

    /// Ends every connection as at the end of the capture: holes become gaps, held bytes are
    /// delivered, and each consumer hears its end. Connections close in the order they opened.
    public func finish() {
        reentry.enter("TCPReassembler.finish")
        defer { reentry.leave() }
        let remaining = table.connections.sorted { $0.info.id < $1.info.id }
        for connection in remaining { remove(connection, reason: .captureEnd) }
        reportCaptureLoss()
    }

    /// One `capture-loss` notice for the whole capture when receivers acknowledged bytes that the
    /// capture lacks (the capturing host dropped them, not the network): how many, and their share
    /// of the acknowledged bytes, per direction. Their streams have gaps there, so an analysis of
    /// them may be missing messages or body bytes.
    private func reportCaptureLoss() {
        let lost = statistics.acknowledgedGapBytes
        guard lost.contains(where: { $0 > 0 }) else { return }
        let parts = FlowDirection.allCases.map { direction in
            let missing = lost[direction.rawValue]
            let acknowledged = statistics.acknowledgedBytes[direction.rawValue]
            let share = acknowledged == 0 ? 0 : Double(missing) / Double(acknowledged) * 100
            let label = direction == .clientToServer ? "client to server" : "server to client"
            return "\(label) \(missing) of \(acknowledged) acknowledged bytes (\(Self.percent(share)))"
        }
        findings?.report(Finding(
            code: .captureLoss, severity: .notice, time: clock,
            message: "the capture lacks bytes the receivers acknowledged: " + parts.joined(separator: ", ")
                + "; the packets were dropped by the capture, not the network, and their bytes are gaps"
        ))
    }

    /// One `capture-one-sided` notice per connection whose capture holds one direction only.
    private func reportOneSided(_ summary: ConnectionSummary, missing: FlowDirection) {
        statistics.oneSidedConnections += 1
        let info = summary.info
        let (present, absent) = missing == .serverToClient ? ("client", "server") : ("server", "client")
        findings?.report(Finding(
            code: .captureOneSided, severity: .notice, connection: info.id, time: info.firstTime,
            message: "connection \(info.id) \(info.client) -> \(info.server): only the \(present)'s packets are in "
                + "the capture, none of the \(absent)'s (\(absent) to \(present) not captured: a tap or SPAN port "
                + "mirroring one direction?); what needs the \(absent)'s side is unknown, not reported"
        ))
    }

    /// A share with two decimals, e.g. `0.25%` (`<0.01%` when below that but not zero).
    private static func percent(_ value: Double) -> String {
        if value > 0 && value < 0.01 { return "<0.01%" }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)%"
    }

    // MARK: - Table

    /// A fresh SYN on a known key starts a new connection when the old one is closing, or when the
    /// SYN's initial sequence number differs from the one the old connection started with.
    @inline(__always)
    private func startsNewConnection(_ segment: UnsafePointer<TCPSegment>, replacing existing: TCPConnection) -> Bool {
        let flags = segment.pointee.flags
        guard flags.contains(.syn), !flags.contains(.ack) else { return false }
        return startsNewConnection(afterSYN: segment.pointee, replacing: existing)
    }

    /// ``startsNewConnection(_:replacing:)`` for a SYN without ACK: out of line, as SYNs are rare.
    @inline(never)
    private func startsNewConnection(afterSYN segment: TCPSegment, replacing existing: TCPConnection) -> Bool {
        if existing.isClosing { return true }
        let half = existing.halves[existing.direction(of: segment).rawValue]
        return half.initialSequence != segment.sequenceNumber
    }

    private func open(key: ConnectionKey, first segment: TCPSegment) -> TCPConnection {
        if table.count >= limits.maxConnections { evictLeastActive(time: segment.timestamp) }
        let flags = segment.flags
        let client: Endpoint
        let server: Endpoint
        if flags.contains(.syn) && !flags.contains(.ack) {
            (client, server) = (segment.source, segment.destination)
        } else if flags.contains(.syn) {
            (client, server) = (segment.destination, segment.source)
        } else if segment.destination.port > segment.source.port {
            (client, server) = (segment.destination, segment.source)
        } else {
            (client, server) = (segment.source, segment.destination)
        }
        let handshake = flags.contains(.syn)
        let info = ConnectionInfo(
            id: nextConnectionID, client: client, server: server, firstTime: segment.timestamp, handshakeSeen: handshake
        )
        nextConnectionID += 1
        statistics.connections += 1
        if !handshake { statistics.midstreamPickups += 1 }
        let connection = TCPConnection(
            key: key, info: info, consumer: factory?.makeConsumer(for: info), shortcuts: takesShortcuts)
        table.insert(connection)
        statistics.peakConnections = max(statistics.peakConnections, table.count)
        return connection
    }

    private func remove(_ connection: TCPConnection, reason: ConnectionEnd) {
        heldTotal -= connection.heldBytes  // Closing delivers or drops everything the connection held.
        let summary = connection.close(reason: reason)
        if let missing = summary.missingDirection { reportOneSided(summary, missing: missing) }
        for (index, direction) in [summary.clientToServer, summary.serverToClient].enumerated() {
            statistics.acknowledgedBytes[index] &+= direction.acknowledgedBytes
            statistics.acknowledgedGapBytes[index] &+= direction.acknowledgedGapBytes
        }
        table.remove(connection)
        if recent[connection.key.cacheSlot]?.toOpaque() == Unmanaged.passUnretained(connection).toOpaque() {
            recent[connection.key.cacheSlot] = nil
        }
        factory?.connectionClosed(summary: summary)
    }

    /// Makes room for an eighth of the table: first by removing the connections that already ended
    /// and only linger for late packets (as their linger would, without a notice), then, if that is
    /// not enough, by ending the least recently active open ones (`limit-connections`). Sorting once
    /// per eighth keeps the cost amortised O(log n) per connection.
    private func evictLeastActive(time: CaptureTimestamp) {
        let target = max(1, table.count / 8)
        let byActivity: (TCPConnection, TCPConnection) -> Bool = {
            $0.lastTime != $1.lastTime ? $0.lastTime < $1.lastTime : $0.info.id < $1.info.id
        }
        let ended = table.connections.filter(\.isClosing).sorted(by: byActivity)
        for connection in ended { remove(connection, reason: connection.endReason ?? .fin) }
        let needed = target - ended.count
        guard needed > 0 else { return }
        let open = table.connections.sorted(by: byActivity).prefix(needed)
        for connection in open { remove(connection, reason: .evicted) }
        statistics.connectionsEvicted += open.count
        if !connectionLimitReported {
            connectionLimitReported = true
            findings?.report(Finding(
                code: .limitConnections, severity: .notice, time: time,
                message: "connection table full at \(limits.maxConnections) connections (limit maxConnections); "
                    + "ended the \(open.count) least recently active; further evictions are counted in stats"
            ))
        }
    }

    // MARK: - Limits and expiry

    /// Runs `change` on `connection` and moves the reassembler-wide held total by what the
    /// connection's held bytes did (never passed `inout` across consumer calls: see performance.md).
    @discardableResult
    private func keepingHeldTotal<Result>(_ connection: TCPConnection, _ change: () -> Result) -> Result {
        let before = connection.heldBytes
        let result = change()
        heldTotal += connection.heldBytes - before
        return result
    }

    /// Whether `connection`, or all connections together, hold more than the limits allow.
    @inline(__always)
    private func heldLimitsExceeded(by connection: TCPConnection) -> Bool {
        connection.heldBytes > limits.maxHeldBytesPerConnection
            || connection.heldSegments > limits.maxHeldSegmentsPerConnection
            || heldTotal > limits.maxHeldBytesTotal
    }

    /// Skips holes of `connection` until it, and all connections together, hold no more than the
    /// limits allow; reports the first hit of each limit.
    private func enforceHeldLimits(on connection: TCPConnection, time: CaptureTimestamp) {
        if connection.heldBytes > limits.maxHeldBytesPerConnection
            || connection.heldSegments > limits.maxHeldSegmentsPerConnection
        {
            let before = (connection.heldBytes, connection.heldSegments)
            statistics.connectionLimitHits += 1
            while connection.heldBytes > limits.maxHeldBytesPerConnection
                || connection.heldSegments > limits.maxHeldSegmentsPerConnection
            {
                // Skip the hole of whichever direction holds more.
                let busier: FlowDirection = connection.halves[0].heldBytes >= connection.halves[1].heldBytes
                    && !connection.halves[0].held.isEmpty ? .clientToServer : .serverToClient
                if !keepingHeldTotal(connection, { connection.skipFirstHole(busier, time: time) }) { break }
            }
            if !connection.connectionLimitReported {
                connection.connectionLimitReported = true
                findings?.report(Finding(
                    code: .limitReassemblyConnection, severity: .notice, connection: connection.info.id, time: time,
                    message: "connection \(connection.info.id) held \(before.0) out-of-order bytes in \(before.1) segments "
                        + "(limits maxHeldBytesPerConnection \(limits.maxHeldBytesPerConnection), "
                        + "maxHeldSegmentsPerConnection \(limits.maxHeldSegmentsPerConnection)); the hole was declared a gap"
                ))
            }
        }
        if heldTotal > limits.maxHeldBytesTotal {
            let before = heldTotal
            statistics.totalLimitHits += 1
            keepingHeldTotal(connection) {
                for direction in FlowDirection.allCases {
                    while connection.skipFirstHole(direction, time: time) {}
                }
            }
            if !totalLimitReported {
                totalLimitReported = true
                findings?.report(Finding(
                    code: .limitReassemblyTotal, severity: .notice, connection: connection.info.id, time: time,
                    message: "\(before) out-of-order bytes held over all connections (limit maxHeldBytesTotal "
                        + "\(limits.maxHeldBytesTotal)); holes of connection \(connection.info.id) were declared gaps; "
                        + "further hits are counted in stats"
                ))
            }
        }
    }

    /// Runs the expiry sweep every `closeLingerSeconds` of capture time (at least one second).
    private func sweepIfDue() {
        let interval = max(1, limits.closeLingerSeconds)
        guard let last = lastSweep else {
            lastSweep = clock
            nextSweep = clock.adding(seconds: interval)
            return
        }
        guard clock >= last.adding(seconds: interval) else { return }
        lastSweep = clock
        nextSweep = clock.adding(seconds: interval)
        // Each with its id, read while the connection is loaded anyway: sorting by `info.id` loaded
        // two connection objects per comparison (cache misses with many connections in flight).
        var expired: [(id: Int, connection: TCPConnection, reason: ConnectionEnd)] = []
        table.forEach { connection in
            if case .closing(let since) = connection.phase, clock >= since.adding(seconds: limits.closeLingerSeconds) {
                expired.append((connection.info.id, connection, connection.endReason ?? .fin))
            } else if clock >= connection.lastTime.adding(seconds: limits.idleTimeoutSeconds) {
                expired.append((connection.info.id, connection, .idleTimeout))
            }
        }
        expired.sort { $0.id < $1.id }
        for (_, connection, reason) in expired { remove(connection, reason: reason) }
    }
}
