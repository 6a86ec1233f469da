/// The pieces of one key log line.
enum KeyLogLine {
    /// The labels whose secrets decryption uses.
    enum Label {
        /// `CLIENT_RANDOM`, `CLIENT_HANDSHAKE_TRAFFIC_SECRET`, `SERVER_HANDSHAKE_TRAFFIC_SECRET`,
        /// `CLIENT_TRAFFIC_SECRET_0`, `SERVER_TRAFFIC_SECRET_0`.
        case clientRandom, clientHandshake, serverHandshake, clientTraffic0, serverTraffic0

        /// The label a line's first field names, or `nil` for one not used here (compared exactly:
        /// writers use upper case).
        init?(_ field: UnsafeRawBufferPointer) {
            switch String(decoding: field, as: UTF8.self) {
            case "CLIENT_RANDOM": self = .clientRandom
            case "CLIENT_HANDSHAKE_TRAFFIC_SECRET": self = .clientHandshake
            case "SERVER_HANDSHAKE_TRAFFIC_SECRET": self = .serverHandshake
            case "CLIENT_TRAFFIC_SECRET_0": self = .clientTraffic0
            case "SERVER_TRAFFIC_SECRET_0": self = .serverTraffic0
            default: return nil
            }
        }

        /// A TLS 1.2 master secret is 48 bytes (RFC 5246 §8.1); a TLS 1.3 secret is as long as
        /// the suite's hash: 32 (SHA-256) or 48 (SHA-384).
        func accepts(length: Int) -> Bool {
            self == .clientRandom ? length == 48 : (length == 32 || length == 48)
        }
    }

    /// The whitespace-separated fields of `line`; none for a blank line or a `#` comment. At most
    /// four are returned (a fourth only to tell that the line has too many).
    static func fields(_ line: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
        var fields: [UnsafeRawBufferPointer] = []
        var index = 0
        while index < line.count, fields.count < 4 {
            while index < line.count, isSpace(line[index]) { index += 1 }
            guard index < line.count else { break }
            if fields.isEmpty, line[index] == UInt8(ascii: "#") { return [] }
            let start = index
            while index < line.count, !isSpace(line[index]) { index += 1 }
            fields.append(UnsafeRawBufferPointer(rebasing: line[start..<index]))
        }
        return fields
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }

    /// The bytes an even run of hex digits (either case) spells, or `nil`. Secrets are short: a
    /// field longer than 256 digits is rejected before any allocation grows with it.
    static func hex(_ field: UnsafeRawBufferPointer) -> [UInt8]? {
        guard field.count % 2 == 0, field.count > 0, field.count <= 256 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(field.count / 2)
        var index = 0
        while index < field.count {
            guard let high = nibble(field[index]), let low = nibble(field[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x41...0x46: digit - 0x41 + 10
        case 0x61...0x66: digit - 0x61 + 10
        default: nil
        }
    }
}
