import AnalysisPipeline
import AnalyzerCore
import CaptureIO
import Foundation
import TCPReassembly
import TestSupport
import Testing
import TrafficSynthesis

/// Captures made by our generator, written to files, read back through libpcap and analysed: every
/// connection must deliver exactly what the generator says a perfect reassembler delivers.
@Suite struct GeneratedCaptureTests {
    /// Named impairment presets.
    enum Preset: String, CaseIterable, CustomTestStringConvertible {
        case clean, reordered, retransmitted, overlapping, lossy, midstream, fragmented, snaplen96, everything
        var testDescription: String { rawValue }

        var impairments: Impairments {
            switch self {
            case .clean: return .none
            case .reordered: return Impairments(reorderProbability: 0.4)
            case .retransmitted: return Impairments(duplicateProbability: 0.3)
            case .overlapping: return Impairments(overlapProbability: 0.3)
            case .lossy: return Impairments(lossCount: 3)
            case .midstream: return Impairments(dropHandshake: true)
            case .fragmented: return Impairments(ipFragmentPayload: 512)
            case .snaplen96: return Impairments(snapshotLength: 96)
            case .everything:
                return Impairments(reorderProbability: 0.3, duplicateProbability: 0.2, overlapProbability: 0.2,
                                   lossCount: 2)
            }
        }
    }

    /// Three conversations (two IPv4, one IPv6) with random payloads, under one impairment.
    static func scenario(_ encapsulation: LinkEncapsulation, _ preset: Preset, seed: UInt64) -> CaptureScenario {
        var random = SeededGenerator(seed: seed)
        var conversations: [RenderedConversation] = []
        let endpoints: [(Endpoint, Endpoint)] = [
            (Endpoint(address: .v4(0xC000_0205), port: 49_153), Endpoint(address: .v4(0xC633_640A), port: 80)),
            (Endpoint(address: .v4(0xC000_0206), port: 50_000), Endpoint(address: .v4(0xC633_640B), port: 8080)),
            (Endpoint(address: .v6(0x2001_0DB8_0000_0000, 5), port: 51_000),
             Endpoint(address: .v6(0x2001_0DB8_0000_0000, 0x10), port: 80)),
        ]
        for (index, (client, server)) in endpoints.enumerated() {
            var conversation = TCPConversation(
                client: client, server: server,
                clientISN: UInt32.random(in: 0...UInt32.max, using: &random),
                serverISN: index == 0 ? UInt32.max - 2_000 : UInt32.random(in: 0...UInt32.max, using: &random),
                start: CaptureTimestamp(seconds: 1_790_000_000 + Int64(index), nanoseconds: 0)
            )
            for _ in 0..<3 {
                conversation.clientSends((0..<Int.random(in: 1...9_000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
                conversation.serverSends((0..<Int.random(in: 1...3_000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
            }
            conversation.closing = index == 1 ? .reset : .fin
            conversations.append(conversation.render(encapsulation: encapsulation, impairments: preset.impairments,
                                                     seed: seed &+ UInt64(index)))
        }
        return CaptureScenario(encapsulation: encapsulation, conversations: conversations)
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], suffix: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Reads a capture file through the whole pipeline.
    static func analyse(path: String) throws -> (RecordingFactory, AnalysisEngine, FindingCollector) {
        var capture = try OfflineCapture(paths: [path])
        let factory = RecordingFactory()
        let findings = FindingCollector()
        let engine = AnalysisEngine(factory: factory, findings: findings)
        try engine.run(&capture)
        return (factory, engine, findings)
    }

    /// Checks one direction of one connection against the generator's expectation.
    static func check(_ consumer: RecordingConsumer, _ direction: FlowDirection, _ expected: ExpectedStream,
                      _ label: String) {
        #expect(consumer.stream(direction) == expected.deliveredBytes, "\(label) \(direction): delivered bytes")
        let gaps = consumer.gaps(direction).map { ExpectedStream.Piece(offset: Int($0.0), length: Int($0.1), isGap: true) }
        #expect(mergedGaps(gaps) == expected.pieces.filter(\.isGap), "\(label) \(direction): gaps")
        #expect(consumer.offsetsAreContiguous(), "\(label): offsets")
    }

    /// Adjacent gaps merged (one lost segment cut by snaplen may be reported as several gaps).
    static func mergedGaps(_ gaps: [ExpectedStream.Piece]) -> [ExpectedStream.Piece] {
        var merged: [ExpectedStream.Piece] = []
        for gap in gaps {
            if let last = merged.last, last.offset + last.length == gap.offset {
                merged[merged.count - 1].length += gap.length
            } else {
                merged.append(gap)
            }
        }
        return merged
    }

    @Test("every framing and impairment delivers exactly the bytes the generator says",
          arguments: LinkEncapsulation.allCases, Preset.allCases)
    func deliversExpectedBytes(encapsulation: LinkEncapsulation, preset: Preset) throws {
        for seed in UInt64(1)...3 {
            let scenario = Self.scenario(encapsulation, preset, seed: seed)
            let usePcapng = seed == 2
            let file = usePcapng ? scenario.pcapngFile() : scenario.pcapFile(endianness: seed == 3 ? .big : .little)
            let path = try Self.temporaryFile(file, suffix: usePcapng ? ".pcapng" : ".pcap")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (factory, engine, _) = try Self.analyse(path: path)

            #expect(factory.consumers.count == scenario.conversations.count, "seed \(seed)")
            #expect(AnalysisCounters.list(for: engine).first { $0.0 == "malformed_packets" }?.1 == 0)
            for conversation in scenario.conversations {
                let label = "\(encapsulation) \(preset) seed \(seed) \(conversation.client)"
                guard let consumer = factory.consumers.first(where: {
                    Set([$0.info.client, $0.info.server]) == Set([conversation.client, conversation.server])
                }) else {
                    Issue.record("\(label): connection not found")
                    continue
                }
                if preset != .midstream {
                    #expect(consumer.info.client == conversation.client, "\(label): client side")
                }
                Self.check(consumer, .clientToServer, consumer.info.client == conversation.client
                      ? conversation.expectedClient : conversation.expectedServer, label)
                Self.check(consumer, .serverToClient, consumer.info.client == conversation.client
                      ? conversation.expectedServer : conversation.expectedClient, label)
                let summary = try #require(consumer.summary)
                #expect(summary.clientToServer.payloadBytes + summary.serverToClient.payloadBytes
                        == UInt64(conversation.expectedClient.uniqueBytes + conversation.expectedServer.uniqueBytes))
            }
        }
    }
}
