import AnalyzerCore

/// Builds test packets as byte arrays. Checksums are left zero: the decoder does not verify them.
enum PacketBuilder {
    static let clientV4: [UInt8] = [192, 0, 2, 1]
    static let serverV4: [UInt8] = [198, 51, 100, 2]
    static let clientV6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
    static let serverV6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    static let payload: [UInt8] = Array("BITS_POST /upload/file.bin HTTP/1.1\r\nHost: example\r\n\r\n".utf8)

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xFFFF)) }

    /// A TCP header with `options` (a multiple of 4 bytes) and a payload.
    static func tcp(
        sourcePort: UInt16 = 49_152,
        destinationPort: UInt16 = 80,
        sequence: UInt32 = 1_000,
        acknowledgment: UInt32 = 2_000,
        flags: UInt8 = 0x18,
        window: UInt16 = 8_192,
        options: [UInt8] = [],
        dataOffsetWords: UInt8? = nil,
        payload: [UInt8] = PacketBuilder.payload
    ) -> [UInt8] {
        precondition(options.count % 4 == 0 && options.count <= 40, "test TCP options must fill 0...10 words")
        let words = dataOffsetWords ?? UInt8(5 + options.count / 4)
        return be16(sourcePort) + be16(destinationPort) + be32(sequence) + be32(acknowledgment)
            + [words << 4, flags] + be16(window) + [0, 0, 0, 0] + options + payload
    }

    /// An IPv4 packet around `payload`.
    static func ipv4(
        source: [UInt8] = clientV4,
        destination: [UInt8] = serverV4,
        protocolNumber: UInt8 = 6,
        identification: UInt16 = 0x1234,
        flagsAndOffset: UInt16 = 0x4000,
        options: [UInt8] = [],
        headerWords: UInt8? = nil,
        totalLength: Int? = nil,
        version: UInt8 = 4,
        payload: [UInt8]
    ) -> [UInt8] {
        precondition(options.count % 4 == 0, "test IPv4 options must fill whole words")
        let words = headerWords ?? UInt8(5 + options.count / 4)
        let total = totalLength ?? (20 + options.count + payload.count)
        return [version << 4 | words, 0] + be16(UInt16(truncatingIfNeeded: total)) + be16(identification)
            + be16(flagsAndOffset) + [64, protocolNumber, 0, 0] + source + destination + options + payload
    }

    /// An IPv6 packet whose payload (extension headers included) is `payload`.
    static func ipv6(
        source: [UInt8] = clientV6,
        destination: [UInt8] = serverV6,
        nextHeader: UInt8 = 6,
        payloadLength: Int? = nil,
        version: UInt8 = 6,
        payload: [UInt8]
    ) -> [UInt8] {
        [version << 4, 0, 0, 0] + be16(UInt16(truncatingIfNeeded: payloadLength ?? payload.count))
            + [nextHeader, 64] + source + destination + payload
    }

    /// An extension header of the `(length + 1) * 8` family (Hop-by-Hop, Routing, Destination Options,
    /// Mobility), filled with zero bytes (Pad1 options).
    static func extensionHeader(next: UInt8, lengthField: UInt8 = 0) -> [UInt8] {
        [next, lengthField] + [UInt8](repeating: 0, count: (Int(lengthField) + 1) * 8 - 2)
    }

    /// An Authentication Header: `(lengthField + 2) * 4` bytes.
    static func authenticationHeader(next: UInt8, lengthField: UInt8 = 4) -> [UInt8] {
        [next, lengthField] + [UInt8](repeating: 0xAA, count: (Int(lengthField) + 2) * 4 - 2)
    }

    /// An IPv6 Fragment header.
    static func fragmentHeader(next: UInt8 = 6, offset: Int, more: Bool, identification: UInt32) -> [UInt8] {
        [next, 0] + be16(UInt16(truncatingIfNeeded: offset) & 0xFFF8 | (more ? 1 : 0)) + be32(identification)
    }

    // MARK: Link layers

    static func ethernet(_ packet: [UInt8], etherType: UInt16, tags: [UInt16] = []) -> [UInt8] {
        var frame: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB]
        for (index, tpid) in tags.enumerated() { frame += be16(tpid) + be16(UInt16(100 + index)) }
        return frame + be16(etherType) + packet
    }

    static func linuxCooked(_ packet: [UInt8], protocolType: UInt16) -> [UInt8] {
        // Packet type 0 (to us), ARPHRD_ETHER, address length 6, address padded to 8, protocol.
        [0, 0, 0, 1, 0, 6, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0, 0] + be16(protocolType) + packet
    }

    static func linuxCookedV2(_ packet: [UInt8], protocolType: UInt16) -> [UInt8] {
        // Protocol, reserved, interface index 2, ARPHRD_ETHER, packet type 0, address length 6, address.
        be16(protocolType) + [0, 0] + be32(2) + [0, 1, 0, 6] + [0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0, 0] + packet
    }

    static func null(_ packet: [UInt8], family: UInt32, bigEndian: Bool) -> [UInt8] {
        let bytes = be32(family)
        return (bigEndian ? bytes : bytes.reversed()) + packet
    }

    static func loop(_ packet: [UInt8], family: UInt32) -> [UInt8] { be32(family) + packet }

    /// Wraps an IP packet of the given version for any supported link type.
    static func frame(_ packet: [UInt8], isV6: Bool, linkType: LinkType) -> [UInt8] {
        let etherType: UInt16 = isV6 ? 0x86DD : 0x0800
        switch linkType {
        case .ethernet: return ethernet(packet, etherType: etherType)
        case .linuxSLL: return linuxCooked(packet, protocolType: etherType)
        case .linuxSLL2: return linuxCookedV2(packet, protocolType: etherType)
        case .null: return null(packet, family: isV6 ? 30 : 2, bigEndian: false)
        case .loop: return loop(packet, family: isV6 ? 24 : 2)
        default: return packet
        }
    }

    /// Splits an IP payload into `(offset, bytes, isLast)` pieces of `size` bytes (a multiple of 8).
    static func split(_ payload: [UInt8], size: Int) -> [(offset: Int, bytes: [UInt8], isLast: Bool)] {
        stride(from: 0, to: payload.count, by: size).map { offset in
            let end = min(offset + size, payload.count)
            return (offset, Array(payload[offset..<end]), end == payload.count)
        }
    }

    /// An IPv4 fragment of a datagram with `identification`.
    static func ipv4Fragment(
        offset: Int, bytes: [UInt8], isLast: Bool, identification: UInt16 = 0x4242, options: [UInt8] = []
    ) -> [UInt8] {
        let field = UInt16(offset / 8) | (isLast ? 0 : 0x2000)
        return ipv4(identification: identification, flagsAndOffset: field, options: options, payload: bytes)
    }

    /// An IPv6 fragment (optionally with a Hop-by-Hop header before the Fragment header).
    static func ipv6Fragment(
        offset: Int, bytes: [UInt8], isLast: Bool, identification: UInt32 = 0x0BAD_F00D, hopByHop: Bool = false
    ) -> [UInt8] {
        let fragment = fragmentHeader(offset: offset, more: !isLast, identification: identification)
        if hopByHop {
            return ipv6(nextHeader: 0, payload: extensionHeader(next: 44) + fragment + bytes)
        }
        return ipv6(nextHeader: 44, payload: fragment + bytes)
    }
}
