#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The disk side of extraction: writes fragment bytes into work files through pooled buffers,
/// copies spooled bytes, zeroes refused ones, and hashes finished files. Every error is a thrown
/// ``ExtractionError`` (a full disk, a file that cannot be opened).
final class FragmentWriter {
    /// The folder the work files live in.
    let folder: ExtractionFolder
    /// The open work files (bounded).
    let files: WorkFiles
    private let pool: WriteBufferPool
    /// For copying, zeroing and hashing: one buffer, reused.
    private let scratch: UnsafeMutableRawBufferPointer

    /// Creates the writer of `folder`'s work files within `limits`.
    init(folder: ExtractionFolder, limits: ExtractionLimits) {
        self.folder = folder
        self.files = WorkFiles(folder: folder, capacity: limits.maxOpenFiles)
        self.pool = WriteBufferPool(bufferBytes: limits.writeBufferBytes, budget: limits.maxBufferedBytes)
        self.scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(4_096, limits.writeBufferBytes),
                                                              alignment: 16)
    }

    deinit {
        files.closeAll()
        scratch.deallocate()
    }

    /// The descriptor of a fragment's destination file.
    func descriptor(_ destination: PendingFragment.Destination) throws -> CInt {
        switch destination {
        case .session(let session): return try files.descriptor(.session(session))
        case .spool(let serial): return try files.descriptor(.spool(serial))
        }
    }

    /// Writes `bytes` at destination offset `offset` of `fragment`, gathering them in its write
    /// buffer (taken from the pool while the body is arriving); without a buffer, at once.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64, for fragment: PendingFragment) throws {
        if fragment.buffer == nil, fragment.receiving { fragment.buffer = pool.take() }
        guard let buffer = fragment.buffer else {
            return try PositionedIO.write(descriptor(fragment.destination), bytes, at: offset, what: writeError)
        }
        let contiguous = fragment.bufferOffset + UInt64(fragment.buffered) == offset
        if fragment.buffered > 0, !contiguous || fragment.buffered + bytes.count > buffer.count {
            try flush(fragment)
        }
        if bytes.count >= buffer.count {
            return try PositionedIO.write(descriptor(fragment.destination), bytes, at: offset, what: writeError)
        }
        if fragment.buffered == 0 { fragment.bufferOffset = offset }
        UnsafeMutableRawBufferPointer(rebasing: buffer[fragment.buffered...]).copyMemory(from: bytes)
        fragment.buffered += bytes.count
    }

    /// Writes out the fragment's buffered bytes.
    func flush(_ fragment: PendingFragment) throws {
        guard let buffer = fragment.buffer, fragment.buffered > 0 else { return }
        let count = fragment.buffered
        fragment.buffered = 0
        try PositionedIO.write(descriptor(fragment.destination), UnsafeRawBufferPointer(rebasing: buffer[..<count]),
                               at: fragment.bufferOffset, what: writeError)
    }

    /// Writes out the fragment's buffer and returns it to the pool; later bytes are written at once.
    func release(_ fragment: PendingFragment) throws {
        fragment.receiving = false
        try flush(fragment)
        if let buffer = fragment.buffer { pool.give(buffer) }
        fragment.buffer = nil
    }

    /// Writes zeros over `gap` of work file `id`.
    func zero(_ gap: Range<UInt64>, of id: WorkFileID) throws {
        let fd = try files.descriptor(id)
        scratch.initializeMemory(as: UInt8.self, repeating: 0)
        var offset = gap.lowerBound
        while offset < gap.upperBound {
            let count = Int(min(UInt64(scratch.count), gap.upperBound - offset))
            try PositionedIO.write(fd, UnsafeRawBufferPointer(rebasing: scratch[..<count]), at: offset,
                                   what: writeError)
            offset += UInt64(count)
        }
    }

    /// Copies `count` bytes from `source` at `from` to work file `target` at `to`.
    func copy(_ count: Int, from source: PendingFragment.Destination, at from: UInt64, to target: WorkFileID,
              at to: UInt64) throws {
        var done = 0
        while done < count {
            let chunk = min(scratch.count, count - done)
            let space = UnsafeMutableRawBufferPointer(rebasing: scratch[..<chunk])
            let read = try PositionedIO.read(descriptor(source), into: space, at: from + UInt64(done),
                                             what: "cannot read back a spool file")
            guard read == chunk else { throw ExtractionError("a spool file in \(folder.path) is shorter than written") }
            try PositionedIO.write(files.descriptor(target), UnsafeRawBufferPointer(rebasing: scratch[..<chunk]),
                                   at: to + UInt64(done), what: writeError)
            done += chunk
        }
    }

    /// Bytes read back per call when hashing a finished file.
    static let readBackBytes = 64 << 10

    /// Sets work file `id`'s length to `length` and returns the SHA-256 of its bytes.
    func finish(_ id: WorkFileID, length: UInt64) throws -> String {
        let fd = try files.descriptor(id)
        let what = "\(folder.path)/\(folder.workName)/\(id.name)"
        guard let size = PositionedIO.fileOffset(length, plus: 0), ftruncate(fd, size) == 0 else {
            throw ExtractionError.system("cannot set the length of \(what)", errno)
        }
        // Read back in pieces that stay in the CPU's cache: with 256 KiB pieces the copy out of the
        // page cache cost as much as hashing (docs/performance.md).
        let piece = UnsafeMutableRawBufferPointer(rebasing: scratch[..<min(scratch.count, Self.readBackBytes)])
        return try FileDigest.sha256(of: fd, length: length, buffer: piece, what: "cannot read back \(what)")
    }

    private var writeError: String { "cannot write into \(folder.path)/\(folder.workName)" }
}
