import AnalyzerCore

/// Wraps a packet in one ``EncapsulationLayer`` after another, keeping track of what the bytes are.
struct EncapsulationWriter {
    /// What the bytes so far are, which decides the protocol number the next layer writes.
    enum Kind {
        /// An IPv4 or IPv6 packet.
        case ipv4, ipv6
        /// A frame that starts with an Ethernet header (or, once a link framing is applied, a finished frame).
        case ethernet
        /// An MPLS label stack and its payload.
        case mpls
        /// A PPPoE session header and its payload.
        case pppoe
        /// A GRE header and its payload, for an outer IP header.
        case gre
        /// A UDP datagram, for an outer IP header.
        case udp
    }

    /// The packet as wrapped so far.
    var bytes: [UInt8]
    /// What `bytes` is.
    var kind: Kind
    /// The innermost source address, for MAC addresses.
    let source: IPAddress
    /// The innermost destination address, for MAC addresses.
    let destination: IPAddress

    /// Wraps `bytes` in `layer`. A layer that cannot carry the current kind is a programming error.
    mutating func wrap(_ layer: EncapsulationLayer) {
        switch layer {
        case .ethernet(let tags):
            var header = LinkEncapsulation.macAddress(for: destination) + LinkEncapsulation.macAddress(for: source)
            for (index, tag) in tags.enumerated() {
                header.appendBigEndian(index == 0 && tags.count >= 2 ? UInt16(0x88A8) : UInt16(0x8100))
                header.appendBigEndian(tag)
            }
            header.appendBigEndian(etherType)
            set(header + bytes, .ethernet)
        case .mpls(let labels):
            var stack: [UInt8] = []
            for (index, label) in labels.enumerated() {
                let bottom: UInt32 = index == labels.count - 1 ? 0x100 : 0
                stack.appendBigEndian((label & 0xF_FFFF) << 12 | bottom | 64)
            }
            if kind == .ethernet { stack += [0, 0, 0, 0] }  // pseudowire control word
            set(stack + bytes, .mpls)
        case .pppoe(let session):
            var header: [UInt8] = [0x11, 0x00]
            header.appendBigEndian(session)
            header.appendBigEndian(UInt16(bytes.count + 2))
            header.appendBigEndian(pppProtocol)
            set(header + bytes, .pppoe)
        case .gre(let checksum, let key, let sequence):
            writeGRE(protocolType: etherType, checksum: checksum, key: key, sequence: sequence)
        case .erspan(let type):
            precondition(kind == .ethernet, "ERSPAN carries Ethernet frames")
            writeERSPAN(type)
        case .vxlan(let vni):
            precondition(kind == .ethernet, "VXLAN carries Ethernet frames")
            var header: [UInt8] = [0x08, 0, 0, 0]
            header.appendBigEndian(vni << 8)
            writeUDP(destinationPort: 4789, payload: header + bytes)
        case .geneve(let vni, let optionWords):
            let words = min(max(optionWords, 0), 63)
            var header: [UInt8] = [UInt8(words), 0]
            header.appendBigEndian(etherType)
            header.appendBigEndian(vni << 8)
            if words > 0 {
                // One option filling the space: class 0x0101, type 1, its data length in words.
                header += [0x01, 0x01, 0x01, UInt8(words - 1)] + [UInt8](repeating: 0xA5, count: (words - 1) * 4)
            }
            writeUDP(destinationPort: 6081, payload: header + bytes)
        case .ipv4Tunnel(let tunnelSource, let tunnelDestination):
            let packet = IPPacketBuilder.ipv4(
                source: tunnelSource, destination: tunnelDestination, protocolNumber: ipProtocol, payload: bytes,
                identification: UInt16(truncatingIfNeeded: bytes.count)
            )
            set(packet, .ipv4)
        case .ipv6Tunnel(let tunnelSource, let tunnelDestination):
            if kind == .udp { fillUDPChecksum(source: tunnelSource, destination: tunnelDestination) }
            let packet = IPPacketBuilder.ipv6(
                source: tunnelSource, destination: tunnelDestination, nextHeader: ipProtocol, payload: bytes
            )
            set(packet, .ipv6)
        case .ppp(let hdlcFraming):
            var header: [UInt8] = hdlcFraming ? [0xFF, 0x03] : []
            header.appendBigEndian(pppProtocol)
            set(header + bytes, .ethernet)
        case .pppSerial:
            var header: [UInt8] = [0xFF, 0x03]
            header.appendBigEndian(pppProtocol)
            set(header + bytes, .ethernet)
        case .ciscoHDLC:
            var header: [UInt8] = [0x0F, 0x00]
            header.appendBigEndian(etherType)
            set(header + bytes, .ethernet)
        case .nflog(let order):
            writeNFLOG(order)
        case .wifi(let framing):
            writeWifi(framing)
        }
    }

    private mutating func set(_ newBytes: [UInt8], _ newKind: Kind) {
        bytes = newBytes
        kind = newKind
    }

    /// The EtherType (also GRE and GENEVE protocol type) of the current kind.
    private var etherType: UInt16 {
        switch kind {
        case .ipv4: return 0x0800
        case .ipv6: return 0x86DD
        case .mpls: return 0x8847
        case .pppoe: return 0x8864
        case .ethernet: return 0x6558  // Transparent Ethernet Bridging
        case .gre, .udp: preconditionFailure("GRE and UDP need an IP header first")
        }
    }

    /// The PPP protocol number of the current kind.
    private var pppProtocol: UInt16 {
        switch kind {
        case .ipv4: return 0x0021
        case .ipv6: return 0x0057
        case .mpls: return 0x0281
        default: preconditionFailure("PPP carries IPv4, IPv6 or MPLS here")
        }
    }

    /// The IP protocol number of the current kind.
    private var ipProtocol: UInt8 {
        switch kind {
        case .ipv4: return 4
        case .ipv6: return 41
        case .gre: return 47
        case .udp: return 17
        default: preconditionFailure("an IP tunnel carries IP, GRE or UDP")
        }
    }

    private mutating func writeGRE(protocolType: UInt16, checksum: Bool, key: UInt32?, sequence: UInt32?) {
        var flags: UInt16 = 0
        if checksum { flags |= 0x8000 }
        if key != nil { flags |= 0x2000 }
        if sequence != nil { flags |= 0x1000 }
        var header: [UInt8] = []
        header.appendBigEndian(flags)
        header.appendBigEndian(protocolType)
        if checksum { header += [0, 0, 0, 0] }
        if let key { header.appendBigEndian(key) }
        if let sequence { header.appendBigEndian(sequence) }
        var packet = header + bytes
        if checksum {
            let sum = InternetChecksum.checksum(packet)
            packet.setBigEndian(sum, at: 4)
        }
        set(packet, .gre)
    }

    private mutating func writeERSPAN(_ type: ERSPANType) {
        switch type {
        case .typeI:
            writeGRE(protocolType: 0x88BE, checksum: false, key: nil, sequence: nil)
        case .typeII(let session):
            var header: [UInt8] = []
            header.appendBigEndian(UInt16(0x1000))  // version 1, VLAN 0
            header.appendBigEndian(session & 0x03FF)  // COS 0, En 0, T 0, session ID
            header.appendBigEndian(UInt32(0))  // reserved, index
            bytes = header + bytes
            writeGRE(protocolType: 0x88BE, checksum: false, key: nil, sequence: UInt32(session))
        case .typeIII(let session, let platformSubheader):
            var header: [UInt8] = []
            header.appendBigEndian(UInt16(0x2000))  // version 2, VLAN 0
            header.appendBigEndian(session & 0x03FF)
            header.appendBigEndian(UInt32(0x0102_0304))  // timestamp
            header.appendBigEndian(UInt16(0))  // SGT
            header.append(0)  // P 0, frame type 0 (Ethernet), hardware ID high bits
            header.append(platformSubheader ? 0x01 : 0x00)  // ..., O bit
            if platformSubheader { header += [0x0C, 0, 0, 0, 0, 0, 0, 0] }  // platform ID 3, zero fields
            bytes = header + bytes
            writeGRE(protocolType: 0x22EB, checksum: false, key: nil, sequence: UInt32(session))
        }
    }

    private mutating func writeUDP(destinationPort: UInt16, payload: [UInt8]) {
        var header: [UInt8] = []
        header.appendBigEndian(UInt16(49_152 | (payload.count & 0x3FFF)))  // source port: any entropy
        header.appendBigEndian(destinationPort)
        header.appendBigEndian(UInt16(payload.count + 8))
        header.appendBigEndian(UInt16(0))  // checksum: none over IPv4 (RFC 768); set for IPv6 later
        set(header + payload, .udp)
    }

    /// Sets the UDP checksum IPv6 requires (RFC 8200 §8.1) over the pseudo-header.
    private mutating func fillUDPChecksum(source: IPAddress, destination: IPAddress) {
        var pseudo = IPPacketBuilder.ipv6Bytes(source) + IPPacketBuilder.ipv6Bytes(destination)
        pseudo.appendBigEndian(UInt32(bytes.count))
        pseudo += [0, 0, 0, 17]
        let sum = InternetChecksum.checksum(pseudo + bytes)
        bytes.setBigEndian(sum == 0 ? 0xFFFF : sum, at: 6)
    }

    private mutating func writeNFLOG(_ order: Endianness) {
        var record: [UInt8] = [kind == .ipv6 ? 10 : 2, 0, 0, 7]  // family, version 0, resource ID 7
        func tlv(_ type: UInt16, _ value: [UInt8]) {
            let length = UInt16(4 + value.count)
            if order == .big {
                record.appendBigEndian(length)
                record.appendBigEndian(type)
            } else {
                record += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(type & 0xFF), UInt8(type >> 8)]
            }
            record += value
            while record.count % 4 != 0 { record.append(0) }
        }
        var packetHeader: [UInt8] = []
        packetHeader.appendBigEndian(kind == .ipv6 ? UInt16(0x86DD) : 0x0800)
        tlv(1, packetHeader + [3, 0])  // NFULA_PACKET_HDR: hardware protocol, hook, padding
        tlv(10, Array("bitsnoop\0".utf8))  // NFULA_PREFIX
        tlv(9, bytes)  // NFULA_PAYLOAD
        set(record, .ethernet)
    }

    private mutating func writeWifi(_ framing: WifiFraming) {
        let qos = framing.qos
        var control: [UInt8] = [qos ? 0x88 : 0x08, 0]  // type 2 (data), subtype 8 (QoS data) or 0
        control[1] = framing.fourAddress ? 0x03 : 0x01  // To DS (and From DS)
        if framing.protected { control[1] |= 0x40 }
        if qos && framing.htControl { control[1] |= 0x80 }  // Order: HT Control present
        let ap = [UInt8](arrayLiteral: 0x02, 0xAA, 0, 0, 0, 1)
        var frame = control + [0x2C, 0x00]  // duration
        frame += ap + LinkEncapsulation.macAddress(for: source) + LinkEncapsulation.macAddress(for: destination)
        frame += [0x10, 0x00]  // sequence control
        if framing.fourAddress { frame += LinkEncapsulation.macAddress(for: source) }
        if qos { frame += [0x00, 0x00] }
        if qos && framing.htControl { frame += [0, 0, 0, 0] }
        frame += [0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00]
        frame.appendBigEndian(etherType)
        frame += bytes
        switch framing.radio {
        case .none:
            set(frame, .ethernet)
        case .radiotap(let fcs):
            // Version 0, pad, length 17 (little-endian), present: TSFT and Flags; TSFT; Flags.
            var header: [UInt8] = [0, 0, 17, 0, 0x03, 0, 0, 0]
            header += [1, 2, 3, 4, 5, 6, 7, 8]
            header.append(fcs ? 0x10 : 0x00)
            if fcs { frame.append(Self.crc32(frame), endianness: .little) }
            set(header + frame, .ethernet)
        case .ppi:
            set([0, 0, 8, 0, 105, 0, 0, 0] + frame, .ethernet)
        }
    }

    /// The IEEE 802.3 CRC-32 (the 802.11 FCS), bit-reversed polynomial 0xEDB88320.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
