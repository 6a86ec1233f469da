import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer

/// Writes a ``TimelineDocumentWriter``'s sessions on a thread of its own: the analysing thread
/// hands each session over as it leaves the tracker (``append(_:)``: a copy of the value, whose
/// strings and lists are shared, not copied), in batches through a `HandoffRing`, and the writing
/// thread renders it and hands the text on (the document's `handOff`, e.g. to the file). Rendering
/// is about an eighth of the analysing thread's work on a busy server's capture; the writing
/// thread, which only wrote the text out before, has room for it on the reading thread's core.
///
/// The document is the writing thread's from ``init(document:size:napMicroseconds:)`` until
/// ``finish(findings:counters:)``, which ends it on the calling thread once every session is
/// written. Sessions are written in the order appended: the same document, byte for byte, as the
/// ``TimelineDocumentWriter`` alone would write. The handed-over sessions are destroyed on the
/// thread that appended them, when it takes their batch back (see `HandoffRing`).
public final class TimelineWritingThread {
    /// One session to write, with its `tls` member (looked up on the appending thread, which owns
    /// the TLS facts).
    public struct Entry {
        var session: BITSSession
        var tls: TLSSessionFacts??
    }

    /// The sessions waiting for the writing thread (`handoff.timelineSessions` in docs/limits.md):
    /// 8 batches of 64, at most 512 sessions (about 1 MiB) in flight. A batch is handed over when
    /// full, so the two threads meet once per 64 sessions; when the ring is full the analysing
    /// thread waits for the writer.
    public static var size: HandoffRing<Entry>.Size { .init(batches: 8, itemsPerBatch: 64, bytesPerBatch: 1) }
    /// How long the writing thread naps while it waits for a batch (`handoff.writerNapMicroseconds`):
    /// a batch comes every few hundred microseconds at most, so shorter naps only wake it for nothing.
    public static var napMicroseconds: UInt32 { 1_000 }

    /// The document, which the writing thread's closure holds (not the class: the ring holds the
    /// closure, and a closure holding the class would keep it alive for ever).
    private final class Document {
        @exclusivity(unchecked) var writer: TimelineDocumentWriter
        init(_ writer: TimelineDocumentWriter) { self.writer = writer }
    }

    private let ring: HandoffRing<Entry>
    private let document: Document
    private let tlsLookUp: ((BITSSession) -> TLSSessionFacts?)?
    private var finished = false

    /// Starts the writing thread for `document` (with its head already written), with a ring of
    /// `size` whose consumer naps `napMicroseconds` at a time while it waits.
    public init(document writer: TimelineDocumentWriter, size: HandoffRing<Entry>.Size = TimelineWritingThread.size,
                napMicroseconds: UInt32 = TimelineWritingThread.napMicroseconds) {
        let document = Document(writer)
        self.document = document
        tlsLookUp = writer.tlsLookUp
        ring = HandoffRing(size: size, consumerNapMicroseconds: napMicroseconds, destroysGradually: true)
        ring.start(consumingInPlace: { entry, _ in
            // Rendered from a bitwise copy on this thread's stack, which is then forgotten (the
            // ring's item still owns what it references): `entry.pointee.session` passed on was a
            // copy that retained and released every string and list of the session on this thread,
            // and moving the item out and back wrote the ring's memory; either moved cache lines
            // back to the analysing thread's core, which destroys the item later.
            withUnsafeTemporaryAllocation(of: Entry.self, capacity: 1) { copy in
                let place = copy.baseAddress!
                UnsafeMutableRawPointer(place).copyMemory(from: entry, byteCount: MemoryLayout<Entry>.size)
                let taken = place.move()
                document.writer.append(taken.session, tls: taken.tls)
                place.initialize(to: consume taken)
            }
        })
    }

    /// Hands `session`, final, to the writing thread; waits when the ring is full.
    public func append(_ session: BITSSession) {
        ring.append(Entry(session: session, tls: tlsLookUp.map { $0(session) }))
    }

    /// Waits until every session appended is written, then writes the findings and the counters
    /// and ends the document (``TimelineDocumentWriter/finish(findings:counters:)``), on the calling
    /// thread. Only once.
    public func finish(findings: [Finding], counters: [(String, UInt64)]) {
        precondition(!finished, "the timeline was finished twice")
        finished = true
        ring.finish()
        document.writer.finish(findings: findings, counters: counters)
    }

    /// Writes what was appended (a run that stopped early: its document stays unfinished, as the
    /// text its writer had not handed on yet).
    deinit { ring.finish() }
}
