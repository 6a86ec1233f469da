import AnalyzerCore
import BITSAnalyzer
import Foundation
import UploadExtraction

/// Feeds an ``UploadExtractor`` through its observer interface, as the analyzer would, so that tests
/// can script fragments, bodies and verdicts exactly.
final class ExtractorDriver {
    let extractor: UploadExtractor
    let findings = FindingCollector()
    let folder: URL
    private let time = CaptureTimestamp(seconds: 1_767_225_600, nanoseconds: 0)

    /// Opens an extractor on `folder` (a fresh temporary one by default).
    init(limits: ExtractionLimits = .init(), folder: URL = ExtractionRun.temporaryFolder()) throws {
        self.folder = folder
        extractor = try UploadExtractor(directory: folder.path, limits: limits, findings: findings)
    }

    static func key(_ request: Int) -> BITSRequestKey {
        BITSRequestKey(connection: 1 + request / 1_000, index: request)
    }

    /// Fragment `request` for range `first...last` of `total` begins; `session` is the session index
    /// (its number less one) when the analyzer already knows it.
    func start(_ request: Int, session: Int?, first: UInt64, last: UInt64, total: UInt64) {
        extractor.fragmentStarted(BITSFragmentStart(
            request: Self.key(request), sessionID: session.map { "{S\($0)}" },
            range: ContentRange(first: first, last: last, total: total), knownSession: session.map { $0 + 1 }, time: time
        ))
    }

    /// Body bytes of `request` at `bodyOffset`.
    func body(_ request: Int, _ bytes: [UInt8], at bodyOffset: UInt64) {
        bytes.withUnsafeBytes { extractor.fragmentBody($0, bodyOffset: bodyOffset, request: Self.key(request)) }
    }

    /// The body of `request` ended.
    func end(_ request: Int) { extractor.fragmentBodyEnded(Self.key(request)) }

    /// A 200 Ack: the server stored `accepted` of `request` and now expects `acknowledged`.
    func accept(_ request: Int, session: Int, _ accepted: Range<UInt64>, acknowledged: UInt64) {
        extractor.fragmentAccepted(BITSFragmentVerdict(
            request: Self.key(request), session: session + 1, accepted: accepted, acknowledged: acknowledged, time: time
        ))
    }

    /// The server refused `request` (or never answered).
    func discard(_ request: Int) { extractor.fragmentDiscarded(Self.key(request), time: time) }

    /// A session as the tracker would end it.
    static func session(id: String?, acknowledged: UInt64?, total: UInt64?, contentName: String? = "report.zip",
                        url: String = "/upload/x.bin") -> BITSSession {
        var session = BITSSession(number: 1, sessionID: id, url: url, host: "bits.example",
                                  client: Endpoint(address: .v4(0xC000_020A), port: 50_000),
                                  time: CaptureTimestamp(seconds: 1_767_225_600, nanoseconds: 0))
        session.bytesAcknowledged = acknowledged
        session.totalLength = total
        session.contentName = contentName
        return session
    }

    /// Retires `sessions` (numbered by their place in the list, from 1) as the tracker would, then
    /// finishes; returns the files by index in `sessions`.
    func finishFiles(_ sessions: [BITSSession]) throws -> [Int: ExtractedFile] {
        var files: [Int: ExtractedFile] = [:]
        for (index, session) in sessions.enumerated() {
            var numbered = session
            numbered.number = index + 1
            files[index] = extractor.sessionRetired(numbered)
        }
        try extractor.finish()
        return files
    }

    /// Finishes and returns the files with their bytes.
    func finish(_ sessions: [BITSSession]) throws -> [Int: (file: ExtractedFile, bytes: [UInt8])] {
        var result: [Int: (file: ExtractedFile, bytes: [UInt8])] = [:]
        for (index, file) in try finishFiles(sessions) {
            result[index] = (file, try [UInt8](Data(contentsOf: folder.appendingPathComponent(file.path))))
        }
        return result
    }

    /// Deletes the folder.
    func remove() { try? FileManager.default.removeItem(at: folder) }
}
