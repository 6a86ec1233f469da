import AnalyzerCore
import Foundation
import FuzzHarness
import Testing
import TrafficSynthesis

/// Every sample in samples/, with a few percent of its bytes changed at random, analysed in-process
/// through the whole pipeline (libpcap, decoding, reassembly, HTTP, BITS, both reports in text and
/// JSON) with the default limits: never a trap, and the invariants of ``CaptureFuzzing`` hold.
@Suite struct CorruptedSampleTests {
    static let samples: [String] = {
        let folder = FuzzRegressionTests.repositoryRoot.appendingPathComponent("samples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
            .map { folder.appendingPathComponent($0).path }
    }()

    /// Seeds per sample; each gives another corrupted copy.
    static let seeds: [UInt64] = Array(1...12)

    /// Bytes libpcap reads when opening the file: the pcap file header, or a pcapng file's section
    /// header block and first interface description block (little-endian, as our writer makes them).
    static func headerLength(_ bytes: [UInt8]) -> Int {
        func le32(_ offset: Int) -> Int {
            guard offset + 4 <= bytes.count else { return 0 }
            return (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        guard bytes.starts(with: [0x0A, 0x0D, 0x0D, 0x0A]) else { return 24 }
        let sectionHeader = le32(4)
        return sectionHeader + le32(sectionHeader + 4)
    }

    /// `bytes` with about `percent` % of them replaced by random values. The header libpcap reads
    /// on opening is kept unless `keepHeader` is false, so that most copies are still captures and
    /// their damage reaches the analysis.
    static func corrupted(_ bytes: [UInt8], percent: Int, keepHeader: Bool, seed: UInt64) -> [UInt8] {
        var random = SeededGenerator(seed: seed)
        var copy = bytes
        let kept = keepHeader ? headerLength(bytes) : 0
        for index in copy.indices where index >= kept && Int.random(in: 0..<100, using: &random) < percent {
            copy[index] = UInt8.random(in: 0...255, using: &random)
        }
        return copy
    }

    @Test("there are samples to corrupt")
    func samplesExist() {
        #expect(Self.samples.count >= 30)
    }

    @Test("a corrupted copy of each sample never crashes the analysis", arguments: samples)
    func corruptedSample(path: String) throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var analysed = 0
        for seed in Self.seeds {
            // Every fourth copy has its header damaged too.
            let copy = Self.corrupted(original, percent: 3, keepHeader: seed % 4 != 0, seed: seed)
            #expect(copy != original)
            let packets = copy.withUnsafeBytes { CaptureFuzzing.runAsFile($0, limits: Limits()) }
            if let packets, packets > 0 { analysed += 1 }
        }
        // Not vacuous: with the header kept, damaged copies are still analysed (pcapng less often: a
        // damaged block length ends the reading there).
        #expect(analysed >= 2, "only \(analysed) of \(Self.seeds.count) copies were analysed")
    }
}
