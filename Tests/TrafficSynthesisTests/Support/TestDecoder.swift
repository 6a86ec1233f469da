import AnalyzerCore
import TrafficSynthesis

/// A small packet decoder written for the tests only, independently of the generator's code, so
/// that the generator is checked against a second reading of the specs rather than against itself.
enum TestDecoder {
    /// One decoded (and, if need be, reassembled) TCP segment.
    struct Segment {
        var source: Endpoint
        var destination: Endpoint
        var sequenceNumber: UInt32
        var acknowledgmentNumber: UInt32
        var flags: UInt8
        var window: UInt16
        var options: [UInt8]
        /// Captured payload bytes.
        var payload: [UInt8]
        /// Payload length on the wire, from the IP lengths.
        var wirePayloadLength: Int
        /// Whether the TCP checksum verifies; `nil` when the segment was not captured whole.
        var checksumValid: Bool?
        /// Whether the IPv4 header checksum verifies (`nil` for IPv6).
        var ipv4HeaderValid: Bool?
        /// Whether it came out of IP fragment reassembly.
        var wasFragmented: Bool
    }

    /// One decoded IP packet (possibly a fragment).
    struct Datagram {
        var isIPv6: Bool
        var source: IPAddress
        var destination: IPAddress
        /// For IPv4 the protocol; for IPv6 the header after the last extension header walked.
        var nextHeader: UInt8
        var identification: UInt32
        var fragmentOffset: Int
        var moreFragments: Bool
        var isFragment: Bool
        var ipv4HeaderValid: Bool?
        var ipv4HeaderLength: Int
        var ipv4Options: [UInt8]
        var ipv4DontFragment: Bool
        /// Extension header types walked before the payload (IPv6), including 44.
        var extensionHeaderTypes: [UInt8]
        /// Captured payload (after the headers walked), never beyond the IP length.
        var payload: [UInt8]
        var wirePayloadLength: Int
    }

    // MARK: bytes

    static func be16(_ bytes: [UInt8], _ offset: Int) -> Int { Int(bytes[offset]) << 8 | Int(bytes[offset + 1]) }
    static func be32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    /// RFC 1071 ones' complement sum of `bytes`, folded to 16 bits (not complemented).
    static func onesComplementSum(_ bytes: [UInt8]) -> UInt16 {
        var sum = 0
        for index in stride(from: 0, to: bytes.count, by: 2) {
            sum += Int(bytes[index]) << 8 + (index + 1 < bytes.count ? Int(bytes[index + 1]) : 0)
        }
        while sum > 0xFFFF { sum = (sum >> 16) + (sum & 0xFFFF) }
        return UInt16(sum)
    }

    static func addressBytes(_ address: IPAddress, asV6: Bool) -> [UInt8] {
        if case .v4(let value) = address, asV6 {
            return [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + IPAddress.v4(value).bytes
        }
        return address.bytes
    }

    /// Whether the TCP checksum of `segment` verifies: the sum over pseudo-header and segment is 0xFFFF.
    static func tcpChecksumVerifies(_ segment: [UInt8], source: IPAddress, destination: IPAddress) -> Bool {
        let v6 = source.isV6 || destination.isV6
        var pseudo = addressBytes(source, asV6: v6) + addressBytes(destination, asV6: v6)
        let length = segment.count
        if v6 {
            pseudo += [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
                       UInt8(length & 0xFF), 0, 0, 0, 6]
        } else {
            pseudo += [0, 6, UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        }
        return onesComplementSum(pseudo + segment) == 0xFFFF
    }

    // MARK: link

    /// The IP bytes inside `frame` (trailing Ethernet padding included) and the family the link
    /// header announces, or `nil` when the link header is not what `encapsulation` writes.
    static func ipBytes(of frame: [UInt8], encapsulation: LinkEncapsulation) -> (isIPv6: Bool, bytes: [UInt8])? {
        func family(etherType: Int) -> Bool? {
            etherType == 0x0800 ? false : etherType == 0x86DD ? true : nil
        }
        switch encapsulation {
        case .ethernet(let tags):
            var offset = 12
            for index in tags.indices {
                guard frame.count >= offset + 4 else { return nil }
                let expected = index == 0 && tags.count >= 2 ? 0x88A8 : 0x8100
                guard be16(frame, offset) == expected, be16(frame, offset + 2) == Int(tags[index]) else { return nil }
                offset += 4
            }
            guard frame.count >= offset + 2, let v6 = family(etherType: be16(frame, offset)) else { return nil }
            return (v6, Array(frame[(offset + 2)...]))
        case .linuxSLL:
            guard frame.count >= 16, be16(frame, 2) == 1, be16(frame, 4) == 6,
                let v6 = family(etherType: be16(frame, 14))
            else { return nil }
            return (v6, Array(frame[16...]))
        case .linuxSLL2:
            guard frame.count >= 20, be16(frame, 8) == 1, frame[11] == 6, let v6 = family(etherType: be16(frame, 0))
            else { return nil }
            return (v6, Array(frame[20...]))
        case .raw:
            guard let first = frame.first else { return nil }
            return (first >> 4 == 6, frame)
        case .null(let order):
            guard frame.count >= 4 else { return nil }
            let raw = be32(frame, 0)
            let value = order == .big ? raw : raw.byteSwapped
            guard [2, 24, 28, 30].contains(value) else { return nil }
            return (value != 2, Array(frame[4...]))
        case .loop:
            guard frame.count >= 4 else { return nil }
            let value = be32(frame, 0)
            guard value == 2 || value == 24 else { return nil }
            return (value == 24, Array(frame[4...]))
        case .stack(let stack):
            // The inner packet sits between the stack's headers and its trailer.
            let start = stack.headerLength - stack.trailerLength
            guard frame.count > stack.headerLength else { return nil }
            return (frame[start] >> 4 == 6, Array(frame[start..<(frame.count - stack.trailerLength)]))
        }
    }

    // MARK: IP

    /// Decodes an IP packet whose captured bytes are `bytes`; `nil` when its headers are not all there.
    static func datagram(_ bytes: [UInt8]) -> Datagram? {
        guard let first = bytes.first else { return nil }
        if first >> 4 == 4 {
            guard bytes.count >= 20 else { return nil }
            let headerLength = Int(first & 0x0F) * 4
            let total = be16(bytes, 2)
            guard headerLength >= 20, bytes.count >= headerLength, total >= headerLength else { return nil }
            let flags = be16(bytes, 6)
            let offset = (flags & 0x1FFF) * 8
            let more = flags & 0x2000 != 0
            return Datagram(
                isIPv6: false, source: .v4(be32(bytes, 12)), destination: .v4(be32(bytes, 16)),
                nextHeader: bytes[9], identification: UInt32(be16(bytes, 4)), fragmentOffset: offset,
                moreFragments: more, isFragment: more || offset > 0,
                ipv4HeaderValid: onesComplementSum(Array(bytes[0..<headerLength])) == 0xFFFF,
                ipv4HeaderLength: headerLength, ipv4Options: Array(bytes[20..<headerLength]),
                ipv4DontFragment: flags & 0x4000 != 0, extensionHeaderTypes: [],
                payload: Array(bytes[headerLength..<min(total, bytes.count)]), wirePayloadLength: total - headerLength
            )
        }
        guard first >> 4 == 6, bytes.count >= 40 else { return nil }
        let end = 40 + be16(bytes, 4)
        var next = bytes[6]
        var position = 40
        var types: [UInt8] = []
        var fragment: (offset: Int, more: Bool, identification: UInt32)?
        while fragment == nil, [0, 43, 60, 44].contains(next) {
            guard bytes.count >= position + 8 else { return nil }
            types.append(next)
            let headerType = next
            next = bytes[position]
            if headerType == 44 {
                let field = be16(bytes, position + 2)
                fragment = ((field & 0xFFF8), field & 1 != 0, be32(bytes, position + 4))
                position += 8
            } else {
                position += (Int(bytes[position + 1]) + 1) * 8
            }
        }
        guard position <= bytes.count, position <= end else { return nil }
        return Datagram(
            isIPv6: true, source: .v6(from: bytes, at: 8), destination: .v6(from: bytes, at: 24), nextHeader: next,
            identification: fragment?.identification ?? 0, fragmentOffset: fragment?.offset ?? 0,
            moreFragments: fragment?.more ?? false, isFragment: fragment != nil, ipv4HeaderValid: nil,
            ipv4HeaderLength: 0, ipv4Options: [], ipv4DontFragment: false, extensionHeaderTypes: types,
            payload: Array(bytes[position..<min(end, bytes.count)]), wirePayloadLength: end - position
        )
    }

    /// Skips IPv6 extension headers at the start of a reassembled fragmentable part.
    static func skipExtensionHeaders(_ next: UInt8, _ bytes: [UInt8]) -> (UInt8, [UInt8])? {
        var next = next
        var position = 0
        while [0, 43, 60].contains(next) {
            guard bytes.count >= position + 8 else { return nil }
            let length = (Int(bytes[position + 1]) + 1) * 8
            next = bytes[position]
            position += length
        }
        guard position <= bytes.count else { return nil }
        return (next, Array(bytes[position...]))
    }

    // MARK: TCP

    /// Decodes a TCP segment; `nil` when its header was not captured whole.
    static func segment(_ bytes: [UInt8], wireLength: Int, source: IPAddress, destination: IPAddress) -> Segment? {
        guard bytes.count >= 20 else { return nil }
        let headerLength = Int(bytes[12] >> 4) * 4
        guard headerLength >= 20, bytes.count >= headerLength, wireLength >= headerLength else { return nil }
        return Segment(
            source: Endpoint(address: source, port: UInt16(be16(bytes, 0))),
            destination: Endpoint(address: destination, port: UInt16(be16(bytes, 2))),
            sequenceNumber: be32(bytes, 4), acknowledgmentNumber: be32(bytes, 8), flags: bytes[13],
            window: UInt16(be16(bytes, 14)), options: Array(bytes[20..<headerLength]),
            payload: Array(bytes[headerLength...]), wirePayloadLength: wireLength - headerLength,
            checksumValid: bytes.count == wireLength
                ? tcpChecksumVerifies(bytes, source: source, destination: destination) : nil,
            ipv4HeaderValid: nil, wasFragmented: false
        )
    }

    /// Every TCP segment a capture of `packets` shows, in capture order; a fragmented datagram appears
    /// where its last fragment completes it, and not at all when a fragment was cut or is missing.
    static func segments(of packets: [SyntheticPacket], encapsulation: LinkEncapsulation) -> [Segment] {
        var result: [Segment] = []
        var pending: [String: [Datagram]] = [:]
        var broken: Set<String> = []
        for packet in packets {
            guard let (_, ip) = ipBytes(of: packet.bytes, encapsulation: encapsulation),
                let datagram = datagram(ip)
            else { continue }
            guard datagram.isFragment else {
                guard datagram.nextHeader == 6,
                    var segment = segment(datagram.payload, wireLength: datagram.wirePayloadLength,
                                          source: datagram.source, destination: datagram.destination)
                else { continue }
                segment.ipv4HeaderValid = datagram.ipv4HeaderValid
                result.append(segment)
                continue
            }
            let key = "\(datagram.source)|\(datagram.destination)|\(datagram.identification)|\(datagram.isIPv6)"
            if datagram.payload.count < datagram.wirePayloadLength { broken.insert(key) }
            pending[key, default: []].append(datagram)
            let pieces = pending[key]!.sorted { $0.fragmentOffset < $1.fragmentOffset }
            guard let last = pieces.last, !last.moreFragments else { continue }
            var whole: [UInt8] = []
            var contiguous = true
            for piece in pieces {
                if piece.fragmentOffset != whole.count { contiguous = false }
                whole += piece.payload
            }
            guard contiguous, !broken.contains(key) else { continue }
            pending[key] = nil
            guard let (next, upper) = datagram.isIPv6 ? skipExtensionHeaders(pieces[0].nextHeader, whole)
                    : (pieces[0].nextHeader, whole),
                next == 6,
                var segment = segment(upper, wireLength: upper.count, source: datagram.source,
                                      destination: datagram.destination)
            else { continue }
            segment.ipv4HeaderValid = pieces.allSatisfy { $0.ipv4HeaderValid ?? true } ? datagram.ipv4HeaderValid : false
            segment.wasFragmented = true
            result.append(segment)
        }
        return result
    }
}

extension IPAddress {
    /// Reads 16 address bytes from an array (test helper).
    static func v6(from bytes: [UInt8], at offset: Int) -> IPAddress {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 { high = high << 8 | UInt64(bytes[offset + index]) }
        for index in 8..<16 { low = low << 8 | UInt64(bytes[offset + index]) }
        return .v6(high, low)
    }
}
