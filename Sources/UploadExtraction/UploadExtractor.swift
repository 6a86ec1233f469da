import AnalyzerCore
import BITSAnalyzer

/// Rebuilds every upload from its fragments into a folder, as the server holds it (`analyze --extract`).
///
/// Set as the tracker's ``BITSSessionTracker/bodyObserver`` before the analysis runs; call
/// ``finish()`` once the tracker has finished; each session's file is put in place when the
/// session leaves the tracker (``sessionRetired(_:)``). Body bytes go to disk as they arrive, through
/// bounded write buffers: a fragment writes straight into its session's file (at offsets the server
/// has not stored yet) when its session is known and no other fragment of it is doing so; otherwise
/// into a spool file copied in at the verdict. Only the offsets a 200 Ack accepted are kept, the
/// first copy of a byte wins, bytes the server did not keep are zeroed again. The rules, names and
/// safety guarantees are in `docs/extraction.md`.
public final class UploadExtractor: BITSBodyObserver {
    /// The bounds in force.
    public let limits: ExtractionLimits
    private let folder: ExtractionFolder
    private let writer: FragmentWriter
    private let findings: any FindingSink
    private var pending: [BITSRequestKey: PendingFragment] = [:]
    private var sessionFiles: [Int: SessionFileState] = [:]
    private var nextSpool = 0
    private var spooledBytes: UInt64 = 0
    private var rangesInUse = 0
    private var reportedLimits: Set<FindingCode> = []
    /// The first write error (a full disk): extraction stops and ``finish()`` throws it.
    private var failure: ExtractionError?
    private var finished = false

    /// The file size cap: ``ExtractionLimits/maxFileBytes``, never above `Int.max` so that every
    /// range kept has an `Int` count and every offset fits `off_t`.
    private var maxFileBytes: UInt64 { min(limits.maxFileBytes, UInt64(Int.max)) }

    /// Opens (creating it if needed) the folder `directory` for extracted files. Throws
    /// ``ExtractionError`` when it cannot be created, opened or written into.
    public init(directory: String, limits: ExtractionLimits = .init(), findings: any FindingSink) throws {
        self.limits = limits
        let folder = try ExtractionFolder(path: directory)
        self.folder = folder
        self.writer = FragmentWriter(folder: folder, limits: limits)
        self.findings = findings
    }

    deinit {
        writer.files.closeAll()
        folder.close()
    }

    // MARK: - Observer

    /// Decides where the fragment's bytes go (see the type's description).
    public func fragmentStarted(_ start: BITSFragmentStart) {
        guard failure == nil else { return }
        if let stale = pending.removeValue(forKey: start.request) { discard(stale, key: start.request) }
        guard pending.count < limits.maxPendingFragments else {
            reportLimit(.limitExtractPending, time: start.time,
                        "more than \(limits.maxPendingFragments) fragments awaiting their Ack (limit "
                            + "maxPendingFragments); the bytes of further ones are not extracted")
            return
        }
        let range = start.range
        let end = range.last == .max ? UInt64.max : range.last + 1
        if end > maxFileBytes {
            reportLimit(.limitExtractFileSize, time: start.time,
                        "fragment \(range.text) reaches past \(maxFileBytes) bytes (limit maxFileBytes); "
                            + "bytes beyond are not extracted")
        }
        let cut = min(end, maxFileBytes)
        let usable = range.first < cut ? range.first..<cut : cut..<cut
        let destination: PendingFragment.Destination
        if let session = start.knownSession, sessionFiles[session]?.directFragment == nil {
            sessionFiles[session, default: SessionFileState()].directFragment = start.request
            destination = .session(session)
        } else {
            nextSpool += 1
            destination = .spool(nextSpool)
        }
        pending[start.request] = PendingFragment(usable: usable, destination: destination, time: start.time)
    }

    /// Writes the bytes that fall in the fragment's range (direct: only where nothing is stored yet).
    public func fragmentBody(_ bytes: UnsafeRawBufferPointer, bodyOffset: UInt64, request: BITSRequestKey) {
        guard failure == nil, let fragment = pending[request],
              let range = fragment.fileRange(bodyOffset: bodyOffset, count: bytes.count) else { return }
        do {
            switch fragment.destination {
            case .session(let session):
                try sessionFiles[session]?.stored.forEachGap(in: range) { gap in
                    let from = Int(gap.lowerBound - range.lowerBound)  // within bytes: gap ⊆ range
                    let piece = UnsafeRawBufferPointer(rebasing: bytes[from..<(from + gap.count)])
                    try append(piece, at: gap, to: fragment)
                }
            case .spool:
                guard spooledBytes + UInt64(range.count) <= limits.maxSpooledBytes else {
                    reportLimit(.limitExtractPending, time: fragment.time,
                                "more than \(limits.maxSpooledBytes) bytes spooled awaiting Acks (limit "
                                    + "maxSpooledBytes); further bytes are not extracted")
                    return
                }
                try append(UnsafeRawBufferPointer(rebasing: bytes[0..<range.count]), at: range, to: fragment)
            }
        } catch {
            fail(error)
        }
    }

    /// Nothing to write: missing bytes stay missing (zero in the file, listed in `missing`).
    public func fragmentBodyGap(length: UInt64, bodyOffset: UInt64, request: BITSRequestKey) {}

    /// Writes out the fragment's buffer and gives it back to the pool.
    public func fragmentBodyEnded(_ request: BITSRequestKey) {
        guard failure == nil, let fragment = pending[request] else { return }
        fragment.receiving = false
        do { try writer.release(fragment) } catch { fail(error) }
    }

    /// Keeps the accepted offsets the session had not stored yet, copying spooled bytes in.
    public func fragmentAccepted(_ verdict: BITSFragmentVerdict) {
        let fragment = pending.removeValue(forKey: verdict.request)
        guard failure == nil else { return }
        let session = verdict.session
        if sessionFiles[session] == nil { sessionFiles[session] = SessionFileState() }
        do {
            if let fragment { try writer.release(fragment) }
            // The direct writer's buffered bytes were checked against what was stored when they came;
            // write them now, before offsets they cover may become stored by this verdict.
            if let direct = sessionFiles[session]!.directFragment, direct != verdict.request,
               let writer = pending[direct] {
                try self.writer.flush(writer)
            }
            let upper = min(verdict.accepted.upperBound, maxFileBytes)
            let accepted = verdict.accepted.lowerBound..<max(verdict.accepted.lowerBound, upper)
            for piece in sessionFiles[session]!.stored.gaps(in: accepted) {
                try fragment?.forEachCaptured(in: piece) { captured, source in
                    if fragment!.destination != .session(session) {
                        try writer.copy(captured.count, from: fragment!.destination, at: source,
                                        to: .session(session), at: captured.lowerBound)
                    }
                    insertRange(captured, into: &sessionFiles[session]!.known, time: verdict.time)
                }
                insertRange(piece, into: &sessionFiles[session]!.stored, time: verdict.time)
            }
            if let fragment { try cleanUp(fragment, key: verdict.request) }
        } catch {
            fail(error)
        }
    }

    /// Forgets the fragment: none of its bytes were stored.
    public func fragmentDiscarded(_ request: BITSRequestKey, time: CaptureTimestamp) {
        guard let fragment = pending.removeValue(forKey: request) else { return }
        discard(fragment, key: request)
    }

    // MARK: - End

    /// Puts the session's file in the folder and returns what was written, or `nil` when the
    /// capture shows no Fragment of it with a body. A fragment still writing into the file gets no
    /// verdict any more and is dropped. A write error (a full disk) or a file that cannot be placed
    /// stops extraction; ``finish()`` throws it.
    public func sessionRetired(_ session: BITSSession) -> ExtractedFile? {
        guard !finished, failure == nil else { return nil }
        if let direct = sessionFiles[session.number]?.directFragment, let fragment = pending.removeValue(forKey: direct) {
            discard(fragment, key: direct)
        }
        guard sessionFiles[session.number] != nil
            || session.requests.contains(where: { $0.type == .fragment && $0.bodyBytes > 0 }) else { return nil }
        do { return try finishFile(session) } catch {
            fail(error)
            return nil
        }
    }

    /// Drops the fragments still without a verdict and closes the folder. Throws ``ExtractionError``
    /// when a write failed during the analysis (a full disk) or a file could not be placed.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        for key in pending.keys.sorted(by: { ($0.connection, $0.index) < ($1.connection, $1.index) }) {
            if let fragment = pending.removeValue(forKey: key) { discard(fragment, key: key) }
        }
        writer.files.closeAll()
        folder.close()
        if let failure { throw failure }
    }

    /// Cuts a session's file at the acknowledged offset, hashes it and puts it in place.
    private func finishFile(_ session: BITSSession) throws -> ExtractedFile {
        var state = sessionFiles.removeValue(forKey: session.number) ?? SessionFileState()
        // The session's ranges leave memory with it.
        rangesInUse -= state.known.count + state.stored.count
        let acknowledged = session.bytesAcknowledged ?? 0
        if acknowledged > maxFileBytes {
            reportLimit(.limitExtractFileSize, time: session.lastTime,
                        "session acknowledged \(acknowledged) bytes; the file is cut at \(maxFileBytes) "
                            + "(limit maxFileBytes)")
        }
        let length = min(acknowledged, maxFileBytes)
        state.known.truncate(at: length)
        let id = WorkFileID.session(session.number)
        let sha256 = try writer.finish(id, length: length)
        let upload = max(acknowledged, session.totalLength ?? 0)
        let missing = state.known.gaps(in: 0..<upload).map { $0.lowerBound...($0.upperBound - 1) }
        let complete = (session.totalLength.map { acknowledged >= $0 } ?? false) && missing.isEmpty
        let parts = SafeFileName.parts(sessionID: session.sessionID, sessionNumber: session.number,
                                       contentName: session.contentName, url: session.url)
        let name = try folder.place(workFile: id.name, fd: writer.files.descriptor(id),
                                    attempts: limits.maxNameAttempts) { parts.name(attempt: $0, partial: !complete) }
        writer.files.close(id)
        return ExtractedFile(path: name, bytes: length, sha256: sha256, complete: complete, missing: missing)
    }

    // MARK: - Writing

    /// Records a captured run of the fragment and writes its bytes.
    private func append(_ bytes: UnsafeRawBufferPointer, at range: Range<UInt64>, to fragment: PendingFragment) throws {
        let budget = min(limits.maxRangesPerSet, fragment.pieces.count + max(0, limits.maxRangesTotal - rangesInUse))
        let before = fragment.pieces.count
        guard let offset = fragment.record(range, limit: budget) else {
            reportLimit(.limitExtractRanges, time: fragment.time, rangeLimitMessage)
            return
        }
        rangesInUse += fragment.pieces.count - before
        if !fragment.isDirect { spooledBytes += UInt64(bytes.count) }
        try writer.write(bytes, at: offset, for: fragment)
    }

    /// Drops a fragment whose bytes the server did not store.
    private func discard(_ fragment: PendingFragment, key: BITSRequestKey) {
        guard failure == nil else { return }
        do {
            try writer.release(fragment)
            try cleanUp(fragment, key: key)
        } catch {
            fail(error)
        }
    }

    /// After a verdict: zeroes what a direct fragment wrote that the file does not keep, or deletes
    /// the spool.
    private func cleanUp(_ fragment: PendingFragment, key: BITSRequestKey) throws {
        rangesInUse -= fragment.pieces.count
        switch fragment.destination {
        case .session(let session):
            if sessionFiles[session]?.directFragment == key { sessionFiles[session]!.directFragment = nil }
            guard let known = sessionFiles[session]?.known else { return }
            for piece in fragment.pieces {
                try known.forEachGap(in: piece.fileRange) { try writer.zero($0, of: .session(session)) }
            }
        case .spool(let serial):
            spooledBytes -= min(spooledBytes, fragment.spooled)
            writer.files.remove(.spool(serial))
        }
    }

    // MARK: - Bookkeeping

    /// Adds `range` to `set` within the range limits; reports the limit when it refuses.
    private func insertRange(_ range: Range<UInt64>, into set: inout ByteRangeSet, time: CaptureTimestamp) {
        let before = set.count
        let limit = min(limits.maxRangesPerSet, before + max(0, limits.maxRangesTotal - rangesInUse))
        guard set.insert(range, limit: limit) else {
            return reportLimit(.limitExtractRanges, time: time, rangeLimitMessage)
        }
        rangesInUse += set.count - before
    }

    private var rangeLimitMessage: String {
        "more than \(limits.maxRangesPerSet) ranges in one set or \(limits.maxRangesTotal) in all "
            + "(limits maxRangesPerSet, maxRangesTotal); further bytes count as missing"
    }

    /// Reports a limit finding once per code.
    private func reportLimit(_ code: FindingCode, time: CaptureTimestamp?, _ message: String) {
        guard reportedLimits.insert(code).inserted else { return }
        findings.report(Finding(code: code, severity: .notice, time: time, message: message))
    }

    /// Stops extraction after a write error; ``finish()`` throws it.
    private func fail(_ error: any Error) {
        guard failure == nil else { return }
        failure = error as? ExtractionError ?? ExtractionError("\(error)")
    }
}
