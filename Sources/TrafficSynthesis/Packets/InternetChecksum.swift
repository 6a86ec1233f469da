import AnalyzerCore

/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit words.
enum InternetChecksum {
    /// The checksum of `bytes`, an odd final byte padded with a zero byte as RFC 1071 says.
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt64 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt64(bytes[index]) << 8 }
        // Fold the carries back in; a 64-bit accumulator cannot overflow for any array that fits in memory.
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` in network byte order.
    mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }

    /// Appends `value` in network byte order.
    mutating func appendBigEndian(_ value: UInt32) {
        appendBigEndian(UInt16(value >> 16))
        appendBigEndian(UInt16(value & 0xFFFF))
    }

    /// Appends `value` in the given byte order.
    mutating func append(_ value: UInt32, endianness: Endianness) {
        if endianness == .big {
            appendBigEndian(value)
        } else {
            for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
        }
    }

    /// Overwrites the two bytes at `offset` with `value` in network byte order.
    mutating func setBigEndian(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(value >> 8)
        self[offset + 1] = UInt8(value & 0xFF)
    }

    /// The 16-bit network-order integer at `offset`, or `nil` when the bytes are not there.
    func bigEndianUInt16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset + 1 < count else { return nil }
        return UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }
}
