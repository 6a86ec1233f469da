import AnalysisPipeline

/// Writes to an ``OutputFile`` from a thread of its own: the caller's bytes are copied into batches
/// of a `HandoffRing`, and the writing thread hands them to the file. The JSON timeline of a busy
/// server's capture is some 3 KB a session, 3 GB for a million; its system calls and the kernel's
/// copies then cost the analysing thread nothing (on two cores or more, where the reading thread
/// mostly waits: see docs/architecture.md#threads).
final class BackgroundWriter {
    private let file: OutputFile
    /// Where one piece is in its batch's bytes.
    private struct Piece {
        var start: Int
        var count: Int
    }

    /// 4 batches of 256 KiB (`handoff.writerBytes` in docs/limits.md): at most 1 MiB waits. The
    /// writing thread naps 1 ms at a time while it waits (`handoff.writerNapMicroseconds`): a batch
    /// comes every few milliseconds at most, and with the packets' 50 µs it woke some 25 times a
    /// batch, 50,000 times per 100,000 busy sessions, for nothing.
    private let ring = HandoffRing<Piece>(size: .init(batches: 4, itemsPerBatch: 1_024, bytesPerBatch: 256 << 10),
                                          consumerNapMicroseconds: 1_000)
    private var finished = false

    /// Starts the writing thread for `file`.
    init(file: OutputFile) {
        self.file = file
        ring.start(consume: { piece, bytes in
            file.write(UnsafeRawBufferPointer(rebasing: bytes[piece.start..<(piece.start + piece.count)]))
        })
    }

    /// Copies `bytes` for the writing thread.
    func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let start = bytes.withUnsafeBytes { ring.keep($0) }
        ring.append(Piece(start: start, count: bytes.count))
    }

    /// Waits until everything written so far is in the file's buffer and stops the thread; then
    /// flushes the file. Calling it again does nothing.
    func finish() {
        guard !finished else { return }
        finished = true
        ring.finish()
        file.flush()
    }

    deinit { finish() }
}
