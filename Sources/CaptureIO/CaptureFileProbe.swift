import AnalyzerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What plain POSIX calls learn about a capture before libpcap opens it: whether it is a regular
/// file, its size, and the timestamp resolution its first bytes declare (libpcap hides pcapng's).
///
/// This is the only place bitsnoop reads capture bytes without libpcap, and it reads at most
/// ``headLimit`` bytes, with `pread` so the descriptor's position is left for libpcap.
struct CaptureFileProbe {
    /// The most bytes read from the start of a file to find its declared timestamp resolution.
    static let headLimit = 64 * 1024

    /// True for a regular file: only then is the head read (a pipe's bytes would be consumed).
    var isRegularFile: Bool
    /// Bytes from the descriptor's position to the end of a regular file; `nil` otherwise.
    var size: Int64?
    /// The position libpcap starts reading at (0 for a file opened by path).
    var startOffset: Int64
    /// The resolution the head declares, or `nil` when it could not be told (not a regular file,
    /// unknown format, no interface description within the head).
    var declaredPrecision: TimestampPrecision?
    /// The compression the head starts with (regular files only; `.none` when not known).
    var compression: CaptureCompression = .none
    /// The pcapng interfaces the head describes (regular files only), to tell whether libpcap can read it.
    var pcapngInterfaces: [PcapngHeadInterfaces.Interface] = []

    /// Opens `path` read-only; the caller owns the returned descriptor.
    /// - Throws: ``CaptureError`` `.fileNotFound` (no such file), `.permissionDenied`, or
    ///   `.readFailed` with the operating system's message.
    static func openReadOnly(path: String) throws(CaptureError) -> Int32 {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor < 0 else { return descriptor }
        let code = errno
        let kind: CaptureError.Code
        switch code {
        case ENOENT, ENOTDIR: kind = .fileNotFound
        case EACCES, EPERM: kind = .permissionDenied
        case EISDIR: kind = .notACapture
        default: kind = .readFailed
        }
        throw CaptureError(code: kind, capture: path, reason: systemErrorMessage(code))
    }

    /// Looks at an open descriptor without moving its position. The descriptor stays the caller's.
    /// - Throws: ``CaptureError`` `.notACapture` for a directory, `.readFailed` when `fstat` fails.
    static func examine(fileDescriptor: Int32, name: String) throws(CaptureError) -> CaptureFileProbe {
        var status = stat()
        guard fstat(fileDescriptor, &status) == 0 else {
            throw CaptureError(code: .readFailed, capture: name, reason: systemErrorMessage(errno))
        }
        let fileType = status.st_mode & S_IFMT
        if fileType == S_IFDIR {
            throw CaptureError(code: .notACapture, capture: name, reason: "not a capture file (is a directory)")
        }
        guard fileType == S_IFREG else {
            return CaptureFileProbe(isRegularFile: false, size: nil, startOffset: 0, declaredPrecision: nil)
        }
        let start = max(0, Int64(lseek(fileDescriptor, 0, SEEK_CUR)))
        let size = max(0, Int64(status.st_size) - start)
        let (precision, compression, interfaces) = withUnsafeTemporaryAllocation(byteCount: headLimit, alignment: 8) {
            buffer in
            let count = readHead(fileDescriptor, from: start, into: UnsafeMutableRawBufferPointer(buffer))
            let head = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<count])
            return (DeclaredTimestampResolution.precision(fileStart: head), CaptureCompression.detect(head),
                    PcapngHeadInterfaces.interfaces(fileStart: head) ?? [])
        }
        return CaptureFileProbe(
            isRegularFile: true, size: size, startOffset: start, declaredPrecision: precision, compression: compression,
            pcapngInterfaces: interfaces)
    }

    /// Fills `buffer` from `offset` with `pread` until it is full or the file ends; returns the count
    /// read. A read error ends the head early: libpcap will meet and report the same error.
    private static func readHead(
        _ descriptor: Int32, from offset: Int64, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        var filled = 0
        while filled < buffer.count, let base = buffer.baseAddress {
            let result = pread(descriptor, base + filled, buffer.count - filled, off_t(offset) + off_t(filled))
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { break }
            filled += result
        }
        return filled
    }
}

/// The operating system's words for `errno` value `code`, e.g. `No such file or directory`.
func systemErrorMessage(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}
