import AnalyzerCore
import Testing
import TrafficSynthesis

/// The generator's tunnels and link framings, byte by byte against the layouts of their RFCs.
@Suite struct EncapsulationStackTests {
    static let ip: [UInt8] = [0x45] + [UInt8](repeating: 0xEE, count: 59)
    static let sourceMAC: [UInt8] = [0x02, 0x00, 0xC0, 0x00, 0x02, 0x01]
    static let destinationMAC: [UInt8] = [0x02, 0x00, 0xC6, 0x33, 0x64, 0x02]

    static func frame(_ layers: [EncapsulationLayer], v6: Bool = false) -> [UInt8] {
        EncapsulationStack("test", layers).frame(
            ipPacket: ip, isIPv6: v6, from: Fixtures.clientV4.address, to: Fixtures.serverV4.address)
    }

    @Test("MPLS: label, bottom-of-stack bit and TTL per entry (RFC 3032), in Ethernet 0x8847")
    func mpls() {
        let frame = Self.frame([.mpls(labels: [16, 17]), .ethernet(vlanTags: [])])
        #expect(frame == Self.destinationMAC + Self.sourceMAC + [0x88, 0x47, 0x00, 0x01, 0x00, 64, 0x00, 0x01, 0x11, 64]
                + Self.ip)
    }

    @Test("PPPoE session: 0x11, code 0, session, length of protocol and payload, PPP protocol (RFC 2516)")
    func pppoe() {
        let frame = Self.frame([.pppoe(session: 0x1234), .ethernet(vlanTags: [])])
        #expect(frame == Self.destinationMAC + Self.sourceMAC + [0x88, 0x64, 0x11, 0x00, 0x12, 0x34, 0x00, 62, 0x00, 0x21]
                + Self.ip)
    }

    @Test("GRE with key and sequence number (RFC 2890) in IPv4 protocol 47")
    func greKeySequence() {
        let frame = Self.frame([.gre(checksum: false, key: 0xABCD, sequence: 7), .ipv4Tunnel(source: 1, destination: 2)])
        #expect(frame[9] == 47)
        #expect(Array(frame[20...]) == [0x30, 0x00, 0x08, 0x00, 0, 0, 0xAB, 0xCD, 0, 0, 0, 7] + Self.ip)
    }

    @Test("GRE checksum: the Internet checksum of the GRE header and payload verifies")
    func greChecksum() {
        let gre = Array(Self.frame([.gre(checksum: true, key: nil, sequence: nil), .ipv4Tunnel(source: 1, destination: 2)])[20...])
        #expect(Array(gre[0..<4]) == [0x80, 0x00, 0x08, 0x00])
        var sum: UInt32 = 0
        for index in stride(from: 0, to: gre.count, by: 2) {
            sum += UInt32(gre[index]) << 8 | UInt32(index + 1 < gre.count ? gre[index + 1] : 0)
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        #expect(sum == 0xFFFF)
    }

    @Test("VXLAN: UDP to 4789, flags 0x08, VNI in the top 24 bits of the second word (RFC 7348)")
    func vxlan() {
        let frame = Self.frame([.ethernet(vlanTags: []), .vxlan(vni: 0x0A0B0C), .ipv4Tunnel(source: 1, destination: 2)])
        #expect(frame[9] == 17)
        let udp = Array(frame[20...])
        #expect(Array(udp[2..<4]) == [0x12, 0xB5])
        #expect(Int(udp[4]) << 8 | Int(udp[5]) == udp.count)
        #expect(Array(udp[8..<16]) == [0x08, 0, 0, 0, 0x0A, 0x0B, 0x0C, 0])
        #expect(Array(udp[16...]) == Self.destinationMAC + Self.sourceMAC + [0x08, 0x00] + Self.ip)
    }

    @Test("GENEVE: UDP to 6081, option length in words, protocol type, options skipped (RFC 8926)")
    func geneve() {
        let frame = Self.frame([.geneve(vni: 9, optionWords: 2), .ipv4Tunnel(source: 1, destination: 2)])
        let udp = Array(frame[20...])
        #expect(Array(udp[2..<4]) == [0x17, 0xC1])
        #expect(Array(udp[8..<16]) == [0x02, 0x00, 0x08, 0x00, 0, 0, 9, 0])
        #expect(Array(udp[24...]) == Self.ip)
    }

    @Test("ERSPAN II: GRE with sequence number, 0x88BE, 8-byte header of version 1")
    func erspanII() {
        let frame = Self.frame([.ethernet(vlanTags: []), .erspan(.typeII(session: 12)), .ipv4Tunnel(source: 1, destination: 2)])
        let gre = Array(frame[20...])
        #expect(Array(gre[0..<8]) == [0x10, 0x00, 0x88, 0xBE, 0, 0, 0, 12])
        #expect(Array(gre[8..<16]) == [0x10, 0x00, 0x00, 12, 0, 0, 0, 0])
        #expect(Array(gre[16..<30]) == Self.destinationMAC + Self.sourceMAC + [0x08, 0x00])
    }

    @Test("NFLOG: family, version, resource ID, then TLVs in the given byte order, payload type 9")
    func nflog() {
        let little = Self.frame([.nflog(.little)])
        #expect(Array(little[0..<4]) == [2, 0, 0, 7])
        #expect(Array(little[4..<8]) == [8, 0, 1, 0])  // NFULA_PACKET_HDR, 8 bytes
        #expect(Array(little[12..<16]) == [13, 0, 10, 0])  // NFULA_PREFIX "bitsnoop\0", padded to 16
        #expect(Array(little[28..<32]) == [64, 0, 9, 0])  // NFULA_PAYLOAD
        #expect(Array(little[32...]) == Self.ip)
        let big = Self.frame([.nflog(.big)], v6: true)
        #expect(Array(big[0..<8]) == [10, 0, 0, 7, 0, 8, 0, 1])
    }

    @Test("radiotap with FCS: the Flags field says so and the FCS is the CRC-32 of the 802.11 frame")
    func radiotapFCS() {
        let frame = Self.frame([.wifi(WifiFraming(radio: .radiotap(fcs: true), qos: true))])
        #expect(Array(frame[0..<8]) == [0, 0, 17, 0, 0x03, 0, 0, 0])
        #expect(frame[16] == 0x10)
        let wifi = Array(frame[17..<(frame.count - 4)])
        #expect(Array(wifi[0..<2]) == [0x88, 0x01])  // QoS data, To DS
        #expect(Array(wifi[26..<34]) == [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00])
        // CRC-32 (IEEE 802.3): the check value of "123456789" is 0xCBF43926; over the frame and its
        // FCS (little-endian) the residue is 0x2144DF1C.
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in frame[17...] {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        #expect(~crc == 0x2144_DF1C)
    }

    @Test("every catalogue stack: the inner packet follows headerLength - trailerLength bytes, link types as listed")
    func catalog() {
        for stack in EncapsulationStack.catalog {
            for v6 in [false, true] {
                let frame = stack.frame(ipPacket: Self.ip, isIPv6: v6, from: .v4(1), to: .v4(2))
                #expect(frame.count == stack.headerLength + Self.ip.count, "\(stack)")
                let start = stack.headerLength - stack.trailerLength
                #expect(Array(frame[start..<(start + Self.ip.count)]) == Self.ip, "\(stack)")
            }
        }
        #expect(Set(EncapsulationStack.catalog.map(\.linkTypeValue)) == [1, 9, 50, 101, 104, 105, 127, 192, 239])
        #expect(Set(EncapsulationStack.catalog.map(\.name)).count == EncapsulationStack.catalog.count)
        #expect(LinkEncapsulation.stack(EncapsulationStack.catalog[0]).linkTypeValue == 1)
    }
}
