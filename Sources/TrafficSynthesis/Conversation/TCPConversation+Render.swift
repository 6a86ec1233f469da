import AnalyzerCore

extension TCPConversation {
    /// The packets of this conversation as a capture with the given framing and impairments holds
    /// them, plus what was sent and what a perfect reassembler must deliver.
    ///
    /// The capturing host is taken to be the client (see
    /// ``LinkEncapsulation/frame(ipPacket:isIPv6:from:to:outgoing:)``). IPv4 identifications count
    /// up per direction from a value derived from the ISN. All randomness comes from `random`.
    public func render(
        encapsulation: LinkEncapsulation,
        impairments: Impairments = .none,
        random: inout some RandomNumberGenerator
    ) -> RenderedConversation {
        let payloads = [payload(of: .clientToServer), payload(of: .serverToClient)]
        var offloaded = self
        if let size = impairments.offloadSegmentSize { offloaded.mss = size }  // offload: segments past the MSS
        let ideal = ConversationPlanner.plan(offloaded)
        var statistics = [GeneratedStatistics(), GeneratedStatistics()]
        for side in 0..<2 { statistics[side].payloadBytes = payloads[side].count }
        for packet in ideal where packet.role == .data { statistics[packet.direction.rawValue].dataSegments += 1 }

        let applier = ImpairmentApplier(impairments: impairments, conversation: self)
        let (planned, dropped) = applier.apply(to: ideal, random: &random, statistics: &statistics)

        var writer = FrameWriter(conversation: self, encapsulation: encapsulation, impairments: impairments)
        for packet in planned {
            writer.write(packet, payload: Array(payloads[packet.direction.rawValue][packet.payloadRange]),
                         statistics: &statistics[packet.direction.rawValue])
        }
        func expected(_ direction: FlowDirection) -> ExpectedStream {
            ExpectedStream(
                payload: payloads[direction.rawValue], isn: initialSequenceNumber(of: direction),
                observations: writer.observations[direction.rawValue]
            )
        }
        return RenderedConversation(
            encapsulation: encapsulation, client: client, server: server, packets: writer.packets,
            packetInfo: writer.info, clientPayload: payloads[0], serverPayload: payloads[1],
            expectedClient: expected(.clientToServer), expectedServer: expected(.serverToClient),
            clientStatistics: statistics[0], serverStatistics: statistics[1], droppedLeadingPackets: dropped,
            snapshotLength: impairments.snapshotLength.map { max(0, $0) }
        )
    }

    /// ``render(encapsulation:impairments:random:)`` with a ``SeededGenerator`` made from `seed`.
    public func render(
        encapsulation: LinkEncapsulation,
        impairments: Impairments = .none,
        seed: UInt64
    ) -> RenderedConversation {
        var random = SeededGenerator(seed: seed)
        return render(encapsulation: encapsulation, impairments: impairments, random: &random)
    }
}

/// Turns planned packets into framed, timestamped, possibly fragmented and cut bytes, noting what
/// the capture shows of each segment.
private struct FrameWriter {
    let conversation: TCPConversation
    let encapsulation: LinkEncapsulation
    let impairments: Impairments
    /// Frames written so far, in capture order.
    var packets: [SyntheticPacket] = []
    /// A description per frame, parallel to `packets`.
    var info: [RenderedPacketInfo] = []
    /// What the capture shows of each segment, per direction (`FlowDirection.rawValue`), in order.
    var observations: [[SegmentObservation]] = [[], []]
    private var nextIdentification: [UInt16]
    private var nextFragmentIdentification: UInt32
    private var lastTime: Int64 = -1
    /// Large offloaded IPv4 segments the client has sent, to zero the total length of every second one.
    private var offloadedSegments = 0

    init(conversation: TCPConversation, encapsulation: LinkEncapsulation, impairments: Impairments) {
        self.conversation = conversation
        self.encapsulation = encapsulation
        self.impairments = impairments
        // Arbitrary but reproducible starting points, different per direction.
        nextIdentification = [
            UInt16(truncatingIfNeeded: conversation.clientISN >> 7),
            UInt16(truncatingIfNeeded: conversation.serverISN >> 7),
        ]
        nextFragmentIdentification = conversation.clientISN ^ 0x5A5A_5A5A
    }

    /// Builds `packet` (carrying `payload`) into one frame, or several when it is fragmented, and
    /// notes what the capture shows of it.
    mutating func write(_ packet: PlannedPacket, payload: [UInt8], statistics: inout GeneratedStatistics) {
        let side = packet.direction.rawValue
        let source = conversation.sender(of: packet.direction)
        let destination = conversation.sender(of: packet.direction.reversed)
        let segment = TCPSegmentBuilder.segment(
            source: source, destination: destination, sequenceNumber: packet.sequenceNumber,
            acknowledgmentNumber: packet.acknowledgmentNumber, flags: packet.flags, options: packet.options,
            payload: payload
        )
        var datagram: [UInt8]
        var fragmentIdentification: UInt32
        if conversation.isIPv6 {
            datagram = IPPacketBuilder.ipv6(
                source: source.address, destination: destination.address, nextHeader: IPPacketBuilder.tcpProtocol,
                payload: segment, extensionHeaders: conversation.ipv6ExtensionHeaders
            )
            fragmentIdentification = nextFragmentIdentification
        } else {
            let identification = nextIdentification[side]
            nextIdentification[side] = identification &+ 1  // IPv4 identifications wrap by design
            guard case .v4(let sourceValue) = source.address, case .v4(let destinationValue) = destination.address
            else { preconditionFailure("IPv4 conversation with an IPv6 endpoint") }
            datagram = IPPacketBuilder.ipv4(
                source: sourceValue, destination: destinationValue, protocolNumber: IPPacketBuilder.tcpProtocol,
                payload: segment, identification: identification, options: conversation.ipv4Options
            )
            fragmentIdentification = UInt32(identification)
        }
        datagram = zeroingTotalLength(of: datagram, packet, statistics: &statistics)
        var pieces = [datagram]
        if let limit = impairments.ipFragmentPayload, packet.isData {
            pieces = IPPacketBuilder.fragment(
                datagram, maxFragmentPayload: limit, identification: fragmentIdentification)
            if pieces.count > 1 {
                statistics.fragmentedPackets += 1
                if conversation.isIPv6 { nextFragmentIdentification &+= 1 }  // any fresh value will do
            }
        }

        let snapshotLength = impairments.snapshotLength.map { max(0, $0) } ?? Int.max
        // Link, IP (with options or extension headers) and TCP header: what must be captured for a
        // decoder to find the segment's sequence number and payload.
        let headerBytes = encapsulation.headerLength + datagram.count - payload.count
        var visible = true
        for (index, piece) in pieces.enumerated() {
            let frame = encapsulation.frame(
                ipPacket: piece, isIPv6: conversation.isIPv6, from: source.address, to: destination.address,
                outgoing: packet.direction == .clientToServer
            )
            lastTime = max(packet.time, ConversationPlanner.saturatingSum(lastTime, 1))
            var captured = SyntheticPacket(timestamp: timestamp(lastTime), bytes: frame)
            if frame.count > snapshotLength {
                captured = captured.truncated(to: snapshotLength)
                statistics.truncatedFrames += 1
            }
            if pieces.count > 1, encapsulation.headerLength + piece.count > snapshotLength { visible = false }
            packets.append(captured)
            info.append(RenderedPacketInfo(
                direction: packet.direction, role: packet.role, flags: packet.flags,
                sequenceNumber: packet.sequenceNumber, acknowledgmentNumber: packet.acknowledgmentNumber,
                payloadOffsets: packet.payloadRange, fragmentIndex: pieces.count > 1 ? index : nil,
                fragmentCount: pieces.count
            ))
        }
        let capturedPayload: Int
        if pieces.count > 1 {
            capturedPayload = visible ? payload.count : 0
        } else {
            visible = snapshotLength >= headerBytes
            capturedPayload = visible ? min(payload.count, snapshotLength - headerBytes) : 0
        }
        observations[side].append(SegmentObservation(
            visible: visible, isSYN: packet.isSYN, isClose: packet.isClose, offset: packet.payloadRange.lowerBound,
            wireLength: payload.count, capturedLength: capturedPayload
        ))
    }

    /// `datagram`, with a total length of 0 when the capture host's offload would leave it so: every
    /// second IPv4 data segment over 1,500 bytes the client sends (see ``Impairments/offloadSegmentSize``).
    private mutating func zeroingTotalLength(
        of datagram: [UInt8], _ packet: PlannedPacket, statistics: inout GeneratedStatistics
    ) -> [UInt8] {
        guard impairments.offloadSegmentSize != nil, !conversation.isIPv6, packet.isData,
              packet.direction == .clientToServer, datagram.count > 1_500
        else { return datagram }
        offloadedSegments += 1
        guard offloadedSegments % 2 == 0 else { return datagram }
        var zeroed = datagram
        zeroed[2] = 0
        zeroed[3] = 0
        // The header checksum covers the length: recompute it (bytes 10-11) so only the length is odd.
        let headerLength = Int(zeroed[0] & 0x0F) * 4
        zeroed[10] = 0
        zeroed[11] = 0
        let checksum = InternetChecksum.checksum(Array(zeroed[0..<headerLength]))
        zeroed[10] = UInt8(checksum >> 8)
        zeroed[11] = UInt8(checksum & 0xFF)
        statistics.zeroLengthSegments += 1
        return zeroed
    }

    /// The conversation's start moved on by `microseconds`.
    private func timestamp(_ microseconds: Int64) -> CaptureTimestamp {
        let start = conversation.start
        let nanoseconds = UInt32(start.nanoseconds) + UInt32(microseconds % 1_000_000) * 1000  // < 2 * 10^9
        return CaptureTimestamp(seconds: start.seconds, nanoseconds: nanoseconds)
            .adding(seconds: microseconds / 1_000_000)
    }
}
