import AnalyzerCore
import Testing
import TrafficSynthesis

@Suite struct ImpairmentTests {
    /// Renders, decodes with the test decoder and checks both directions against the oracle.
    static func checkAgainstOracle(_ conversation: TCPConversation, _ rendered: RenderedConversation,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(zip(rendered.packets, rendered.packets.dropFirst()).allSatisfy { $0.timestamp < $1.timestamp },
                sourceLocation: sourceLocation)
        let segments = rendered.decodedSegments
        #expect(segments.allSatisfy { $0.checksumValid != false && $0.ipv4HeaderValid != false },
                sourceLocation: sourceLocation)
        for direction in FlowDirection.allCases {
            let oracle = StreamOracle(
                segments: segments, sender: direction == .clientToServer ? rendered.client : rendered.server,
                payload: rendered.payload(direction),
                isn: direction == .clientToServer ? conversation.clientISN : conversation.serverISN
            )
            #expect(oracle.wrongBytes == 0, sourceLocation: sourceLocation)
            #expect(oracle.mismatch(with: rendered.expected(direction)) == nil, "\(direction)",
                    sourceLocation: sourceLocation)
            let expected = rendered.expected(direction)
            #expect(expected.pieces.reduce(0) { $0 + $1.length } == expected.length, sourceLocation: sourceLocation)
            #expect(expected.skippedLeadingBytes + expected.length <= rendered.payload(direction).count,
                    sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: 1...100)
    func randomImpairmentsNeverChangeContentAndMatchTheExpectation(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed) &* 7_919)
        func unit() -> Double { Double(random.next() >> 11) * 0x1p-53 }
        let impairments = Impairments(
            reorderProbability: unit() * 0.6,
            duplicateProbability: unit() * 0.4,
            overlapProbability: unit() * 0.4,
            lossCount: Int(random.next() % 4),
            dropHandshake: random.next() % 3 == 0,
            ipFragmentPayload: random.next() % 3 == 0 ? 64 + Int(random.next() % 600) : nil,
            snapshotLength: random.next() % 4 == 0 ? 40 + Int(random.next() % 600) : nil
        )
        let ipv6 = random.next() % 2 == 0
        let encapsulation = LinkEncapsulation.allCases[Int(random.next() % UInt64(LinkEncapsulation.allCases.count))]
        let conversation = Fixtures.conversation(
            ipv6: ipv6, clientISN: UInt32(truncatingIfNeeded: random.next()),
            serverISN: UInt32(truncatingIfNeeded: random.next()), mss: 100 + Int(random.next() % 1_400),
            closing: [.fin, .reset, .none][Int(random.next() % 3)]
        )
        let rendered = conversation.render(encapsulation: encapsulation, impairments: impairments, random: &random)
        Self.checkAgainstOracle(conversation, rendered)
        if impairments.snapshotLength == nil, !impairments.dropHandshake, impairments.ipFragmentPayload == nil {
            // Only loss makes gaps then, and exactly the lost bytes.
            for direction in FlowDirection.allCases {
                #expect(rendered.expected(direction).gapBytes == rendered.statistics(direction).lostBytes)
            }
        }
    }

    @Test(arguments: [false, true])
    func lostSegmentsBecomeGapsAlignedToSegmentBoundaries(ipv6: Bool) {
        let conversation = Fixtures.conversation(ipv6: ipv6)
        let ideal = conversation.render(encapsulation: .raw, seed: 9)
        let rendered = conversation.render(
            encapsulation: .raw, impairments: Impairments(duplicateProbability: 0.5, overlapProbability: 0.5, lossCount: 4),
            seed: 9)
        Self.checkAgainstOracle(conversation, rendered)
        let lost = rendered.clientStatistics.lostSegments + rendered.serverStatistics.lostSegments
        #expect(lost == 4)
        for direction in FlowDirection.allCases {
            let boundaries = Set(ideal.packetInfo.filter { $0.direction == direction && $0.role == .data }
                .flatMap { [$0.payloadOffsets.lowerBound, $0.payloadOffsets.upperBound] })
            let expected = rendered.expected(direction)
            #expect(expected.gapBytes == rendered.statistics(direction).lostBytes)
            for gap in expected.pieces where gap.isGap {
                #expect(boundaries.contains(gap.offset) && boundaries.contains(gap.offset + gap.length))
            }
            // Nothing after the expected end was sent unseen: the stream reaches the payload's end.
            #expect(expected.length == rendered.payload(direction).count)
        }
    }

    @Test func reorderingKeepsTheHandshakeFirstAndCloseLast() {
        let conversation = Fixtures.conversation(mss: 200)
        let rendered = conversation.render(
            encapsulation: .ethernet(vlanTags: []), impairments: Impairments(reorderProbability: 1), seed: 10)
        Self.checkAgainstOracle(conversation, rendered)
        #expect(rendered.clientStatistics.reorderedSegments > 0)
        #expect(rendered.packetInfo.prefix(3).allSatisfy { $0.role == .handshake })
        #expect(rendered.packetInfo.suffix(3).map(\.role) == [.finish, .finish, .acknowledgment])
        let clientData = rendered.packetInfo.filter { $0.direction == .clientToServer && $0.role == .data }
        let outOfOrder = zip(clientData, clientData.dropFirst()).filter {
            $0.payloadOffsets.lowerBound > $1.payloadOffsets.lowerBound
        }
        #expect(outOfOrder.count * 2 == rendered.clientStatistics.reorderedSegments)
    }

    @Test func duplicatesAreExactCopiesOfEarlierSegments() {
        let conversation = Fixtures.conversation()
        let rendered = conversation.render(
            encapsulation: .linuxSLL, impairments: Impairments(duplicateProbability: 1), seed: 11)
        Self.checkAgainstOracle(conversation, rendered)
        let segments = rendered.decodedSegments
        var seen: Set<[UInt8]> = []
        var copies = 0
        var copiedBytes = 0
        for segment in segments where !segment.payload.isEmpty {
            let key = [segment.source == conversation.client ? 1 : 0]
                + withUnsafeBytes(of: segment.sequenceNumber) { Array($0) } + segment.payload
            if !seen.insert(key).inserted {
                copies += 1
                copiedBytes += segment.payload.count
            }
        }
        let statistics = [rendered.clientStatistics, rendered.serverStatistics]
        #expect(copies == statistics.reduce(0) { $0 + $1.duplicateSegments })
        #expect(copies == statistics.reduce(0) { $0 + $1.dataSegments })  // probability 1: every segment
        #expect(copiedBytes == statistics.reduce(0) { $0 + $1.retransmittedBytes })
        expectSameBytes(rendered.expectedClient.deliveredBytes, rendered.clientPayload)
    }

    @Test(arguments: [false, true])
    func overlapsCarryTheSameBytesAcrossNeighbours(withLoss: Bool) {
        let conversation = Fixtures.conversation(mss: 300)
        let rendered = conversation.render(
            encapsulation: .loop, impairments: Impairments(overlapProbability: 1, lossCount: withLoss ? 3 : 0), seed: 12)
        Self.checkAgainstOracle(conversation, rendered)
        let overlaps = rendered.packetInfo.filter { $0.role == .overlap }
        #expect(overlaps.count == rendered.clientStatistics.overlapSegments + rendered.serverStatistics.overlapSegments)
        #expect(overlaps.count > 5)
        #expect(overlaps.allSatisfy { $0.payloadOffsets.count <= 300 })
        // Most re-cuts straddle a segment boundary.
        let originals = rendered.packetInfo.filter { $0.role == .data }.map(\.payloadOffsets)
        let straddling = overlaps.filter { overlap in
            !originals.contains { $0.lowerBound <= overlap.payloadOffsets.lowerBound
                && overlap.payloadOffsets.upperBound <= $0.upperBound }
        }
        #expect(straddling.count > overlaps.count / 2)
        if withLoss {
            for direction in FlowDirection.allCases {
                #expect(rendered.expected(direction).gapBytes == rendered.statistics(direction).lostBytes)
            }
        }
    }

    @Test(arguments: [false, true])
    func midStreamStartDropsTheHandshakeAndLeadingData(ipv6: Bool) {
        let conversation = Fixtures.conversation(ipv6: ipv6)
        let rendered = conversation.render(
            encapsulation: .null(.little), impairments: Impairments(reorderProbability: 0.5, dropHandshake: true),
            seed: 13)
        Self.checkAgainstOracle(conversation, rendered)
        #expect(rendered.decodedSegments.allSatisfy { $0.flags & 0x02 == 0 })
        #expect(rendered.droppedLeadingPackets == 5)  // SYN, SYN-ACK, ACK and the first two client segments
        #expect(rendered.clientStatistics.droppedLeadingSegments == 2)
        #expect(!rendered.expectedClient.startsWithHandshake)
        #expect(rendered.expectedClient.skippedLeadingBytes == 2 * 536)
        #expect(rendered.expectedClient.baseSequenceNumber == conversation.clientISN &+ 1 &+ 2 * 536)
        expectSameBytes(rendered.expectedClient.deliveredBytes, Array(rendered.clientPayload.dropFirst(2 * 536)))
        #expect(rendered.expectedServer.skippedLeadingBytes == 0)
        expectSameBytes(rendered.expectedServer.deliveredBytes, rendered.serverPayload)
    }

    @Test func snapshotLengthCutsFramesAndTheCutBytesAreGaps() {
        let conversation = Fixtures.conversation()
        let snap = 100
        let whole = conversation.render(encapsulation: .ethernet(vlanTags: []), seed: 14)
        let cut = conversation.render(
            encapsulation: .ethernet(vlanTags: []), impairments: Impairments(snapshotLength: snap), seed: 14)
        Self.checkAgainstOracle(conversation, cut)
        #expect(cut.packets.count == whole.packets.count)
        for (short, full) in zip(cut.packets, whole.packets) {
            expectSameBytes(short.bytes, Array(full.bytes.prefix(snap)))
            #expect(short.originalLength == full.bytes.count)
        }
        // 14 Ethernet + 20 IPv4 + 20 TCP leave 46 payload bytes per captured data segment.
        let perSegment = snap - 54
        for direction in FlowDirection.allCases {
            let data = whole.packetInfo.filter { $0.direction == direction && $0.role == .data }
            let captured = data.reduce(0) { $0 + min($1.payloadOffsets.count, perSegment) }
            #expect(cut.expected(direction).uniqueBytes == captured)
            #expect(cut.expected(direction).gapBytes == cut.payload(direction).count - captured)
        }
        #expect(cut.clientStatistics.truncatedFrames > 0)
    }

    @Test(arguments: [false, true])
    func fragmentedConversationReassemblesToThePayload(ipv6: Bool) {
        let conversation = Fixtures.conversation(ipv6: ipv6, mss: 1_400)
        let limit = 256
        let rendered = conversation.render(
            encapsulation: .ethernet(vlanTags: [7, 8]), impairments: Impairments(ipFragmentPayload: limit), seed: 15)
        Self.checkAgainstOracle(conversation, rendered)
        #expect(rendered.clientStatistics.fragmentedPackets > 0)
        #expect(rendered.decodedSegments.contains { $0.wasFragmented })
        for (packet, info) in zip(rendered.packets, rendered.packetInfo) where info.fragmentIndex != nil {
            guard let (_, ip) = TestDecoder.ipBytes(of: packet.bytes, encapsulation: rendered.encapsulation),
                let datagram = TestDecoder.datagram(ip)
            else {
                Issue.record("undecodable fragment")
                continue
            }
            #expect(datagram.isFragment)
            #expect(datagram.payload.count <= limit)
            #expect(datagram.fragmentOffset % 8 == 0)
        }
        expectSameBytes(rendered.expectedClient.deliveredBytes, rendered.clientPayload)
        expectSameBytes(rendered.expectedServer.deliveredBytes, rendered.serverPayload)
    }

    @Test func sameSeedSamePacketsDifferentSeedDifferentPackets() {
        let impairments = Impairments(
            reorderProbability: 0.3, duplicateProbability: 0.2, overlapProbability: 0.2, lossCount: 2)
        let conversation = Fixtures.conversation()
        let first = conversation.render(encapsulation: .raw, impairments: impairments, seed: 77)
        let second = conversation.render(encapsulation: .raw, impairments: impairments, seed: 77)
        let other = conversation.render(encapsulation: .raw, impairments: impairments, seed: 78)
        #expect(first.packets == second.packets)
        #expect(first.expectedClient == second.expectedClient && first.expectedServer == second.expectedServer)
        #expect(first.packetInfo == second.packetInfo)
        #expect(first.packets != other.packets)
    }
}
