import AnalyzerCore
import BITSAnalyzer
import Foundation
import Testing
import TrafficSynthesis
import UploadExtraction

/// Every scenario of the generator's BITS catalogue, in every framing, clean and impaired (the matrix
/// of the analysis tests): the extracted file must be, byte for byte, what the generator's script
/// says the server holds (``ExpectedBITSAnalysis/serverFile``, derived from the script, never from
/// bitsnoop).
@Suite struct ScenarioExtractionTests {
    static let names = BITSScenarioCatalog.all.map(\.name)

    /// Every framing, clean and impaired (see `BITSScenarioVariants`).
    static let variants = BITSScenarioVariants.all

    @Test("the extracted file is what the server holds, in every framing and impairment", arguments: names)
    func scenarioFileMatches(name: String) throws {
        let recipe = try #require(BITSScenarioCatalog.named(name))
        for (index, (encapsulation, impairments, label)) in Self.variants.enumerated() {
            let scenario = recipe.build(encapsulation: encapsulation, impairments: impairments, seed: UInt64(index + 1))
            let bytes = index % 2 == 0 ? scenario.captureScenario.pcapFile() : scenario.captureScenario.pcapngFile()
            let run = try ExtractionRun.analyse(bytes)
            defer { run.remove() }
            try Self.check(run, scenario.expected, context: "\(name) [\(label)]")
        }
    }

    /// Checks the upload's file (the first session with an ID) against the expectation, and that
    /// nothing else is in the folder.
    static func check(_ run: ExtractionRun, _ expected: ExpectedBITSAnalysis, context: String) throws {
        #expect(run.sessions.count == expected.sessions.count, "\(context): sessions")
        var names: [String] = []
        for (index, wanted) in expected.sessions.enumerated() where index < run.sessions.count {
            let carried = run.sessions[index].requests.contains { $0.type == .fragment && $0.bodyBytes > 0 }
            guard let file = run.files[index] else {
                #expect(!carried, "\(context): session \(index) carried fragment bytes but has no file")
                continue
            }
            names.append(file.path)
            let onDisk = try #require(try run.bytes(of: index))
            #expect(onDisk.count == Int(file.bytes), "\(context): length on disk")
            #expect(ExtractionRun.sha256(onDisk) == file.sha256, "\(context): sha256")
            // No file name starts with a dot or a dash (SafeFileName): a signed decimal ID loses its sign.
            let id = (wanted.sessionID ?? "session-\(index + 1)").drop { $0 == "-" || $0 == "." }
            #expect(file.path.hasPrefix(id + "-"), "\(context): \(file.path)")
            #expect(file.path.hasSuffix(".partial") == !file.complete, "\(context): \(file.path)")
            guard wanted.sessionID != nil, index == expected.sessions.firstIndex(where: { $0.sessionID != nil }) else {
                continue
            }
            let same = onDisk == expected.serverFile
            #expect(same,
                    "\(context): not what the server holds (\(onDisk.count) vs \(expected.serverFile.count) bytes)")
            // Every byte was captured: complete exactly when the server acknowledged the whole upload.
            let acknowledged = wanted.bytesAcknowledged ?? 0
            let whole = wanted.totalLength.map { acknowledged >= $0 } ?? false
            #expect(file.complete == whole, "\(context): complete")
            let missing: [ClosedRange<UInt64>] = whole ? [] : wanted.totalLength.flatMap { total in
                acknowledged < total ? [acknowledged...(total - 1)] : nil
            } ?? []
            #expect(file.missing == missing, "\(context): missing \(file.missing)")
            let isClientFile = onDisk == expected.clientFile
            if whole { #expect(isClientFile, "\(context): complete file is the client's") }
        }
        #expect(Set(names).count == names.count, "\(context): names are unique")
        #expect(try run.listing() == names.sorted(), "\(context): the folder holds the files and nothing else")
    }

    /// Captures that miss bytes: lost segments, a mid-stream start, a short snapshot length, and loss
    /// with reordering and retransmission.
    static let damaged: [(Impairments, String)] = [
        (Impairments(lossCount: 3), "lossy"),
        (Impairments(dropHandshake: true), "mid-stream"),
        (Impairments(snapshotLength: 300), "snaplen 300"),
        (Impairments(reorderProbability: 0.3, duplicateProbability: 0.3, lossCount: 5), "lossy and reordered"),
    ]

    @Test("damaged captures: captured bytes are the server's, missing ones are zero and listed",
          arguments: names, damaged.indices)
    func lossyCaptures(name: String, damage: Int) throws {
        let recipe = try #require(BITSScenarioCatalog.named(name))
        var capturedLoss = 0
        defer {
            // Loss lands in fragment bodies for a plain upload: the test sees missing ranges.
            if name == "clean-upload", Self.damaged[damage].0.lossCount > 0 {
                #expect(capturedLoss > 0, "\(Self.damaged[damage].1): no run lost body bytes")
            }
        }
        for seed in UInt64(1)...3 {
            let scenario = recipe.build(impairments: Self.damaged[damage].0, seed: seed)
            let run = try ExtractionRun.analyse(scenario.captureScenario.pcapFile())
            defer { run.remove() }
            let context = "\(name) \(Self.damaged[damage].1) seed \(seed)"
            guard let upload = scenario.expected.sessions.firstIndex(where: { $0.sessionID != nil }),
                  let file = run.files[upload], let onDisk = try run.bytes(of: upload) else { continue }
            #expect(ExtractionRun.sha256(onDisk) == file.sha256, "\(context): sha256")
            var isMissing = [Bool](repeating: false, count: onDisk.count)
            for range in file.missing where range.lowerBound < UInt64(onDisk.count) {
                for offset in range.lowerBound...min(range.upperBound, UInt64(onDisk.count - 1)) {
                    isMissing[Int(offset)] = true
                }
            }
            if file.missing.contains(where: { $0.upperBound < UInt64(onDisk.count) }) { capturedLoss += 1 }
            let server = scenario.expected.serverFile
            let mismatched = onDisk.indices.filter { offset in
                isMissing[offset] ? onDisk[offset] != 0 : offset < server.count && onDisk[offset] != server[offset]
            }
            #expect(mismatched.isEmpty,
                    "\(context): \(mismatched.count) bytes wrong, first at \(mismatched.first ?? 0)")
            let isClientFile = onDisk == scenario.expected.clientFile
            if file.complete { #expect(isClientFile, "\(context): complete") }
            #expect(file.path.hasSuffix(".partial") == !file.complete)
        }
    }
}
