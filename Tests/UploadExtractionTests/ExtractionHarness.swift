import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import Crypto
import Foundation
import TrafficSynthesis
@testable import UploadExtraction

/// Runs the analysis with extraction on generated captures, in a fresh temporary folder.
struct ExtractionRun {
    /// The tracker's sessions.
    var sessions: [BITSSession]
    /// The extracted files, by session index.
    var files: [Int: ExtractedFile]
    /// Every finding.
    var findings: [Finding]
    /// The extraction folder.
    var folder: URL

    /// The bytes of the file extracted for session `index`, or nil without one.
    func bytes(of index: Int) throws -> [UInt8]? {
        guard let file = files[index] else { return nil }
        return try [UInt8](Data(contentsOf: folder.appendingPathComponent(file.path)))
    }

    /// The names in the folder, hidden ones included.
    func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    /// Deletes the folder.
    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// A fresh folder path (not created).
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-extract-test-\(UUID().uuidString)")
    }

    /// Analyses the capture file `bytes` with extraction into `folder` (a fresh one by default).
    static func analyse(_ bytes: [UInt8], limits: ExtractionLimits = .init(), folder: URL = temporaryFolder()) throws
        -> ExtractionRun
    {
        let capturePath = FileManager.default.temporaryDirectory
            .appendingPathComponent("bitsnoop-extract-\(UUID().uuidString).pcap")
        try Data(bytes).write(to: capturePath)
        defer { try? FileManager.default.removeItem(at: capturePath) }
        var capture = try OfflineCapture(paths: [capturePath.path])
        let findings = FindingCollector()
        let bits = BITSStreamAnalysis(findings: findings)
        let extractor = try UploadExtractor(directory: folder.path, limits: limits, findings: findings)
        bits.tracker.bodyObserver = extractor
        let retired = BITSSessionList()
        bits.tracker.sink = retired
        let engine = AnalysisEngine(factory: bits, findings: findings)
        try engine.run(&capture)
        bits.finish()
        try extractor.finish()
        let sessions = retired.sessions
        var files: [Int: ExtractedFile] = [:]
        for (index, session) in sessions.enumerated() { files[index] = session.file }
        return ExtractionRun(sessions: sessions, files: files, findings: findings.findings, folder: folder)
    }

    /// Lower-case hex SHA-256 of `bytes`, computed here independently of the extractor's hashing.
    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
