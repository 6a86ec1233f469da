import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 of a file's bytes, read back from the page cache.
enum FileDigest {
    /// Bytes mapped at a time when hashing: the file's pages are hashed in place (no copy out of the
    /// page cache), and at most this much of it counts towards the process's memory at once.
    static let mappedWindowBytes = 4 << 20

    /// The lower-case hex SHA-256 of the first `length` bytes of `fd` (a shorter file is hashed as
    /// far as it goes). Throws on a read error.
    static func sha256(of fd: CInt, length: UInt64, buffer: UnsafeMutableRawBufferPointer, what: String) throws
        -> String
    {
        var hasher = SHA256()
        var offset: UInt64 = 0
        // Mapped windows first, up to the file's end; `pread` through `buffer` takes over where
        // mapping is refused or the file is shorter than `length`.
        let mappable = min(length, fileSize(fd))
        while offset < mappable, let window = map(fd, at: offset, upTo: mappable) {
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: window.base, count: window.count))
            munmap(window.base, window.count)
            offset += UInt64(window.count)
        }
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

    /// The file's size, or 0 when it cannot be read (then nothing is mapped).
    private static func fileSize(_ fd: CInt) -> UInt64 {
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size >= 0 else { return 0 }
        return UInt64(status.st_size)
    }

    /// Maps the window of the file at `offset` (before `end`, within the file) read-only, or `nil`
    /// when the system refuses (then the caller reads instead).
    private static func map(_ fd: CInt, at offset: UInt64, upTo end: UInt64)
        -> (base: UnsafeMutableRawPointer, count: Int)?
    {
        // `offset` is a multiple of the window size, itself a multiple of the page size.
        guard offset < end, let position = off_t(exactly: offset) else { return nil }
        let count = Int(min(UInt64(mappedWindowBytes), end - offset))
        guard let base = mmap(nil, count, PROT_READ, MAP_SHARED, fd, position), base != MAP_FAILED else { return nil }
        return (base, count)
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
