import AnalyzerCore

/// Builds IPv4 and IPv6 packets with correct lengths and header checksums.
///
/// The builders are for generating test traffic: a caller asking for something no packet can hold
/// (options over 40 bytes, a datagram over 65,535 bytes) is a programming error and stops the program.
public enum IPPacketBuilder {
    /// Protocol number of TCP.
    public static let tcpProtocol: UInt8 = 6

    /// An IPv4 packet: 20-byte header plus `options` (zero-padded to a multiple of 4, at most 40
    /// bytes), checksummed, followed by `payload`. Fragment offset 0 and MF clear.
    public static func ipv4(
        source: UInt32,
        destination: UInt32,
        protocolNumber: UInt8,
        payload: [UInt8],
        identification: UInt16,
        ttl: UInt8 = 64,
        options: [UInt8] = [],
        dontFragment: Bool = true
    ) -> [UInt8] {
        ipv4Header(
            source: source, destination: destination, protocolNumber: protocolNumber,
            payloadLength: payload.count, identification: identification, ttl: ttl, options: options,
            flagsAndOffset: dontFragment ? 0x4000 : 0
        ) + payload
    }

    /// An IPv6 packet: the fixed header, `extensionHeaders` chained in order, then `payload`, whose
    /// protocol is `nextHeader`. An IPv4 address given for either end is written IPv4-mapped
    /// (`::ffff:a.b.c.d`).
    public static func ipv6(
        source: IPAddress,
        destination: IPAddress,
        nextHeader: UInt8,
        payload: [UInt8],
        extensionHeaders: [IPv6ExtensionHeader] = [],
        hopLimit: UInt8 = 64,
        flowLabel: UInt32 = 0
    ) -> [UInt8] {
        var chain: [UInt8] = []
        for (index, header) in extensionHeaders.enumerated() {
            let next = index + 1 < extensionHeaders.count ? extensionHeaders[index + 1].headerType : nextHeader
            chain += header.encoded(nextHeader: next)
        }
        let payloadLength = chain.count + payload.count
        precondition(payloadLength <= 0xFFFF, "IPv6 payload over 65,535 bytes (jumbograms are not generated)")
        var packet: [UInt8] = []
        packet.reserveCapacity(40 + payloadLength)
        packet.appendBigEndian(UInt32(6) << 28 | (flowLabel & 0xF_FFFF))
        packet.appendBigEndian(UInt16(payloadLength))
        packet.append(extensionHeaders.first?.headerType ?? nextHeader)
        packet.append(hopLimit)
        packet += ipv6Bytes(source)
        packet += ipv6Bytes(destination)
        return packet + chain + payload
    }

    /// The 16 address bytes IPv6 headers carry for `address`: itself, or IPv4-mapped for IPv4.
    static func ipv6Bytes(_ address: IPAddress) -> [UInt8] {
        switch address {
        case .v6: return address.bytes
        case .v4(let value): return IPAddress.v6(0, 0x0000_FFFF_0000_0000 | UInt64(value)).bytes
        }
    }

    /// An IPv4 header with the given raw flags-and-offset field, checksummed.
    static func ipv4Header(
        source: UInt32,
        destination: UInt32,
        protocolNumber: UInt8,
        payloadLength: Int,
        identification: UInt16,
        ttl: UInt8,
        options: [UInt8],
        flagsAndOffset: UInt16
    ) -> [UInt8] {
        var paddedOptions = options
        while paddedOptions.count % 4 != 0 { paddedOptions.append(0) }  // End of Option List
        precondition(paddedOptions.count <= 40, "IPv4 options over 40 bytes")
        let headerLength = 20 + paddedOptions.count
        precondition(headerLength + payloadLength <= 0xFFFF, "IPv4 datagram over 65,535 bytes")
        var header: [UInt8] = []
        header.reserveCapacity(headerLength)
        header.append(0x40 | UInt8(headerLength / 4))
        header.append(0)  // DSCP and ECN
        header.appendBigEndian(UInt16(headerLength + payloadLength))
        header.appendBigEndian(identification)
        header.appendBigEndian(flagsAndOffset)
        header.append(ttl)
        header.append(protocolNumber)
        header.appendBigEndian(UInt16(0))  // checksum, filled below
        header.appendBigEndian(source)
        header.appendBigEndian(destination)
        header += paddedOptions
        header.setBigEndian(InternetChecksum.checksum(header), at: 10)
        return header
    }
}
