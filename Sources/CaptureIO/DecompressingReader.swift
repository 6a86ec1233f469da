import CStdioCookie
import CZlib
import CZstd

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A capture's bytes as a stream, read from a descriptor and decompressed (gzip or zstd) or passed
/// through, handed to libpcap as a stdio `FILE` (``makeFile()``), so that libpcap reads records and
/// applies filters as it does for a plain file.
///
/// Used for every compressed input and for plain inputs that are not regular files (a pipe on
/// standard input), whose first bytes had to be read to tell the format and are handed back here.
/// Memory is bounded: one compressed buffer of ``compressedBufferBytes``, zlib's fixed 32 KiB
/// window, a zstd window of at most 2^``maxZstdWindowLog`` bytes, and an optional head of
/// decompressed bytes (``peekHead(upTo:)``). Damage is not thrown: the read fails, ``failure`` says
/// why, and the capture records an interruption after the packets already read.
final class DecompressingReader {
    /// Bytes read from the descriptor at a time (compressed input buffered before decompressing).
    static let compressedBufferBytes = 64 << 10
    /// The largest zstd window accepted, as a power of two (32 MiB). Frames asking for more
    /// (`zstd --long=27`, `--ultra -22`) fail with zstd's "frame requires too much memory" message.
    static let maxZstdWindowLog: Int32 = 25

    /// The format being read.
    let compression: CaptureCompression
    /// Why reading failed (damaged or cut compressed data, a read error), once it has.
    private(set) var failure: String?
    /// Bytes consumed from the descriptor so far, plus where it started: the position in the file.
    private(set) var position: Int64

    private let descriptor: Int32
    private let input: UnsafeMutableRawPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var inputEnded = false
    /// Inside a gzip member or zstd frame: its end has not been seen yet.
    private var unitOpen = false
    private var zlib: UnsafeMutablePointer<z_stream>?
    private var zstd: OpaquePointer?
    /// Decompressed bytes read ahead by ``peekHead(upTo:)``, served before anything else.
    private var head: UnsafeMutableRawBufferPointer?
    private var headStart = 0
    private var headEnd = 0

    /// Takes over `descriptor` (closed with the `FILE`, or by ``closeDescriptor()``), whose first
    /// bytes `prefix` were already read; `startOffset` is where the descriptor stood before them.
    /// - Returns: `nil` when the decompressor cannot be set up (out of memory); `failure` is unset.
    init?(descriptor: Int32, compression: CaptureCompression, prefix: UnsafeRawBufferPointer, startOffset: Int64) {
        self.descriptor = descriptor
        self.compression = compression
        position = startOffset
        input = .allocate(byteCount: Self.compressedBufferBytes, alignment: 16)
        if let base = prefix.baseAddress, prefix.count > 0 {
            let count = min(prefix.count, Self.compressedBufferBytes)
            input.copyMemory(from: base, byteCount: count)
            inputEnd = count
            position += Int64(count)
        }
        switch compression {
        case .none:
            break
        case .gzip:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 15 + 32: the largest window, and zlib tells a gzip header from a zlib one itself.
            guard inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                stream.deallocate()
                input.deallocate()
                return nil
            }
            zlib = stream
        case .zstd:
            guard let context = ZSTD_createDStream() else {
                input.deallocate()
                return nil
            }
            _ = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, Self.maxZstdWindowLog)
            zstd = context
        }
    }

    deinit {
        if let zlib {
            inflateEnd(zlib)
            zlib.deallocate()
        }
        if let zstd { ZSTD_freeDStream(zstd) }
        head?.deallocate()
        input.deallocate()
    }

    /// Makes the reader for `descriptor` (adopted: closed on a throw), whose compression `probe`
    /// knows for a regular file; for anything else the first bytes are read here to tell it, and
    /// handed back through the reader.
    /// - Throws: ``CaptureError`` `.readFailed` when those bytes cannot be read or memory is short.
    static func open(
        adopting descriptor: Int32, name: String, probe: CaptureFileProbe
    ) throws(CaptureError) -> DecompressingReader {
        var prefix = [UInt8](repeating: 0, count: CaptureCompression.magicBytes)
        var count = 0
        if !probe.isRegularFile {
            while count < prefix.count {
                let result = prefix.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress! + count, $0.count - count) }
                if result < 0 && errno == EINTR { continue }
                if result < 0 {
                    let code = errno
                    close(descriptor)
                    throw CaptureError(code: .readFailed, capture: name, reason: systemErrorMessage(code))
                }
                if result == 0 { break }
                count += result
            }
        }
        let compression = probe.isRegularFile
            ? probe.compression
            : prefix.withUnsafeBytes { CaptureCompression.detect(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        let reader = prefix.withUnsafeBytes {
            DecompressingReader(
                descriptor: descriptor, compression: compression,
                prefix: UnsafeRawBufferPointer(rebasing: $0[..<count]), startOffset: probe.startOffset)
        }
        guard let reader else {
            close(descriptor)
            throw CaptureError(code: .readFailed, capture: name, reason: "cannot set up the \(compression.name) decompressor")
        }
        return reader
    }

    /// Closes the descriptor; for a reader that never became a `FILE`.
    func closeDescriptor() { close(descriptor) }

    /// Reads ahead up to `limit` decompressed bytes (stopping early at the end or on damage) and
    /// returns them; they are still delivered by ``read(into:count:)`` afterwards. Call once, first.
    func peekHead(upTo limit: Int) -> UnsafeRawBufferPointer {
        precondition(head == nil, "peekHead is called once, before reading")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(limit, 1), alignment: 8)
        head = buffer
        var filled = 0
        while filled < limit, let base = buffer.baseAddress {
            let count = produce(into: base + filled, count: limit - filled)
            guard count > 0 else { break }
            filled += count
        }
        headEnd = filled
        return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<filled])
    }

    /// Fills up to `count` bytes at `destination`. Returns the count (at least 1), 0 at the clean
    /// end, or -1 on failure (``failure`` says why).
    func read(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        guard count > 0 else { return 0 }
        if let head, headStart < headEnd, let base = head.baseAddress {
            let served = min(count, headEnd - headStart)
            destination.copyMemory(from: base + headStart, byteCount: served)
            headStart += served
            return served
        }
        return produce(into: destination, count: count)
    }

    // MARK: - Producing bytes

    private func produce(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        guard failure == nil else { return -1 }
        if compression == .none { return passThrough(into: destination, count: count) }
        while true {
            if inputStart == inputEnd, !inputEnded { refill() }
            if failure != nil { return -1 }
            let atEnd = inputStart == inputEnd && inputEnded
            // At the end of the input only an open unit can still have output (held inside the
            // decompressor); between units the stream simply ends.
            if atEnd, !unitOpen { return 0 }
            let produced = compression == .gzip
                ? inflateStep(into: destination, count: count)
                : zstdStep(into: destination, count: count)
            if produced > 0 { return produced }
            if failure != nil { return -1 }
            if atEnd {
                failure = "\(compression.name) data cut short (the compressed file ends inside a "
                    + (compression == .gzip ? "member)" : "frame)")
                return -1
            }
        }
    }

    /// Input buffered from the peek first, then straight from the descriptor.
    private func passThrough(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        if inputStart < inputEnd {
            let served = min(count, inputEnd - inputStart)
            destination.copyMemory(from: input + inputStart, byteCount: served)
            inputStart += served
            return served
        }
        while true {
            let result = systemRead(descriptor, destination, count)
            if result < 0 && errno == EINTR { continue }
            if result < 0 {
                failure = systemErrorMessage(errno)
                return -1
            }
            position += Int64(result)
            return result
        }
    }

    /// Reads the next buffer-full of compressed input; sets `inputEnded` at the end of the file.
    private func refill() {
        inputStart = 0
        inputEnd = 0
        while true {
            let result = systemRead(descriptor, input, Self.compressedBufferBytes)
            if result < 0 && errno == EINTR { continue }
            if result < 0 {
                failure = "reading the \(compression.name) data failed: " + systemErrorMessage(errno)
            } else if result == 0 {
                inputEnded = true
            } else {
                inputEnd = result
                position += Int64(result)
            }
            return
        }
    }

    /// One `inflate` call; a member's end closes the unit (the next bytes may start another member).
    private func inflateStep(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        guard let stream = zlib else { return -1 }
        if !unitOpen {
            if inflateReset(stream) != Z_OK {
                failure = "gzip decompressor could not be reset"
                return 0
            }
            unitOpen = true
        }
        let available = inputEnd - inputStart
        stream.pointee.next_in = (input + inputStart).assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(available)
        stream.pointee.next_out = destination.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(min(count, Int(Int32.max)))
        let requested = Int(stream.pointee.avail_out)
        let status = inflate(stream, Z_NO_FLUSH)
        inputStart += available - Int(stream.pointee.avail_in)
        let produced = requested - Int(stream.pointee.avail_out)
        switch status {
        case Z_STREAM_END:
            unitOpen = false
        case Z_OK, Z_BUF_ERROR:
            break
        default:
            let detail = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
            failure = "gzip data damaged (\(detail))"
        }
        return produced
    }

    /// One `ZSTD_decompressStream` call; a frame's end (result 0) closes the unit.
    private func zstdStep(into destination: UnsafeMutableRawPointer, count: Int) -> Int {
        guard let context = zstd else { return -1 }
        unitOpen = true
        var source = ZSTD_inBuffer(src: input + inputStart, size: inputEnd - inputStart, pos: 0)
        var target = ZSTD_outBuffer(dst: destination, size: count, pos: 0)
        let result = ZSTD_decompressStream(context, &target, &source)
        inputStart += source.pos
        if ZSTD_isError(result) != 0 {
            failure = "zstd data damaged (\(String(cString: ZSTD_getErrorName(result))))"
            return target.pos
        }
        if result == 0 { unitOpen = false }
        return target.pos
    }

    // MARK: - As a stdio FILE

    /// A read-only `FILE` whose reads come from ``read(into:count:)`` (`fopencookie`). The `FILE`
    /// keeps the reader alive and closes the descriptor when it is closed. `nil` when stdio refused
    /// (the caller still owns the descriptor then).
    func makeFile() -> UnsafeMutablePointer<FILE>? {
        #if canImport(Glibc)
        let cookie = Unmanaged.passRetained(self).toOpaque()
        let functions = bitsnoop_cookie_functions(
            read: { cookie, buffer, count in
                guard let cookie, let buffer else { return -1 }
                let reader = Unmanaged<DecompressingReader>.fromOpaque(cookie).takeUnretainedValue()
                return reader.read(into: UnsafeMutableRawPointer(buffer), count: count)
            },
            write: nil,
            seek: nil,
            close: { cookie in
                guard let cookie else { return 0 }
                let reader = Unmanaged<DecompressingReader>.fromOpaque(cookie).takeRetainedValue()
                reader.closeDescriptor()
                return 0
            })
        guard let file = bitsnoop_fopencookie(cookie, "rb", functions) else {
            Unmanaged<DecompressingReader>.fromOpaque(cookie).release()
            return nil
        }
        return file
        #else
        return nil  // fopencookie is glibc's; other platforms read only uncompressed regular files.
        #endif
    }
}

/// `read(2)`, named apart from ``DecompressingReader/read(into:count:)``.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
