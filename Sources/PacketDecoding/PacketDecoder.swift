import AnalyzerCore

/// Decodes captured packets, link layer to TCP, and reassembles IP fragments on the way.
///
/// One decoder serves one capture (or one merged packet sequence): fragment state and statistics
/// carry across calls. Not thread-safe; a decoder belongs to one pipeline.
///
/// Decoding works in place on the packet's bytes. The normal path allocates nothing; only fragments
/// are copied, into buffers bounded by ``Limits/IPFragments``.
public final class PacketDecoder {
    // Per-packet state: `@exclusivity(unchecked)` drops the runtime exclusivity check (a call
    // costing ~300 instructions per access; see docs/performance.md). Sound here: only this
    // object's own methods touch these properties, on one thread, and no callee can reach back.
    /// Counters of everything decoded so far.
    @exclusivity(unchecked) public private(set) var statistics = DecodeStatistics()
    /// Checks, in debug builds, that no caller re-enters the decoder from inside a decode.
    @exclusivity(unchecked) private var reentry = ReentryGuard()
    /// The options of the segment in the last `.tcp` outcome (unspecified after other outcomes).
    @exclusivity(unchecked) public private(set) var lastTCPOptions = TCPOptions()

    private let reassembler: IPFragmentReassembler

    /// Creates a decoder.
    /// - Parameters:
    ///   - limits: bounds of IP fragment reassembly.
    ///   - findings: where hitting a fragment limit is reported (`limit-ip-fragments`); `nil` to only count.
    public convenience init(limits: Limits.IPFragments = .init(), findings: (any FindingSink)? = nil) {
        self.init(limits: limits, findings: findings, plainShortcut: true)
    }

    /// A decoder that, without `plainShortcut`, decodes every packet the general way (tests
    /// compare the two ways).
    init(limits: Limits.IPFragments = .init(), findings: (any FindingSink)? = nil, plainShortcut: Bool) {
        reassembler = IPFragmentReassembler(limits: limits, findings: findings)
        takesPlainShortcut = plainShortcut
    }

    /// Whether ``PlainTCPv4`` decodes the packets of its shape before the general path would.
    private let takesPlainShortcut: Bool

    /// IP datagrams waiting for missing fragments.
    public var fragmentDatagramsInProgress: Int { reassembler.datagramsInProgress }

    /// Fragment bytes held for datagrams in progress.
    public var fragmentBytesHeld: Int { reassembler.fragmentBytesHeld }

    /// Decodes one packet. A `.tcp` segment's payload borrows either the packet's bytes or a buffer
    /// owned by the decoder (a reassembled IP datagram); it is valid until the next decode call.
    public func decode(_ packet: CapturedPacket) -> DecodeOutcome {
        reentry.enter("PacketDecoder.decode")
        defer { reentry.leave() }
        statistics.packets += 1
        reassembler.expireIfDue(now: packet.timestamp, statistics: &statistics)
        let frame = FrameBytes(bytes: packet.bytes, originalLength: packet.originalLength)
        if takesPlainShortcut, packet.linkType == .ethernet,
           let segment = PlainTCPv4.decode(frame, timestamp: packet.timestamp, options: &lastTCPOptions) {
            statistics.tcpSegments += 1
            if lastTCPOptions.isMalformed { statistics.tcpOptionErrors += 1 }
            return .tcp(segment)
        }
        do throws(DecodeStop) {
            var end = frame.wireLength
            let first = try LinkLayerDecoder.firstLayer(in: frame, linkType: packet.linkType, end: &end)
            return try decodeLayers(first, end: end, in: frame, timestamp: packet.timestamp, reassembled: false)
        } catch {
            if case .unsupportedLinkType = error {
                statistics.undecodedEncapsulations.count(
                    UndecodedEncapsulation(.linkType, UInt32(truncatingIfNeeded: packet.linkType.rawValue)))
            }
            return outcome(for: error)
        }
    }

    /// Drops fragment state older than the timeout relative to `now` (capture time). Also done lazily
    /// inside ``decode(_:)``. Dropped datagrams are counted in ``DecodeStatistics/fragmentDatagramsExpired``.
    public func expireFragments(now: CaptureTimestamp) {
        reassembler.expire(now: now, statistics: &statistics)
    }

    private func outcome(for stop: DecodeStop) -> DecodeOutcome {
        switch stop {
        case .truncated:
            statistics.truncated += 1
            return .truncated
        case .malformed(let reason):
            statistics.malformed += 1
            return .malformed(reason)
        case .notIP:
            statistics.nonIP += 1
            return .notTCP
        case .notTCP:
            statistics.nonTCP += 1
            return .notTCP
        case .unsupportedLinkType:
            statistics.unsupportedLinkType += 1
            return .unsupportedLinkType
        case .fragmentHeld:
            statistics.fragmentsHeld += 1
            return .fragmentHeld
        case .undecoded(let encapsulation):
            statistics.undecoded += 1
            statistics.undecodedEncapsulations.count(encapsulation)
            return .undecoded(encapsulation)
        }
    }

    /// Decodes `first` and the layers nested in it, up to ``Encapsulation/maxDepth`` of them, until
    /// the innermost IP packet carrying TCP; `end` is where `first` ends on the wire. `reassembled`
    /// marks a datagram from the reassembler, which must not hold a fragment again.
    private func decodeLayers(
        _ first: Layer, end firstEnd: Int, in frame: FrameBytes, timestamp: CaptureTimestamp, reassembled: Bool
    ) throws(DecodeStop) -> DecodeOutcome {
        var layer = first
        var end = firstEnd
        for _ in 0..<Encapsulation.maxDepth {
            switch layer {
            case .ipv4(let offset):
                let header = try IPv4Header.parse(frame, at: offset, limit: end)
                let payloadStart = offset + header.headerLength
                end = offset + header.totalLength
                if header.isFragment {
                    guard !reassembled else { throw .malformed(.fragmentNested) }
                    statistics.ipFragments += 1
                    let fragment = IPFragment(
                        key: .v4(
                            source: header.source,
                            destination: header.destination,
                            protocolNumber: header.protocolNumber,
                            identification: header.identification
                        ),
                        offset: header.fragmentOffset,
                        data: try capturedWhole(frame, from: payloadStart, to: end),
                        isLast: !header.moreFragments,
                        header: try frame.slice(from: offset, to: payloadStart),
                        nextHeader: header.protocolNumber
                    )
                    return try reassemble(fragment, timestamp: timestamp)
                }
                if header.protocolNumber == IPv4Header.tcpProtocol {
                    let outcome = try decodeTCP(
                        frame, at: payloadStart, end: end, source: header.source, destination: header.destination,
                        timestamp: timestamp
                    )
                    if header.lengthFromCapture { statistics.offloadedSegments += 1 }
                    return outcome
                }
                layer = try TunnelDecoder.ipPayload(header.protocolNumber, frame, at: payloadStart, end: &end)
            case .ipv6(let offset):
                let header = try IPv6Header.parse(frame, at: offset, limit: end)
                end = header.payloadEnd
                switch try IPv6ExtensionWalker.walk(frame, header: header, start: offset) {
                case .tcp(let tcpStart):
                    return try decodeTCP(
                        frame, at: tcpStart, end: end, source: header.source,
                        destination: header.destination, timestamp: timestamp
                    )
                case .tunnel(let protocolNumber, let start):
                    layer = try TunnelDecoder.ipPayload(protocolNumber, frame, at: start, end: &end)
                case .fragment(let fragmentHeader):
                    guard !reassembled else { throw .malformed(.fragmentNested) }
                    statistics.ipFragments += 1
                    let fragment = IPFragment(
                        key: .v6(
                            source: header.source,
                            destination: header.destination,
                            identification: fragmentHeader.identification
                        ),
                        offset: fragmentHeader.offset,
                        data: try capturedWhole(frame, from: fragmentHeader.dataStart, to: end),
                        isLast: !fragmentHeader.moreFragments,
                        header: try frame.slice(from: offset, to: offset + IPv6Header.fixedLength),
                        nextHeader: fragmentHeader.nextHeader
                    )
                    return try reassemble(fragment, timestamp: timestamp)
                }
            case .ethernet(let offset):
                layer = try LinkLayerDecoder.ethernet(frame, at: offset, end: end)
            case .mpls(let offset):
                layer = try TunnelDecoder.mpls(frame, at: offset, end: end)
            }
        }
        throw .malformed(.encapsulationDepth)
    }

    /// A fragment's data, which must have been captured whole to be of use.
    /// - Throws: `.truncated` when the snapshot length cut it (the fragment is not held).
    private func capturedWhole(
        _ frame: FrameBytes, from start: Int, to end: Int
    ) throws(DecodeStop) -> UnsafeRawBufferPointer {
        guard end <= frame.capturedCount else { throw .truncated }
        return try frame.slice(from: start, to: end)
    }

    private func reassemble(_ fragment: IPFragment, timestamp: CaptureTimestamp) throws(DecodeStop) -> DecodeOutcome {
        switch reassembler.add(fragment, at: timestamp, statistics: &statistics) {
        case .held:
            throw .fragmentHeld
        case .rejected(let reason):
            throw .malformed(reason)
        case .complete(let datagram):
            // The whole datagram is in memory: its wire length is its length.
            let whole = FrameBytes(bytes: datagram, originalLength: datagram.count)
            let start: Layer = fragment.key.isV6 ? .ipv6(0) : .ipv4(0)
            return try decodeLayers(start, end: whole.wireLength, in: whole, timestamp: timestamp, reassembled: true)
        }
    }

    private func decodeTCP(
        _ frame: FrameBytes, at start: Int, end: Int, source: IPAddress, destination: IPAddress,
        timestamp: CaptureTimestamp
    ) throws(DecodeStop) -> DecodeOutcome {
        let decoded = try TCPHeaderDecoder.decode(
            frame, at: start, end: end, source: source, destination: destination, timestamp: timestamp
        )
        statistics.tcpSegments += 1
        if decoded.payloadTruncated {
            statistics.truncated += 1
            statistics.truncatedPayloads += 1
        }
        if decoded.options.isMalformed { statistics.tcpOptionErrors += 1 }
        lastTCPOptions = decoded.options
        return .tcp(decoded.segment)
    }
}
