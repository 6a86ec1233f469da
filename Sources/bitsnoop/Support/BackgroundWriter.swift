import AnalysisPipeline
import ReportOutput

/// Writes to an ``OutputFile`` from a thread of its own: the caller's text goes through a
/// `HandoffRing` in the storage it was written in (each piece a batch of its own, exchanged for
/// the storage of a batch the writing thread has emptied: no copy), and the writing thread hands
/// it to the file. The JSON timeline of a busy
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

    /// 4 batches of a piece of about 256 KiB each (`handoff.writerBytes` in docs/limits.md): about
    /// 1 MiB waits at most. The
    /// writing thread naps 1 ms at a time while it waits (`handoff.writerNapMicroseconds`): a batch
    /// comes every few milliseconds at most, and with the packets' 50 µs it woke some 25 times a
    /// batch, 50,000 times per 100,000 busy sessions, for nothing.
    private let ring = HandoffRing<Piece>(size: .init(batches: 4, itemsPerBatch: 1, bytesPerBatch: pieceBytes),
                                          consumerNapMicroseconds: 1_000)
    /// The text handed over at a time (``handOff(_:)``'s pieces are this or a little more).
    static let pieceBytes = 256 << 10
    private var finished = false

    /// Starts the writing thread for `file`.
    init(file: OutputFile) {
        self.file = file
        ring.start(consume: { piece, bytes in
            file.write(UnsafeRawBufferPointer(rebasing: bytes[piece.start..<(piece.start + piece.count)]))
        })
    }

    /// Hands the text in `store` to the writing thread, storage and all, and gives `store` the
    /// storage of a piece already written.
    func handOff(_ store: inout JSONTextStore) {
        guard store.count > 0 else { return }
        ring.append(Piece(start: 0, count: store.count), handingOver: &store.bytes, capacity: &store.capacity,
                    count: store.count)
        store.count = 0
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
