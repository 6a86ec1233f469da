import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer

/// Writes a ``TimelineDocumentWriter``'s sessions on a thread of its own: the analysing thread
/// writes each session as it leaves the tracker into plain bytes (``SessionBytes``: nothing
/// reference-counted crosses the threads) kept in a `HandoffRing`'s batches, and the writing thread
/// reads it back, renders it and hands the text on (the document's `handOff`, e.g. to the file).
/// Rendering is about an eighth of the analysing thread's instructions on a busy server's capture;
/// the writing thread, which only wrote the text out before, has room for it on the reading
/// thread's core.
///
/// The document is the writing thread's from ``init(document:size:napMicroseconds:)`` until
/// ``finish(findings:counters:)``, which ends it on the calling thread once every session is
/// written. Sessions are written in the order appended: the same document, byte for byte, as the
/// ``TimelineDocumentWriter`` alone would write.
public final class TimelineWritingThread {
    /// Where one session's bytes are in its batch's kept bytes.
    public struct Entry {
        var start: Int
        var count: Int
    }

    /// The sessions waiting for the writing thread (`handoff.timelineSessions` in docs/limits.md):
    /// 8 batches of 64 sessions or 256 KiB of their bytes (a busy server's session is about 1 KiB),
    /// at most 512 sessions or about 2 MiB in flight. A batch is handed over when full, so the two
    /// threads meet once per 64 sessions; when the ring is full the analysing thread waits for the
    /// writer.
    public static var size: HandoffRing<Entry>.Size { .init(batches: 8, itemsPerBatch: 64, bytesPerBatch: 256 << 10) }
    /// How long the writing thread naps while it waits for a batch (`handoff.writerNapMicroseconds`):
    /// a batch comes every few hundred microseconds at most, so shorter naps only wake it for nothing.
    public static var napMicroseconds: UInt32 { 1_000 }

    /// The document, which the writing thread's closure holds (not the class: the ring holds the
    /// closure, and a closure holding the class would keep it alive for ever).
    private final class Document {
        @exclusivity(unchecked) var writer: TimelineDocumentWriter
        /// The digest of the sessions read back, when kept here (see ``digest``).
        @exclusivity(unchecked) var digest: SessionDigest?
        /// The session read back, reused from one to the next (its lists keep their storage).
        @exclusivity(unchecked) var session = BITSSession(number: 0, sessionID: nil, url: "", host: nil,
                                                          client: Endpoint(address: .v4(0), port: 0), time: .zero)
        init(_ writer: TimelineDocumentWriter, digest: SessionDigest?) {
            self.writer = writer
            self.digest = digest
        }
    }

    private let ring: HandoffRing<Entry>
    private let document: Document
    private let tlsLookUp: ((BITSSession) -> TLSSessionFacts?)?
    /// Whether the writing thread digests the sessions (made with a digest).
    public let digestsSessions: Bool
    private var finished = false

    /// Starts the writing thread for `document` (with its head already written), with a ring of
    /// `size` whose consumer naps `napMicroseconds` at a time while it waits. With `digest`, the
    /// writing thread also adds each session it reads back to it (``digest``), sparing the
    /// analysing thread that work.
    public init(document writer: TimelineDocumentWriter, digest: SessionDigest? = nil,
                size: HandoffRing<Entry>.Size = TimelineWritingThread.size,
                napMicroseconds: UInt32 = TimelineWritingThread.napMicroseconds) {
        let document = Document(writer, digest: digest)
        digestsSessions = digest != nil
        self.document = document
        tlsLookUp = writer.tlsLookUp
        ring = HandoffRing(size: size, consumerNapMicroseconds: napMicroseconds)
        ring.start(consume: { entry, kept in
            var input = SessionBytes.Reader(UnsafeRawBufferPointer(rebasing: kept[entry.start..<(entry.start + entry.count)]))
            let tls = SessionBytes.read(&input, into: &document.session)
            // The same session, field for field, as the one appended, in the same order: the
            // same digest as the appending thread would make.
            document.digest?.add(document.session)
            document.writer.append(document.session, tls: tls)
        })
    }

    /// Hands `session`, final, to the writing thread; waits when the ring is full.
    public func append(_ session: BITSSession) {
        let tls = tlsLookUp.map { $0(session) }
        let kept = ring.keep { SessionBytes.write(session, tls: tls, to: &$0) }
        ring.append(Entry(start: kept.lowerBound, count: kept.count))
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

    /// The digest given to ``init(document:digest:size:napMicroseconds:)`` with every session
    /// appended added; read only after ``finish(findings:counters:)`` (the writing thread's until then).
    public var digest: SessionDigest? {
        precondition(finished, "the timeline's digest read before the timeline was finished")
        return document.digest
    }

    /// Writes what was appended (a run that stopped early: its document stays unfinished, as the
    /// text its writer had not handed on yet).
    deinit { ring.finish() }
}
