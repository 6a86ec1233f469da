import Crypto

/// SHA-256 of a file's bytes, read back through a caller's buffer.
enum FileDigest {
    /// The lower-case hex SHA-256 of the first `length` bytes of `fd` (a shorter file is hashed as
    /// far as it goes). Throws on a read error.
    static func sha256(of fd: CInt, length: UInt64, buffer: UnsafeMutableRawBufferPointer, what: String) throws
        -> String
    {
        var hasher = SHA256()
        var offset: UInt64 = 0
        while offset < length {
            let chunk = Int(min(UInt64(buffer.count), length - offset))
            let count = try PositionedIO.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<chunk]),
                                              at: offset, what: what)
            guard count > 0 else { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            offset += UInt64(count)
        }
        return hex(hasher.finalize())
    }

    /// Lower-case hex of a digest's bytes.
    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
