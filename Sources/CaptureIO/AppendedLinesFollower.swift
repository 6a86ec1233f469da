#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows a text file another program appends lines to, as `tail -f` does: each ``poll(force:_:)``
/// reads only what was appended since the last one and hands out whole lines; a last line without
/// its newline yet is kept for the next poll. A file truncated (shorter than what was read) or
/// replaced (the path names another file now) is read again from its start. A file that does not
/// exist yet is looked for at each poll. Used by `live` to follow the TLS key log a client writes
/// while the capture runs (docs/tls.md).
///
/// Bounded: at most ``maxBytes`` of the file are read (past them the rest is ignored and
/// ``reachedLimit`` is set), and a partial line is kept up to ``maxPartialLineBytes`` (a longer line
/// is dropped, counted in ``longLinesDropped``). Polls closer together than ``minimumInterval``
/// do nothing unless forced, so calling it often costs a clock read, not a `stat`.
public final class AppendedLinesFollower {
    /// The longest partial line kept until its end is written (a key log line is under 300 bytes).
    public static let maxPartialLineBytes = 4_096

    /// The file followed.
    public let path: String
    /// Bytes of the file read at most (from its start).
    public let maxBytes: Int64
    /// The least time between two polls that are not forced.
    public let minimumInterval: Duration
    /// Times the file was read again from its start (truncated or replaced).
    public private(set) var restarts = 0
    /// Whether the file grew past ``maxBytes`` (the rest is not read).
    public private(set) var reachedLimit = false
    /// Lines longer than ``maxPartialLineBytes`` that were dropped.
    public private(set) var longLinesDropped = 0
    /// Whether the file was open at least once.
    public private(set) var opened = false

    private var descriptor: Int32 = -1
    /// Device and inode of the open file, to notice the path naming another file.
    private var identity: (device: UInt64, inode: UInt64)?
    /// Bytes of the open file read so far.
    private var offset: Int64 = 0
    /// The start of a line whose newline is not written yet.
    private var partial: [UInt8] = []
    /// Dropping the rest of a line that grew past ``maxPartialLineBytes``.
    private var droppingLongLine = false
    private let clock = ContinuousClock()
    private var lastPoll: ContinuousClock.Instant?
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)

    /// A follower of `path`, reading at most `maxBytes` of it, polling at most once per
    /// `minimumInterval` unless forced. Nothing is read before the first poll.
    public init(path: String, maxBytes: Int64, minimumInterval: Duration = .milliseconds(50)) {
        self.path = path
        self.maxBytes = max(0, maxBytes)
        self.minimumInterval = minimumInterval
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads what was appended since the last poll and hands each run of whole lines (each ending
    /// in `\n`, borrowed for the call) to `lines`. Unless `force`, returns at once when the last
    /// poll was less than ``minimumInterval`` ago.
    public func poll(force: Bool = false, _ lines: (UnsafeRawBufferPointer) -> Void) {
        let now = clock.now
        if !force, let lastPoll, now - lastPoll < minimumInterval { return }
        lastPoll = now
        reopenIfReplaced()
        guard descriptor >= 0 else { return }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return }
        let size = Int64(status.st_size)
        if size < offset {
            // Truncated: what is there now was written after the truncation.
            restart()
        }
        if size > maxBytes { reachedLimit = true }
        let end = min(size, maxBytes)
        while offset < end {
            let want = Int(min(Int64(chunk.count), end - offset))
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, want, off_t(offset)) }
            guard count > 0 else { break }
            offset += Int64(count)
            chunk.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[0..<count]), lines) }
        }
    }

    /// Opens the file when the path names another one than the one open (or none was).
    private func reopenIfReplaced() {
        var status = stat()
        // A path that is gone leaves the open file followed: its writer may still append to it.
        guard stat(path, &status) == 0 else { return }
        let found = (UInt64(truncatingIfNeeded: status.st_dev), UInt64(truncatingIfNeeded: status.st_ino))
        if let identity, identity == found, descriptor >= 0 { return }
        let opening = open(path, O_RDONLY)
        guard opening >= 0 else { return }
        if descriptor >= 0 {
            close(descriptor)
            restart()
        }
        descriptor = opening
        identity = found
        opened = true
    }

    private func restart() {
        restarts += 1
        offset = 0
        partial.removeAll()
        droppingLongLine = false
    }

    /// Splits new bytes into whole lines (handed out) and a partial last line (kept).
    private func consume(_ bytes: UnsafeRawBufferPointer, _ lines: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        if droppingLongLine {
            guard let newline = bytes.firstIndex(of: 0x0A) else { return }
            droppingLongLine = false
            start = newline + 1
        }
        guard let lastNewline = bytes[start...].lastIndex(of: 0x0A) else {
            keepPartial(UnsafeRawBufferPointer(rebasing: bytes[start...]))
            return
        }
        let whole = UnsafeRawBufferPointer(rebasing: bytes[start...lastNewline])
        if partial.isEmpty {
            lines(whole)
        } else {
            partial.append(contentsOf: whole)
            partial.withUnsafeBytes(lines)
            partial.removeAll(keepingCapacity: true)
        }
        keepPartial(UnsafeRawBufferPointer(rebasing: bytes[(lastNewline + 1)...]))
    }

    private func keepPartial(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if partial.count + bytes.count > Self.maxPartialLineBytes {
            partial.removeAll()
            droppingLongLine = true
            longLinesDropped += 1
            return
        }
        partial.append(contentsOf: bytes)
    }
}
