/// An IPv4 or IPv6 address held inline (no allocation), so that flow keys hash cheaply.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// An IPv4 address as a host-order integer (`192.0.2.1` is `0xC000_0201`).
    case v4(UInt32)
    /// An IPv6 address as two host-order halves, most significant first.
    case v6(UInt64, UInt64)

    /// Reads a 4-byte IPv4 address at `offset`, or `nil` when the bytes are not there.
    public static func v4(from reader: ByteReader, at offset: Int) -> IPAddress? {
        reader.getUInt32(at: offset).map { .v4($0) }
    }

    /// Reads a 16-byte IPv6 address at `offset`, or `nil` when the bytes are not there.
    public static func v6(from reader: ByteReader, at offset: Int) -> IPAddress? {
        guard let high = reader.getUInt64(at: offset), let low = reader.getUInt64(at: offset + 8) else { return nil }
        return .v6(high, low)
    }

    /// Whether this is an IPv6 address.
    public var isV6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value):
            return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .v6(let high, let low):
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        }
    }

    /// Dotted quad for IPv4; RFC 5952 text for IPv6 (lower case, longest zero run compressed).
    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
        case .v6(let high, let low):
            let groups = (0..<4).map { UInt16(truncatingIfNeeded: high >> (48 - 16 * $0)) }
                + (0..<4).map { UInt16(truncatingIfNeeded: low >> (48 - 16 * $0)) }
            return Self.ipv6Text(groups)
        }
    }

    /// Orders IPv4 before IPv6, then numerically.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case (.v6(let ah, let al), .v6(let bh, let bl)): return ah != bh ? ah < bh : al < bl
        }
    }

    private static func ipv6Text(_ groups: [UInt16]) -> String {
        // RFC 5952 §4.2: compress the longest run of two or more zero groups (the first on a tie).
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < groups.count {
            if groups[index] == 0 {
                var end = index
                while end < groups.count, groups[end] == 0 { end += 1 }
                if end - index > bestLength, end - index >= 2 {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}
