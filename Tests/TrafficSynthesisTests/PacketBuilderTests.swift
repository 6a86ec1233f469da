import AnalyzerCore
import Testing
import TrafficSynthesis

@Suite struct PacketBuilderTests {
    @Test func ipv4TCPSynMatchesAHandComputedVector() {
        let segment = TCPSegmentBuilder.segment(
            source: Fixtures.clientV4, destination: Fixtures.serverV4, sequenceNumber: 0x1234_5678,
            acknowledgmentNumber: 0, flags: .syn, window: 65535,
            options: TCPOptionBuilder.maximumSegmentSize(1460), payload: []
        )
        let packet = IPPacketBuilder.ipv4(
            source: 0xC000_0201, destination: 0xC633_6402, protocolNumber: 6, payload: segment,
            identification: 0x1C46
        )
        // IP checksum: 4500+002C+1C46+4000+4006+0000+C000+0201+C633+6402 = 2CDAE -> CDAE+2 = CDB0 -> ~ = 324F.
        // TCP checksum: pseudo C000+0201+C633+6402+0006+0018 = 1EC54; header C000+0050+1234+5678+0000+0000
        // +6002+FFFF+0000+0000+0204+05B4 = 290B5; 1EC54+290B5 = 47D09 -> 7D09+4 = 7D0D -> ~ = 82F2.
        let expected: [UInt8] = [
            0x45, 0x00, 0x00, 0x2C, 0x1C, 0x46, 0x40, 0x00, 0x40, 0x06, 0x32, 0x4F,
            0xC0, 0x00, 0x02, 0x01, 0xC6, 0x33, 0x64, 0x02,
            0xC0, 0x00, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00, 0x00,
            0x60, 0x02, 0xFF, 0xFF, 0x82, 0xF2, 0x00, 0x00, 0x02, 0x04, 0x05, 0xB4,
        ]
        #expect(packet == expected)
    }

    @Test(arguments: [false, true])
    func tcpChecksumsVerifyForRandomSegments(ipv6: Bool) {
        var random = SeededGenerator(seed: ipv6 ? 6 : 4)
        for _ in 0..<200 {
            let length = Int(random.next() % 1_500)  // odd and even lengths
            let payload = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let source = ipv6
                ? Endpoint(address: .v6(random.next(), random.next()), port: UInt16(truncatingIfNeeded: random.next()))
                : Endpoint(address: .v4(UInt32(truncatingIfNeeded: random.next())),
                           port: UInt16(truncatingIfNeeded: random.next()))
            let destination = ipv6 ? Fixtures.serverV6 : Fixtures.serverV4
            let optionLength = Int(random.next() % 41)
            let options = (0..<optionLength).map { _ in UInt8(1) }  // NOPs
            let segment = TCPSegmentBuilder.segment(
                source: source, destination: destination, sequenceNumber: UInt32(truncatingIfNeeded: random.next()),
                acknowledgmentNumber: UInt32(truncatingIfNeeded: random.next()), flags: [.ack, .psh],
                options: options, payload: payload
            )
            #expect(segment.count == 20 + (optionLength + 3) / 4 * 4 + length)
            #expect(Int(segment[12] >> 4) * 4 == 20 + (optionLength + 3) / 4 * 4)
            #expect(TestDecoder.tcpChecksumVerifies(segment, source: source.address, destination: destination.address))
            // A flipped bit must break it (the test's check is not vacuous).
            var damaged = segment
            damaged[damaged.count - 1] ^= 0x10
            #expect(!TestDecoder.tcpChecksumVerifies(damaged, source: source.address, destination: destination.address))
        }
    }

    @Test func ipv4HeaderWithOptionsIsPaddedAndChecksummed() {
        let options: [UInt8] = [0x94, 0x04, 0x00, 0x00, 0x01]  // Router Alert + NOP, padded to 8
        let packet = IPPacketBuilder.ipv4(
            source: 0x0A00_0001, destination: 0x0A00_0002, protocolNumber: 17, payload: [1, 2, 3],
            identification: 7, ttl: 3, options: options, dontFragment: false
        )
        guard let datagram = TestDecoder.datagram(packet) else {
            Issue.record("undecodable")
            return
        }
        #expect(datagram.ipv4HeaderLength == 28)
        #expect(datagram.ipv4Options == options + [0, 0, 0])
        #expect(datagram.ipv4HeaderValid == true)
        #expect(!datagram.ipv4DontFragment)
        #expect(datagram.payload == [1, 2, 3])
        #expect(packet[8] == 3 && packet[9] == 17)
    }

    @Test func ipv6ExtensionHeadersChainToTheUpperLayer() {
        let segment = TCPSegmentBuilder.segment(
            source: Fixtures.clientV6, destination: Fixtures.serverV6, sequenceNumber: 1, acknowledgmentNumber: 2,
            flags: .ack, payload: Array("hello".utf8)
        )
        let headers: [IPv6ExtensionHeader] = [
            .hopByHopOptions([0x05, 0x02, 0x00, 0x00]),  // Router Alert
            .routing(),
            .destinationOptions(Array(repeating: 0xAA, count: 9).withTLVHeader(type: 0x1E)),
        ]
        let packet = IPPacketBuilder.ipv6(
            source: Fixtures.clientV6.address, destination: Fixtures.serverV6.address, nextHeader: 6,
            payload: segment, extensionHeaders: headers
        )
        let chainLength = headers.reduce(0) { $0 + 1 + $1.body.count }
        #expect(headers.allSatisfy { (1 + $0.body.count) % 8 == 0 })
        #expect(TestDecoder.be16(packet, 4) == chainLength + segment.count)
        guard let datagram = TestDecoder.datagram(packet) else {
            Issue.record("undecodable")
            return
        }
        #expect(datagram.extensionHeaderTypes == [0, 43, 60])
        #expect(datagram.nextHeader == 6)
        #expect(datagram.payload == segment)
        #expect(TestDecoder.tcpChecksumVerifies(
            datagram.payload, source: datagram.source, destination: datagram.destination))
    }

    @Test func synOptionsHaveTheUsualLayout() {
        #expect(TCPOptionBuilder.synOptions(maximumSegmentSize: 1460, windowScale: 7, sackPermitted: true)
            == [2, 4, 0x05, 0xB4, 1, 3, 3, 7, 1, 1, 4, 2])
        #expect(TCPOptionBuilder.synOptions(maximumSegmentSize: 536, windowScale: nil, sackPermitted: false)
            == [2, 4, 0x02, 0x18])
    }
}

extension Array where Element == UInt8 {
    /// These bytes as the value of a TLV option of the given type.
    func withTLVHeader(type: UInt8) -> [UInt8] { [type, UInt8(count)] + self }
}
