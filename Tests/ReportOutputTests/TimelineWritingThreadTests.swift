import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import Synchronization
import Testing

/// The timeline rendered on a thread of its own (`analyze` on two cores or more): the document is
/// the one the writer alone writes on the calling thread, byte for byte, whatever the ring's size;
/// a full ring holds the appending thread back; a run dropped before its end still writes what was
/// appended; a document flushed after each session (`live`) hands each one on at once.
@Suite struct TimelineWritingThreadTests {
    /// Sessions that differ in every member the timeline writes: IDs or none, files or none, several
    /// requests, errors, servers and connections.
    static func sessions(_ count: Int) -> [BITSSession] {
        (0..<count).map { index in
            var requests = [ReportFixtures.request(.createSession, at: Int64(index) * 10, connection: index)]
            for fragment in 0..<(index % 4) {
                let first = UInt64(fragment) * 100
                requests.append(ReportFixtures.fragment(first, first + 99, of: 1_000, at: Int64(index) * 10 + 1,
                                                        connection: index))
            }
            if index % 5 == 0 {
                var refused = ReportFixtures.request(.closeSession, at: Int64(index) * 10 + 3, status: 500, connection: index)
                refused.errorCode = BITSErrorCode(0x8019_0194)
                refused.errorContext = "0x5"
                requests.append(refused)
            }
            var session = ReportFixtures.session(id: index % 7 == 3 ? nil : String(format: "{%08X-2222-3333-4444-555555555555}", index),
                                                 url: "/upload/\(index)/file \"\(index)\".bin", requests: requests,
                                                 closed: index % 2 == 0)
            session.number = index + 1
            if index % 3 == 0 { session.servers.append(Endpoint(address: .v4(0x0A00_0001 &+ UInt32(index)), port: 8080)) }
            if index % 4 == 1 {
                session.file = ExtractedFile(path: "out/\(index).bin", bytes: UInt64(index), sha256: "ab\(index)",
                                             complete: index % 8 == 1, missing: index % 8 == 1 ? [] : [0...9, 20...29])
            }
            return session
        }
    }

    /// The TLS facts of even sessions; odd ones were plain HTTP (`tls: null`).
    static func tlsFacts(_ session: BITSSession) -> TLSSessionFacts? {
        session.number % 2 == 0 ? TLSSessionFacts(version: "TLS 1.3", cipherSuite: "TLS_AES_128_GCM_SHA256",
                                                  serverName: "s\(session.number)") : nil
    }

    /// A document about `sessions`, its text collected in `text`, handed on each `pieceBytes`.
    static func document(folder: String?, tls: Bool, pieceBytes: Int,
                         into text: @escaping (UnsafeRawBufferPointer) -> Void) -> TimelineDocumentWriter {
        TimelineDocumentWriter(captures: ["a.pcap", "b.pcap"], precision: .nanoseconds, extractionFolder: folder,
                               tlsFacts: tls ? { tlsFacts($0) } : nil, pieceBytes: pieceBytes,
                               handOff: { text($0.text) })
    }

    static let findings = [Finding(code: .captureLoss, severity: .warning, time: ReportFixtures.time(5), message: "m")]
    static let counters: [(String, UInt64)] = [("packets", 42), ("bits_sessions", 300)]

    /// The document written on the calling thread alone.
    static func inThread(_ sessions: [BITSSession], folder: String?, tls: Bool) -> [UInt8] {
        var text: [UInt8] = []
        var writer = document(folder: folder, tls: tls, pieceBytes: 1_000) { text += $0 }
        for session in sessions { writer.append(session) }
        writer.finish(findings: findings, counters: counters)
        return text
    }

    /// Text collected from the writing thread (the test reads it after the thread has finished).
    final class Collected: @unchecked Sendable {
        var text: [UInt8] = []
    }

    @Test("the document equals the one written on the calling thread, for any size of the ring", arguments: [
        HandoffRing<TimelineWritingThread.Entry>.Size(batches: 2, itemsPerBatch: 1, bytesPerBatch: 1 << 20),
        HandoffRing<TimelineWritingThread.Entry>.Size(batches: 2, itemsPerBatch: 3, bytesPerBatch: 1 << 20),
        HandoffRing<TimelineWritingThread.Entry>.Size(batches: 3, itemsPerBatch: 7, bytesPerBatch: 1 << 20),
        // Batches handed over by their bytes (a session is several hundred bytes), and by each.
        HandoffRing<TimelineWritingThread.Entry>.Size(batches: 3, itemsPerBatch: 64, bytesPerBatch: 2_000),
        HandoffRing<TimelineWritingThread.Entry>.Size(batches: 2, itemsPerBatch: 64, bytesPerBatch: 1),
        TimelineWritingThread.size,
    ])
    func equalsInThread(size: HandoffRing<TimelineWritingThread.Entry>.Size) {
        let sessions = Self.sessions(300)
        for (folder, tls) in [(nil, false), ("out", false), (nil, true), ("out", true)] as [(String?, Bool)] {
            let expected = Self.inThread(sessions, folder: folder, tls: tls)
            let collected = Collected()
            let thread = TimelineWritingThread(document: Self.document(folder: folder, tls: tls, pieceBytes: 1_000) {
                collected.text += $0
            }, size: size, napMicroseconds: 1)
            for session in sessions { thread.append(session) }
            thread.finish(findings: Self.findings, counters: Self.counters)
            #expect(collected.text == expected, "folder \(folder ?? "none"), tls \(tls)")
        }
    }

    @Test("a full ring holds the appending thread back: never more sessions in flight than the ring holds")
    func backPressure() {
        let sessions = Self.sessions(60)
        let size = HandoffRing<TimelineWritingThread.Entry>.Size(batches: 2, itemsPerBatch: 2, bytesPerBatch: 1 << 20)
        let written = Atomic<Int>(0)
        let collected = Collected()
        // A slow writer: every session is handed on (one byte pieces) and takes 300 µs.
        let document = Self.document(folder: nil, tls: false, pieceBytes: 1) { text in
            collected.text += text
            usleep(300)
            written.add(1, ordering: .releasing)
        }
        // The head's pieces, handed on here; then one piece per session.
        let head = written.load(ordering: .acquiring)
        let thread = TimelineWritingThread(document: document, size: size, napMicroseconds: 1)
        var mostInFlight = 0
        for (index, session) in sessions.enumerated() {
            thread.append(session)
            mostInFlight = max(mostInFlight, index + 1 - (written.load(ordering: .acquiring) - head))
        }
        thread.finish(findings: Self.findings, counters: Self.counters)
        #expect(mostInFlight <= size.batches * size.itemsPerBatch)
        #expect(mostInFlight >= 2, "the writer kept up with no delay: the test does not test back-pressure")
        #expect(collected.text == Self.inThread(sessions, folder: nil, tls: false))
    }

    @Test("dropped before its end (an error stopped the run), it writes every session appended as the writer alone does")
    func droppedEarly() {
        let sessions = Self.sessions(100)
        for pieceBytes in [1, 700, 5_000] {
            var expected: [UInt8] = []
            var alone = Self.document(folder: nil, tls: true, pieceBytes: pieceBytes) { expected += $0 }
            for session in sessions { alone.append(session) }
            let collected = Collected()
            do {
                let thread = TimelineWritingThread(document: Self.document(folder: nil, tls: true, pieceBytes: pieceBytes) {
                    collected.text += $0
                }, size: .init(batches: 2, itemsPerBatch: 8, bytesPerBatch: 1 << 20), napMicroseconds: 1)
                for session in sessions { thread.append(session) }
            }
            #expect(!expected.isEmpty && collected.text == expected, "pieces of \(pieceBytes) bytes")
        }
    }

    @Test("a document flushed after each session (live) hands each one on at once")
    func flushedEachSession() {
        let sessions = Self.sessions(20)
        var text: [UInt8] = []
        var writer = Self.document(folder: nil, tls: false, pieceBytes: 1 << 20) { text += $0 }
        for (index, session) in sessions.enumerated() {
            writer.append(session)
            writer.flush()
            // The session's last request's closing, and its object's, are out.
            let tail = String(decoding: text.suffix(200), as: UTF8.self)
            #expect(tail.hasSuffix("}"), "session \(index)")
            #expect(tail.contains("\"findings\": []"), "session \(index)")
        }
        writer.finish(findings: Self.findings, counters: Self.counters)
        #expect(text == Self.inThread(sessions, folder: nil, tls: false))
    }

    /// What a digest shows of its sessions: counts, and the sessions kept in either order, every field.
    static func shown(_ digest: SessionDigest) -> String {
        // Dictionaries in a fixed order (two equal ones may list their pairs in different orders).
        func sorted(_ counts: [some Any: Int]) -> [String] { counts.map { "\($0.key): \($0.value)" }.sorted() }
        return SessionBytesTests.dumped((digest.sessionCount, sorted(digest.sessionsByState),
                                  sorted(digest.sessionsByFindingCode), sorted(digest.sessionsByWorstSeverity),
                                  digest.sessionsWithFindings, digest.bytesAcknowledged,
                                  digest.sessionsOverTime, digest.keepsEverySession, digest.keptSelection,
                                  digest.sessionsLeftOut, digest.sessionsWithFindingsLeftOut,
                                  digest.keptSessions, digest.keptSessionsWorstFirst))
    }

    @Test("the digest made on the writing thread equals the one made on the calling thread: same counts, same sessions kept in the same order",
          arguments: [false, true])
    func digestOnTheWritingThread(selecting: Bool) {
        var limits = SessionDigestLimits()
        if selecting { (limits.keepAllUpTo, limits.worstWithFindings, limits.firstOthers) = (10, 7, 5) }
        let sessions = SessionBytesTests.sessions() + Self.sessions(90)
        let expected = SessionDigest(sessions: sessions, limits: limits)
        let thread = TimelineWritingThread(document: Self.document(folder: nil, tls: false, pieceBytes: 1_000) { _ in },
                                           digest: SessionDigest(limits: limits),
                                           size: .init(batches: 2, itemsPerBatch: 3, bytesPerBatch: 1 << 20),
                                           napMicroseconds: 1)
        #expect(thread.digestsSessions)
        for session in sessions { thread.append(session) }
        thread.finish(findings: Self.findings, counters: Self.counters)
        #expect(thread.digest.map(Self.shown) == Self.shown(expected))
        #expect(expected.keepsEverySession != selecting)
    }
}
