import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import Foundation
import Testing
import TrafficSynthesis

/// `AnalysisEngine.run(_:readingThread:count:)` with reading on a thread of its own gives what one
/// thread gives: the same sessions in the same order, the same findings in the same order, the same
/// counters, on every sample and on generated captures with IP fragments, loss, cut files and
/// small limits (whose notices come from both sides of the hand-off).
@Suite struct ReadingThreadTests {
    /// What one run produced, compared whole.
    struct Outcome: Equatable {
        var findings: [Finding]
        /// Each retired session's full description, in the order retired.
        var sessions: [String]
        var capture: CaptureStatistics
        var decode: String
        var reassembly: String
    }

    static func run(path: String, readingThread: Bool, limits: Limits = Limits()) throws -> Outcome {
        var capture = try OfflineCapture(paths: [path])
        let findings = FindingCollector()
        let bits = BITSStreamAnalysis(limits: limits, findings: findings)
        let list = BITSSessionList()
        bits.tracker.sink = list
        let engine = AnalysisEngine(limits: limits, factory: bits, findings: findings)
        try engine.run(&capture, readingThread: readingThread) { bits.tracker.sessionCount }
        bits.finish()
        return Outcome(findings: findings.findings, sessions: list.retired.map { String(reflecting: $0) },
                       capture: engine.capture, decode: String(reflecting: engine.decodeStatistics),
                       reassembly: String(reflecting: engine.reassemblyStatistics))
    }

    static let samplesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples")

    static let samples: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: samplesFolder.path)) ?? [])
        .filter { $0.contains(".pcap") }.sorted()

    @Test("there are samples to compare") func samplesFound() {
        #expect(Self.samples.count > 50)
    }

    @Test("every sample: the same sessions, findings and counters with a reading thread", arguments: samples)
    func sample(_ name: String) throws {
        let path = Self.samplesFolder.appendingPathComponent(name).path
        let one = try Self.run(path: path, readingThread: false)
        let two = try Self.run(path: path, readingThread: true)
        #expect(one == two)
    }

    @Test("generated captures with fragments, impairments, a cut end and small limits: the same with a reading thread",
          arguments: GeneratedCaptureTests.Preset.allCases)
    func generated(_ preset: GeneratedCaptureTests.Preset) throws {
        var limits = Limits()
        limits.ipFragments.maxDatagramsInProgress = 1
        limits.reassembly.maxConnections = 2
        for seed in UInt64(1)...2 {
            let scenario = GeneratedCaptureTests.scenario(.ethernet(vlanTags: []), preset, seed: seed)
            var file = scenario.pcapFile(endianness: .little)
            // Seed 2 ends in the middle of a packet: a `capture-truncated` notice from the reading side.
            if seed == 2 { file.removeLast(7) }
            let path = try GeneratedCaptureTests.temporaryFile(file, suffix: ".pcap")
            defer { try? FileManager.default.removeItem(atPath: path) }
            // Fragments dropped at their second piece: the decoder's `limit-ip-fragments` notice is
            // reported on the reading thread and must reach the findings in its place.
            var fragmentLimit = Limits()
            fragmentLimit.ipFragments.maxFragmentsPerDatagram = 1
            for limits in [Limits(), limits, fragmentLimit] {
                let one = try Self.run(path: path, readingThread: false, limits: limits)
                let two = try Self.run(path: path, readingThread: true, limits: limits)
                #expect(one == two, "\(preset) seed \(seed)")
                if seed == 2 { #expect(two.findings.contains { $0.code == .captureTruncated }) }
                if preset == .fragmented, limits.ipFragments.maxFragmentsPerDatagram == 1 {
                    #expect(two.findings.contains { $0.code == .limitIPFragments }, "seed \(seed)")
                }
            }
        }
    }

    @Test("many batches: the busy workload's sessions and the progress count from the analysing thread")
    func manyBatches() throws {
        var bytes: [UInt8] = []
        _ = BenchmarkWorkload.busy(sessions: 400, seed: 5).write { bytes += $0 }
        let path = try GeneratedCaptureTests.temporaryFile(bytes, suffix: ".pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let one = try Self.run(path: path, readingThread: false)
        let two = try Self.run(path: path, readingThread: true)
        #expect(one == two)
        #expect(one.sessions.count == 400)

        // The reading thread sees the analysing thread's session count grow, batch after batch.
        let capture = try OfflineCapture(paths: [path])
        let bits = BITSStreamAnalysis(findings: FindingCollector())
        bits.tracker.sink = BITSSessionList()
        let engine = AnalysisEngine(factory: bits, findings: FindingCollector())
        var seen = ProgressWatch(capture: capture, engine: engine)
        try engine.run(&seen, readingThread: true) { bits.tracker.sessionCount }
        #expect(seen.largest > 0 && seen.largest <= 400)
        #expect(engine.progressCount == 0)  // outside a run
    }
}

/// A source that notes the largest ``AnalysisEngine/progressCount`` seen while reading.
private struct ProgressWatch: PacketSource {
    let capture: OfflineCapture
    unowned let engine: AnalysisEngine
    var largest = 0

    var timestampPrecision: TimestampPrecision { capture.timestampPrecision }
    var interruptions: [CaptureInterruption] { capture.interruptions }

    mutating func nextPacket() throws -> CapturedPacket? {
        largest = max(largest, engine.progressCount)
        return try capture.nextPacket()
    }
}
