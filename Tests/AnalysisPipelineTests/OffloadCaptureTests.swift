import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import Foundation
import PacketDecoding
import TestSupport
import Testing
import TrafficSynthesis

/// Captures taken on the sending host with segmentation offload: TCP segments far over the MTU, and
/// IPv4 packets whose total length is 0. They must decode as ordinary segments (counted as offloaded),
/// never as malformed packets that leave gaps.
@Suite struct OffloadCaptureTests {
    /// The offload segment size used below: close to the 64 KiB an IPv4 datagram can hold.
    static let segmentSize = 65_000

    @Test("a BITS upload captured on the client with TSO analyses as completed, with no findings")
    func bitsUploadWithOffload() throws {
        for name in ["clean-upload", "upper-case-types", "clean-upload-ping"] {
            let recipe = try #require(BITSScenarioCatalog.named(name))
            let scenario = recipe.build(
                impairments: Impairments(offloadSegmentSize: Self.segmentSize), seed: 11
            )
            let zeroed = scenario.conversations.reduce(0) { $0 + $1.clientStatistics.zeroLengthSegments }
            // Total length 0 exists only in IPv4; IPv6 captures still get segments over the MTU.
            #expect(recipe.ipv6 ? zeroed == 0 : zeroed > 0, "\(name): the generator wrote total-length-0 segments")
            #expect(scenario.captureScenario.packets.contains { $0.bytes.count > 1_514 }, "\(name): segments over the MTU")
            let path = try GeneratedCaptureTests.temporaryFile(scenario.captureScenario.pcapFile(), suffix: ".pcap")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let findings = FindingCollector()
            let bits = BITSStreamAnalysis(findings: findings)
            bits.keepSessions()
            let engine = AnalysisEngine(factory: bits, findings: findings)
            var capture = try OfflineCapture(paths: [path])
            try engine.run(&capture)
            bits.finish()
            #expect(bits.sessions.map(\.state) == [.completed], "\(name)")
            #expect(bits.sessions.map(\.state.rawValue) == scenario.expected.sessions.map(\.state))
            #expect(findings.findings.isEmpty, "\(name): \(findings.findings.map(\.code))")
            #expect(engine.decodeStatistics.offloadedSegments == zeroed)
            #expect(engine.decodeStatistics.malformed == 0)
            let counters = AnalysisCounters.list(for: engine)
            #expect(counters.first { $0.0 == "offloaded_segments" }?.1 == UInt64(zeroed))
        }
    }

    @Test("segments up to 64 KiB, some with total length 0, deliver the exact stream", arguments: [false, true])
    func largeSegmentsDeliverTheStream(ipv6: Bool) throws {
        var random = SeededGenerator(seed: ipv6 ? 21 : 20)
        let client = ipv6
            ? Endpoint(address: .v6(0x2001_0DB8_0000_0000, 5), port: 49_999)
            : Endpoint(address: .v4(0xC000_0205), port: 49_999)
        let server = ipv6
            ? Endpoint(address: .v6(0x2001_0DB8_0000_0000, 6), port: 80)
            : Endpoint(address: .v4(0xC633_640A), port: 80)
        var conversation = TCPConversation(
            client: client, server: server, clientISN: 0xFFFF_0000, serverISN: 77,
            start: CaptureTimestamp(seconds: 1_790_000_000, nanoseconds: 0)
        )
        conversation.clientSends((0..<300_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        conversation.serverSends((0..<90_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        let rendered = conversation.render(
            encapsulation: .ethernet(vlanTags: []), impairments: Impairments(offloadSegmentSize: Self.segmentSize),
            seed: 5
        )
        #expect(rendered.packets.contains { $0.bytes.count > 60_000 }, "segments near 64 KiB were written")
        let zeroed = rendered.clientStatistics.zeroLengthSegments
        #expect(ipv6 ? zeroed == 0 : zeroed >= 2)
        let scenario = CaptureScenario(encapsulation: .ethernet(vlanTags: []), conversations: [rendered])
        let path = try GeneratedCaptureTests.temporaryFile(scenario.pcapFile(), suffix: ".pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (factory, engine, findings) = try GeneratedCaptureTests.analyse(path: path)
        #expect(engine.decodeStatistics.malformed == 0)
        #expect(engine.decodeStatistics.offloadedSegments == zeroed)
        #expect(findings.findings.isEmpty, "\(findings.findings.map(\.code))")
        let consumer = try #require(factory.consumers.first)
        GeneratedCaptureTests.check(consumer, .clientToServer, rendered.expectedClient, "offload")
        GeneratedCaptureTests.check(consumer, .serverToClient, rendered.expectedServer, "offload")
    }
}
