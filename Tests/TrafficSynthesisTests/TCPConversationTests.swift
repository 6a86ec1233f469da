import AnalyzerCore
import Testing
import TrafficSynthesis

@Suite struct TCPConversationTests {
    static let tcpFIN: UInt8 = 0x01, tcpSYN: UInt8 = 0x02, tcpRST: UInt8 = 0x04, tcpPSH: UInt8 = 0x08, tcpACK: UInt8 = 0x10

    /// Checks that every ACK number is exactly what the peer had sent so far in capture order, and
    /// that every sequence number continues its direction: a perfect, unimpaired conversation.
    static func checkSequenceAndAcknowledgmentNumbers(_ segments: [TestDecoder.Segment], client: Endpoint) {
        var next: [Bool: UInt32] = [:]  // keyed by "is from client"
        for segment in segments {
            let fromClient = segment.source == client
            if segment.flags & tcpSYN != 0 {
                next[fromClient] = segment.sequenceNumber &+ 1
            } else {
                #expect(segment.sequenceNumber == next[fromClient])
                next[fromClient] = segment.sequenceNumber &+ UInt32(segment.payload.count)
                    &+ (segment.flags & tcpFIN != 0 ? 1 : 0)
            }
            if segment.flags & tcpACK != 0 { #expect(segment.acknowledgmentNumber == next[!fromClient]) }
        }
    }

    @Test(arguments: LinkEncapsulation.allCases, [false, true])
    func cleanConversationIsCorrectInEveryEncapsulation(encapsulation: LinkEncapsulation, ipv6: Bool) {
        let conversation = Fixtures.conversation(ipv6: ipv6)
        let rendered = conversation.render(encapsulation: encapsulation, seed: 1)
        let segments = rendered.decodedSegments
        #expect(segments.count == rendered.packets.count)
        #expect(segments.allSatisfy { $0.checksumValid == true })
        #expect(segments.allSatisfy { $0.ipv4HeaderValid == (ipv6 ? nil : true) })
        #expect(rendered.packetInfo.count == rendered.packets.count)
        #expect(zip(rendered.packets, rendered.packets.dropFirst()).allSatisfy { $0.timestamp < $1.timestamp })
        #expect(rendered.packets.first?.timestamp == conversation.start)

        // Handshake with the MSS, window scale and SACK-permitted options.
        guard segments.count > 3 else {
            Issue.record("too few packets")
            return
        }
        #expect(segments[0].flags == Self.tcpSYN && segments[0].source == conversation.client)
        #expect(segments[0].sequenceNumber == conversation.clientISN)
        #expect(segments[0].options.prefix(4) == [2, 4, 0x02, 0x18])
        #expect(segments[1].flags == Self.tcpSYN | Self.tcpACK && segments[1].sequenceNumber == conversation.serverISN)
        #expect(segments[2].flags == Self.tcpACK && segments[2].payload.isEmpty)
        Self.checkSequenceAndAcknowledgmentNumbers(segments, client: conversation.client)

        // Data segmented at the MSS; the last segment of each send pushes.
        #expect(segments.allSatisfy { $0.payload.count <= conversation.mss })
        let pushed = segments.filter { $0.flags & Self.tcpPSH != 0 }
        #expect(pushed.count == 5)

        // FIN, FIN, ACK.
        let tail = segments.suffix(3).map(\.flags)
        #expect(tail == [Self.tcpFIN | Self.tcpACK, Self.tcpFIN | Self.tcpACK, Self.tcpACK])

        for direction in FlowDirection.allCases {
            let oracle = rendered.oracle(direction, clientISN: conversation.clientISN, serverISN: conversation.serverISN)
            #expect(oracle.wrongBytes == 0)
            expectSameBytes(oracle.delivered, rendered.payload(direction), "delivered \(direction)")
            #expect(oracle.mismatch(with: rendered.expected(direction)) == nil)
            #expect(rendered.expected(direction).gapBytes == 0)
            #expect(rendered.expected(direction).skippedLeadingBytes == 0)
            #expect(rendered.expected(direction).startsWithHandshake)
        }
        expectSameBytes(rendered.clientPayload, conversation.payload(of: .clientToServer))
        #expect(rendered.clientPayload.count == 3_001 + 4_444 + 17)
        #expect(rendered.serverPayload.count == 700 + 123)
        #expect(rendered.clientStatistics.dataSegments == 6 + 9 + 1)
    }

    @Test(arguments: [false, true])
    func sequenceNumbersWrapAround(ipv6: Bool) {
        let conversation = Fixtures.conversation(ipv6: ipv6, clientISN: 0xFFFF_F000, serverISN: 0xFFFF_FFFF, mss: 1_460)
        let rendered = conversation.render(encapsulation: .raw, seed: 2)
        let segments = rendered.decodedSegments
        let clientSequences = segments.filter { $0.source == conversation.client }.map(\.sequenceNumber)
        #expect(clientSequences.contains { $0 < 0x1000 })  // past the wrap
        #expect(segments.first { $0.source == conversation.server }?.sequenceNumber == 0xFFFF_FFFF)
        #expect(segments.contains { $0.source == conversation.server && $0.sequenceNumber == 0 && !$0.payload.isEmpty })
        Self.checkSequenceAndAcknowledgmentNumbers(segments, client: conversation.client)
        for direction in FlowDirection.allCases {
            let oracle = rendered.oracle(direction, clientISN: conversation.clientISN, serverISN: conversation.serverISN)
            expectSameBytes(oracle.delivered, rendered.payload(direction), "delivered \(direction)")
            #expect(oracle.mismatch(with: rendered.expected(direction)) == nil)
        }
        #expect(rendered.expectedServer.baseSequenceNumber == 0)
    }

    @Test func resetAndOpenClosings() {
        let reset = Fixtures.conversation(closing: .reset).render(encapsulation: .raw, seed: 3)
        let last = reset.decodedSegments.last
        #expect(last?.flags == Self.tcpRST | Self.tcpACK)
        #expect(last?.source == Fixtures.clientV4)
        #expect(last?.sequenceNumber == 0x1000_0000 &+ 1 &+ UInt32(reset.clientPayload.count))
        #expect(reset.decodedSegments.allSatisfy { $0.flags & Self.tcpFIN == 0 })

        let open = Fixtures.conversation(closing: .none).render(encapsulation: .raw, seed: 3)
        #expect(open.decodedSegments.allSatisfy { $0.flags & (Self.tcpFIN | Self.tcpRST) == 0 })
        #expect(open.packets.count == reset.packets.count - 1)
        expectSameBytes(open.expectedClient.deliveredBytes, open.clientPayload)
    }

    @Test func optionsAndExtensionHeadersAreCarriedByEveryPacket() {
        var v4 = Fixtures.conversation()
        v4.ipv4Options = [0x94, 0x04, 0x00, 0x00]
        v4.windowScale = nil
        v4.sackPermitted = false
        let renderedV4 = v4.render(encapsulation: .ethernet(vlanTags: [5]), seed: 4)
        let datagramsV4 = renderedV4.packets.compactMap {
            TestDecoder.ipBytes(of: $0.bytes, encapsulation: renderedV4.encapsulation)
                .flatMap { TestDecoder.datagram($0.bytes) }
        }
        #expect(datagramsV4.count == renderedV4.packets.count)
        #expect(datagramsV4.allSatisfy { $0.ipv4Options == [0x94, 0x04, 0x00, 0x00] && $0.ipv4HeaderValid == true })
        #expect(renderedV4.decodedSegments.allSatisfy { $0.checksumValid == true })
        #expect(renderedV4.decodedSegments[0].options == [2, 4, 0x02, 0x18])

        var v6 = Fixtures.conversation(ipv6: true)
        v6.ipv6ExtensionHeaders = [.hopByHopOptions(), .destinationOptions()]
        let renderedV6 = v6.render(encapsulation: .linuxSLL2, impairments: Impairments(ipFragmentPayload: 300), seed: 4)
        let datagramsV6 = renderedV6.packets.compactMap {
            TestDecoder.ipBytes(of: $0.bytes, encapsulation: .linuxSLL2).flatMap { TestDecoder.datagram($0.bytes) }
        }
        #expect(datagramsV6.allSatisfy { $0.extensionHeaderTypes.prefix(1) == [0] })
        #expect(datagramsV6.contains { $0.extensionHeaderTypes == [0, 44] })
        #expect(datagramsV6.contains { $0.extensionHeaderTypes == [0, 60] })
        #expect(renderedV6.decodedSegments.allSatisfy { $0.checksumValid == true })
        expectSameBytes(renderedV6.expectedClient.deliveredBytes, renderedV6.clientPayload)
        #expect(renderedV6.oracle(.clientToServer, clientISN: v6.clientISN, serverISN: v6.serverISN)
            .mismatch(with: renderedV6.expectedClient) == nil)
    }

    @Test func pauseAdvancesCaptureTime() {
        let rendered = Fixtures.conversation().render(encapsulation: .raw, seed: 5)
        let steps = zip(rendered.packets, rendered.packets.dropFirst()).map { $1.timestamp.seconds(since: $0.timestamp) }
        #expect(steps.filter { $0 >= 1.5 }.count == 1)
        #expect(steps.allSatisfy { $0 > 0 })
    }
}
