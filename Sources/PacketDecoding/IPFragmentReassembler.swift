import AnalyzerCore

/// What the reassembler did with one fragment.
enum ReassemblyResult {
    /// Held (or dropped by a limit, which is counted and reported): nothing to decode yet.
    case held
    /// The datagram is complete: a whole IP datagram in the reassembler's buffer, valid until the next call.
    case complete(UnsafeRawBufferPointer)
    /// The fragment contradicts itself or its datagram; what happened is counted.
    case rejected(MalformedReason)
}

/// Reassembles IPv4 and IPv6 datagrams from fragments, within ``Limits/IPFragments``.
///
/// Fragments are copied (the one place the decoder copies packet bytes), in any order, with duplicates
/// and overlaps: the first copy of a byte wins and a differing later copy is counted. A complete
/// datagram is written into one buffer the reassembler owns and reuses, with its header rewritten to
/// describe the whole datagram (IPv4: total length set, More Fragments and offset cleared; IPv6: the
/// payload length set and the Fragment header's Next Header put in the fixed header, so extension
/// headers before the Fragment header are left out).
final class IPFragmentReassembler {
    /// Largest IPv4 datagram, header included.
    static let maxIPv4DatagramLength = 65_535
    /// Largest IPv6 datagram: the fixed header plus the largest payload length.
    static let maxIPv6DatagramLength = 65_535 + IPv6Header.fixedLength

    /// The kinds of limit, each reported once.
    private enum LimitKind: CaseIterable {
        case datagramsInProgress, bytesHeld, fragmentsPerDatagram
    }

    private let maxDatagrams: Int
    private let maxBytes: Int
    private let maxFragments: Int
    private let timeoutSeconds: Int64
    private let findings: (any FindingSink)?
    // Per-packet state: `@exclusivity(unchecked)` drops the runtime exclusivity check (a call
    // costing ~300 instructions per access; see docs/performance.md). Sound here: only this
    // object's own methods touch these properties, on one thread, and no callee can reach back.
    @exclusivity(unchecked) private var datagrams: [FragmentKey: PendingDatagram] = [:]
    @exclusivity(unchecked) private var bytesHeld = 0
    private var nextSequence: UInt64 = 0
    @exclusivity(unchecked) private var lastSweepSecond: Int64?
    private var reportedLimits: Set<LimitKind> = []
    /// The reassembled-datagram buffer, allocated on first use and reused.
    private var output: UnsafeMutableRawBufferPointer?

    /// Creates an empty reassembler; negative limits count as zero.
    init(limits: Limits.IPFragments, findings: (any FindingSink)?) {
        maxDatagrams = max(0, limits.maxDatagramsInProgress)
        maxBytes = max(0, limits.maxBytesHeld)
        maxFragments = max(0, limits.maxFragmentsPerDatagram)
        timeoutSeconds = max(0, limits.timeoutSeconds)
        self.findings = findings
    }

    deinit { output?.deallocate() }

    /// Datagrams waiting for fragments.
    var datagramsInProgress: Int { datagrams.count }

    /// Fragment bytes held across all datagrams in progress.
    var fragmentBytesHeld: Int { bytesHeld }

    /// Adds one fragment received at `time`.
    func add(
        _ fragment: IPFragment, at time: CaptureTimestamp, statistics: inout DecodeStatistics
    ) -> ReassemblyResult {
        // The offset field is 13 bits of 8-byte units and the data at most 64 KiB: no overflow.
        let end = fragment.offset + fragment.data.count
        let maxPayload = fragment.key.isV6
            ? Self.maxIPv6DatagramLength - IPv6Header.fixedLength
            : Self.maxIPv4DatagramLength - 20
        guard end <= maxPayload else { return .rejected(.fragmentOffset) }
        // RFC 8200 §4.5 requires it of IPv6; for IPv4 offsets are in 8-byte units, so the same holds.
        guard fragment.isLast || fragment.data.count % 8 == 0 else { return .rejected(.fragmentLength) }

        let key = fragment.key
        if let existing = datagrams[key], isExpired(existing, now: time) {
            remove(key)
            statistics.fragmentDatagramsExpired += 1
        }
        let datagram: PendingDatagram
        if let existing = datagrams[key] {
            datagram = existing
        } else {
            guard makeRoomForNewDatagram(at: time, statistics: &statistics) else { return .held }
            datagram = PendingDatagram(sequence: nextSequence, firstSeen: time)
            nextSequence &+= 1  // One per fragment at most: a UInt64 does not wrap in any capture.
            datagrams[key] = datagram
        }

        datagram.fragmentCount += 1
        if datagram.fragmentCount > maxFragments {
            remove(key)
            statistics.fragmentDatagramsDropped += 1
            report(.fragmentsPerDatagram, at: time) {
                "IP datagram \(key) arrived in more than \(self.maxFragments) fragments "
                    + "(the limit, maxFragmentsPerDatagram); dropped it. Later drops are counted, not reported."
            }
            return .held
        }

        // The end is fixed by the first last fragment; anything that disagrees ends the datagram.
        let endConflict = fragment.isLast
            ? (datagram.payloadLength.map { $0 != end } ?? false) || datagram.highestEnd > end
            : datagram.payloadLength.map { end > $0 } ?? false
        if endConflict {
            remove(key)
            statistics.fragmentDatagramsRejected += 1
            return .rejected(.fragmentEndConflict)
        }

        let newHeader = fragment.offset == 0 && datagram.header == nil
        let incoming = fragment.data.count + (newHeader ? fragment.header.count : 0)
        if bytesHeld + incoming > maxBytes {
            guard makeRoomForBytes(incoming, keeping: key, at: time, statistics: &statistics) else { return .held }
        }

        let (added, conflict) = datagram.insert(offset: fragment.offset, data: fragment.data)
        if newHeader {
            datagram.header = Array(fragment.header)
            datagram.nextHeader = fragment.nextHeader
        }
        if fragment.isLast { datagram.payloadLength = end }
        bytesHeld += added + (newHeader ? fragment.header.count : 0)
        if conflict { statistics.fragmentOverlapConflicts += 1 }

        if datagram.isComplete {
            remove(key)
            return assemble(datagram, isV6: key.isV6, statistics: &statistics)
        }
        return conflict ? .rejected(.fragmentOverlapConflict) : .held
    }

    /// Drops every datagram whose first fragment is more than the timeout older than `now`.
    func expire(now: CaptureTimestamp, statistics: inout DecodeStatistics) {
        guard datagrams.values.contains(where: { isExpired($0, now: now) }) else { return }
        for (key, datagram) in datagrams where isExpired(datagram, now: now) {
            remove(key)
            statistics.fragmentDatagramsExpired += 1
        }
    }

    /// Runs ``expire(now:statistics:)`` at most once per capture second, and only while datagrams are
    /// in progress, so that the normal path pays one comparison. (`add` also checks the datagram it touches.)
    func expireIfDue(now: CaptureTimestamp, statistics: inout DecodeStatistics) {
        guard !datagrams.isEmpty, lastSweepSecond != now.seconds else { return }
        lastSweepSecond = now.seconds
        expire(now: now, statistics: &statistics)
    }

    private func isExpired(_ datagram: PendingDatagram, now: CaptureTimestamp) -> Bool {
        datagram.firstSeen.adding(seconds: timeoutSeconds) < now
    }

    private func remove(_ key: FragmentKey) {
        guard let datagram = datagrams.removeValue(forKey: key) else { return }
        bytesHeld -= datagram.bytesHeld
    }

    /// The oldest datagram other than `excluded`, by creation order.
    private func oldestKey(excluding excluded: FragmentKey?) -> FragmentKey? {
        var oldest: (key: FragmentKey, sequence: UInt64)?
        for (key, datagram) in datagrams where key != excluded {
            if oldest.map({ datagram.sequence < $0.sequence }) ?? true { oldest = (key, datagram.sequence) }
        }
        return oldest?.key
    }

    /// Drops the oldest datagrams until a new one fits; `false` when none may be held at all.
    private func makeRoomForNewDatagram(at time: CaptureTimestamp, statistics: inout DecodeStatistics) -> Bool {
        guard datagrams.count >= maxDatagrams else { return true }
        let inProgress = datagrams.count
        var dropped = 0
        while datagrams.count >= maxDatagrams, let victim = oldestKey(excluding: nil) {
            remove(victim)
            dropped += 1
        }
        // With a limit of 0 the new datagram itself cannot be held: count it as dropped too.
        let fits = datagrams.count < maxDatagrams
        if !fits { dropped += 1 }
        statistics.fragmentDatagramsDropped += dropped
        report(.datagramsInProgress, at: time) {
            "IP fragment reassembly had \(inProgress) datagrams in progress "
                + "(limit \(self.maxDatagrams), maxDatagramsInProgress); "
                + "dropped \(dropped), oldest first. Later drops are counted, not reported."
        }
        return fits
    }

    /// Drops the oldest other datagrams until `incoming` more bytes fit; if even that is not enough,
    /// drops the datagram `key` too and returns `false`.
    private func makeRoomForBytes(
        _ incoming: Int, keeping key: FragmentKey, at time: CaptureTimestamp, statistics: inout DecodeStatistics
    ) -> Bool {
        let heldBefore = bytesHeld
        var dropped = 0
        // A datagram that cannot fit even alone is dropped without flushing the others.
        let fits = (datagrams[key]?.bytesHeld ?? 0) + incoming <= maxBytes
        if fits {
            while bytesHeld + incoming > maxBytes, let victim = oldestKey(excluding: key) {
                remove(victim)
                dropped += 1
            }
        } else {
            remove(key)
            dropped += 1
        }
        statistics.fragmentDatagramsDropped += dropped
        report(.bytesHeld, at: time) {
            "IP fragment reassembly held \(heldBefore) bytes and a fragment of \(incoming) more would pass "
                + "the limit of \(self.maxBytes) (maxBytesHeld); dropped \(dropped) datagram(s), oldest first. "
                + "Later drops are counted, not reported."
        }
        return fits
    }

    private func report(_ kind: LimitKind, at time: CaptureTimestamp, message: () -> String) {
        guard let findings, !reportedLimits.contains(kind) else { return }
        reportedLimits.insert(kind)
        findings.report(Finding(code: .limitIPFragments, severity: .notice, time: time, message: message()))
    }

    /// Writes a complete datagram into the output buffer with its header rewritten.
    private func assemble(
        _ datagram: PendingDatagram, isV6: Bool, statistics: inout DecodeStatistics
    ) -> ReassemblyResult {
        guard let header = datagram.header, let payloadLength = datagram.payloadLength else {
            return .rejected(.fragmentEndConflict)  // Unreachable: only complete datagrams come here.
        }
        // header.count <= 60 and payloadLength <= 65_535: no overflow.
        let total = header.count + payloadLength
        guard total <= (isV6 ? Self.maxIPv6DatagramLength : Self.maxIPv4DatagramLength) else {
            statistics.fragmentDatagramsRejected += 1
            return .rejected(.fragmentOffset)
        }
        let buffer = outputBuffer()
        buffer.copyBytes(from: header)
        for piece in datagram.pieces {
            piece.bytes.withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(rebasing: buffer[(header.count + piece.offset)...]).copyBytes(from: bytes)
            }
        }
        if isV6 {
            // `payloadLength` is at most 65_535 (checked on arrival of every fragment): it fits 16 bits.
            buffer.storeBytes(of: UInt16(truncatingIfNeeded: payloadLength).bigEndian, toByteOffset: 4, as: UInt16.self)
            buffer[6] = datagram.nextHeader
        } else {
            // `total` was checked to fit 16 bits just above.
            buffer.storeBytes(of: UInt16(truncatingIfNeeded: total).bigEndian, toByteOffset: 2, as: UInt16.self)
            buffer[6] &= 0x40  // Keep Don't Fragment; clear More Fragments, the reserved bit and the offset.
            buffer[7] = 0
        }
        statistics.datagramsReassembled += 1
        return .complete(UnsafeRawBufferPointer(rebasing: buffer[0..<total]))
    }

    private func outputBuffer() -> UnsafeMutableRawBufferPointer {
        if let output { return output }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.maxIPv6DatagramLength, alignment: 8)
        output = buffer
        return buffer
    }
}
