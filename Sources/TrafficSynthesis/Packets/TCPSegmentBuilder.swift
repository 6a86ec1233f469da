import AnalyzerCore

/// Builds TCP segments (header, options, payload) with a correct checksum over the pseudo-header.
public enum TCPSegmentBuilder {
    /// A TCP header plus `options` (zero-padded to a multiple of 4, at most 40 bytes) plus `payload`,
    /// checksummed for the addresses of `source` and `destination` (RFC 9293 §3.1 pseudo-header for
    /// IPv4, RFC 8200 §8.1 for IPv6). When one address is IPv6 the other is taken IPv4-mapped, as
    /// ``IPPacketBuilder/ipv6(source:destination:nextHeader:payload:extensionHeaders:hopLimit:flowLabel:)``
    /// writes it.
    public static func segment(
        source: Endpoint,
        destination: Endpoint,
        sequenceNumber: UInt32,
        acknowledgmentNumber: UInt32,
        flags: TCPFlags,
        window: UInt16 = 65535,
        options: [UInt8] = [],
        payload: [UInt8],
        urgentPointer: UInt16 = 0
    ) -> [UInt8] {
        var paddedOptions = options
        while paddedOptions.count % 4 != 0 { paddedOptions.append(0) }  // End of Option List
        precondition(paddedOptions.count <= 40, "TCP options over 40 bytes")
        let headerLength = 20 + paddedOptions.count
        var segment: [UInt8] = []
        segment.reserveCapacity(headerLength + payload.count)
        segment.appendBigEndian(source.port)
        segment.appendBigEndian(destination.port)
        segment.appendBigEndian(sequenceNumber)
        segment.appendBigEndian(acknowledgmentNumber)
        segment.append(UInt8(headerLength / 4) << 4)
        segment.append(flags.rawValue)
        segment.appendBigEndian(window)
        segment.appendBigEndian(UInt16(0))  // checksum, filled below
        segment.appendBigEndian(urgentPointer)
        segment += paddedOptions
        segment += payload
        let sum = checksum(segment: segment, source: source.address, destination: destination.address)
        segment.setBigEndian(sum, at: 16)
        return segment
    }

    /// The checksum of `segment` (whose checksum field must be zero) for the given addresses.
    static func checksum(segment: [UInt8], source: IPAddress, destination: IPAddress) -> UInt16 {
        var pseudo: [UInt8] = []
        if case .v4(let sourceValue) = source, case .v4(let destinationValue) = destination {
            pseudo.appendBigEndian(sourceValue)
            pseudo.appendBigEndian(destinationValue)
            pseudo.append(0)
            pseudo.append(IPPacketBuilder.tcpProtocol)
            pseudo.appendBigEndian(UInt16(truncatingIfNeeded: segment.count))  // IPv4 limits it to 16 bits
        } else {
            pseudo += IPPacketBuilder.ipv6Bytes(source)
            pseudo += IPPacketBuilder.ipv6Bytes(destination)
            pseudo.appendBigEndian(UInt32(truncatingIfNeeded: segment.count))  // below 2^32: it is in memory
            pseudo += [0, 0, 0, IPPacketBuilder.tcpProtocol]
        }
        return InternetChecksum.checksum(pseudo + segment)
    }
}
