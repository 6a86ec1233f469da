#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-buffer positioned reads and writes on file descriptors, retrying short transfers and
/// interrupted calls.
enum PositionedIO {
    /// Writes all of `bytes` at `offset`. Throws on any error (a full disk, an offset the file
    /// system cannot hold).
    static func write(_ fd: CInt, _ bytes: UnsafeRawBufferPointer, at offset: UInt64, what: String) throws {
        var done = 0
        while done < bytes.count {
            guard let position = fileOffset(offset, plus: done) else {
                throw ExtractionError("\(what): offset \(offset) is past what a file can hold")
            }
            let result = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, position)
            if result < 0 {
                if errno == EINTR { continue }
                throw ExtractionError.system(what, errno)
            }
            guard result > 0 else { throw ExtractionError("\(what): nothing written") }
            done += result
        }
    }

    /// Fills `buffer` from `offset`; returns how many bytes were read (fewer only at the end of the
    /// file). Throws on a read error.
    static func read(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64, what: String) throws
        -> Int
    {
        var done = 0
        while done < buffer.count {
            guard let position = fileOffset(offset, plus: done) else { break }
            let result = pread(fd, buffer.baseAddress! + done, buffer.count - done, position)
            if result < 0 {
                if errno == EINTR { continue }
                throw ExtractionError.system(what, errno)
            }
            if result == 0 { break }
            done += result
        }
        return done
    }

    /// `offset + delta` as a file offset, or `nil` past `off_t`'s range.
    static func fileOffset(_ offset: UInt64, plus delta: Int) -> off_t? {
        let (sum, overflow) = offset.addingReportingOverflow(UInt64(delta))  // delta ≥ 0: a count
        guard !overflow, sum <= UInt64(Int64.max) else { return nil }
        return off_t(sum)
    }
}
