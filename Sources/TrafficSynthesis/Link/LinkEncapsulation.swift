import AnalyzerCore

/// The link-layer framing put around generated IP packets, one per capture link type.
public enum LinkEncapsulation: Hashable, Sendable {
    /// Ethernet II. `vlanTags` are full 16-bit TCIs (VLAN ID in the low 12 bits), outermost first:
    /// none for a plain frame, one for 802.1Q (TPID 0x8100), two for QinQ (outer TPID 0x88A8, inner
    /// 0x8100). With more than two, the first uses 0x88A8 and the rest 0x8100.
    case ethernet(vlanTags: [UInt16])
    /// Linux cooked capture v1 (`LINKTYPE_LINUX_SLL`, 113): 16-byte header.
    case linuxSLL
    /// Linux cooked capture v2 (`LINKTYPE_LINUX_SLL2`, 276): 20-byte header, interface index
    /// ``cookedInterfaceIndex``.
    case linuxSLL2
    /// Raw IP (`LINKTYPE_RAW`, 101): no link header.
    case raw
    /// BSD loopback (`LINKTYPE_NULL`, 0): the address family as a 4-byte integer in the capturing
    /// host's byte order. AF_INET is 2 everywhere; for AF_INET6 this writes 24 (NetBSD/OpenBSD) in
    /// big-endian captures and 30 (macOS) in little-endian ones; readers must accept 24, 28 and 30.
    case null(Endianness)
    /// OpenBSD loopback (`LINKTYPE_LOOP`, 108): the address family in network byte order
    /// (AF_INET 2, AF_INET6 24).
    case loop
    /// Tunnels, label stacks or another link framing around the IP packet (see ``EncapsulationStack``).
    case stack(EncapsulationStack)

    /// Interface index written in Linux cooked v2 headers.
    public static let cookedInterfaceIndex: UInt32 = 2

    /// Every kind of framing, including single-tagged and QinQ Ethernet and both loopback byte orders.
    public static let allCases: [LinkEncapsulation] = [
        .ethernet(vlanTags: []), .ethernet(vlanTags: [100]), .ethernet(vlanTags: [0x2064, 200]),
        .linuxSLL, .linuxSLL2, .raw, .null(.big), .null(.little), .loop,
    ]

    /// The `LINKTYPE_*` value for a capture file header.
    public var linkTypeValue: UInt32 {
        switch self {
        case .ethernet: return 1
        case .linuxSLL: return 113
        case .linuxSLL2: return 276
        case .raw: return 101
        case .null: return 0
        case .loop: return 108
        case .stack(let stack): return stack.linkTypeValue
        }
    }

    /// Bytes of link header this framing puts before the IP packet (the same for IPv4 and IPv6).
    public var headerLength: Int {
        switch self {
        case .ethernet(let tags): return 14 + 4 * tags.count
        case .linuxSLL: return 16
        case .linuxSLL2: return 20
        case .raw: return 0
        case .null, .loop: return 4
        case .stack(let stack): return stack.headerLength
        }
    }

    /// `ipPacket` with this link header in front.
    ///
    /// MAC addresses come from ``macAddress(for:)`` of `source` and `destination`. `outgoing` says
    /// whether the capturing host sent the frame: Linux cooked headers then carry packet type 4
    /// (outgoing) rather than 0 (to us), and Ethernet frames the host received that are shorter
    /// than the 60-byte minimum arrive zero-padded to it, as NICs deliver them (readers must trust
    /// the IP length, not the frame length). Outgoing frames are captured before padding.
    public func frame(
        ipPacket: [UInt8],
        isIPv6: Bool,
        from source: IPAddress,
        to destination: IPAddress,
        outgoing: Bool = true
    ) -> [UInt8] {
        let etherType: UInt16 = isIPv6 ? 0x86DD : 0x0800
        var header: [UInt8] = []
        header.reserveCapacity(headerLength)
        switch self {
        case .ethernet(let tags):
            header += Self.macAddress(for: destination)
            header += Self.macAddress(for: source)
            for (index, tag) in tags.enumerated() {
                header.appendBigEndian(index == 0 && tags.count >= 2 ? UInt16(0x88A8) : UInt16(0x8100))
                header.appendBigEndian(tag)
            }
            header.appendBigEndian(etherType)
            var frame = header + ipPacket
            if !outgoing, frame.count < 60 { frame += [UInt8](repeating: 0, count: 60 - frame.count) }
            return frame
        case .linuxSLL:
            header.appendBigEndian(UInt16(outgoing ? 4 : 0))  // packet type
            header.appendBigEndian(UInt16(1))  // ARPHRD_ETHER
            header.appendBigEndian(UInt16(6))  // link-layer address length
            header += Self.macAddress(for: source) + [0, 0]
            header.appendBigEndian(etherType)
        case .linuxSLL2:
            header.appendBigEndian(etherType)
            header.appendBigEndian(UInt16(0))  // reserved
            header.appendBigEndian(Self.cookedInterfaceIndex)
            header.appendBigEndian(UInt16(1))  // ARPHRD_ETHER
            header.append(outgoing ? 4 : 0)  // packet type
            header.append(6)  // link-layer address length
            header += Self.macAddress(for: source) + [0, 0]
        case .raw:
            break
        case .null(let order):
            header.append(isIPv6 ? (order == .big ? 24 : 30) : 2, endianness: order)
        case .loop:
            header.appendBigEndian(UInt32(isIPv6 ? 24 : 2))
        case .stack(let stack):
            return stack.frame(ipPacket: ipPacket, isIPv6: isIPv6, from: source, to: destination)
        }
        return header + ipPacket
    }

    /// A locally administered unicast MAC address derived from `address`, so that each host keeps
    /// one MAC: `02:00:a:b:c:d` for IPv4 `a.b.c.d`, `02` plus five bytes of an FNV-1a hash for IPv6.
    public static func macAddress(for address: IPAddress) -> [UInt8] {
        switch address {
        case .v4:
            return [0x02, 0x00] + address.bytes
        case .v6:
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in address.bytes {
                // FNV-1a is defined modulo 2^64.
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
            return [0x02] + (0..<5).map { UInt8(truncatingIfNeeded: hash >> (8 * UInt64($0))) }
        }
    }
}
