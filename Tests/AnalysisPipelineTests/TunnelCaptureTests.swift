import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import Foundation
import PacketDecoding
import TCPReassembly
import TestSupport
import Testing
import TrafficSynthesis

/// Captures of mirrored traffic: every encapsulation family of the generator's catalogue (MPLS, GRE,
/// ERSPAN, VXLAN, GENEVE, IP in IP, PPPoE, PPP, Cisco HDLC, NFLOG, 802.11) written to a file, read
/// back through libpcap and analysed. Connections are keyed by the innermost addresses, and deliver
/// what the generator says, exactly as the plain Ethernet capture of the same traffic does.
@Suite struct TunnelCaptureTests {
    static let stacks = EncapsulationStack.catalog

    @Test("every encapsulation delivers exactly the bytes the generator says", arguments: stacks)
    func deliversExpectedBytes(stack: EncapsulationStack) throws {
        // Clean, reordered, and with the inner datagrams IP-fragmented inside the tunnel.
        for (seed, preset) in [(UInt64(1), GeneratedCaptureTests.Preset.clean), (2, .reordered), (3, .fragmented)] {
            let scenario = GeneratedCaptureTests.scenario(.stack(stack), preset, seed: seed)
            let file = seed == 2 ? scenario.pcapngFile() : scenario.pcapFile()
            let path = try GeneratedCaptureTests.temporaryFile(file, suffix: seed == 2 ? ".pcapng" : ".pcap")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (factory, engine, findings) = try GeneratedCaptureTests.analyse(path: path)
            #expect(factory.consumers.count == scenario.conversations.count, "\(stack) seed \(seed)")
            #expect(engine.decodeStatistics.malformed == 0, "\(stack)")
            #expect(engine.decodeStatistics.undecoded == 0, "\(stack)")
            let fragments = engine.decodeStatistics.fragmentsHeld
            #expect(engine.decodeStatistics.tcpSegments + fragments == scenario.packets.count,
                    "\(stack): every packet decoded")
            #expect(preset == .fragmented ? fragments > 0 : fragments == 0, "\(stack)")
            #expect(findings.findings.isEmpty, "\(stack): \(findings.findings.map(\.message))")
            for conversation in scenario.conversations {
                let label = "\(stack) seed \(seed) \(conversation.client)"
                // Keyed by the innermost addresses: the client and server the generator chose.
                let consumer = try #require(factory.consumers.first {
                    $0.info.client == conversation.client && $0.info.server == conversation.server
                }, "\(label): connection not found")
                GeneratedCaptureTests.check(consumer, .clientToServer, conversation.expectedClient, label)
                GeneratedCaptureTests.check(consumer, .serverToClient, conversation.expectedServer, label)
            }
        }
    }

    @Test("a BITS upload analyses the same in every encapsulation", arguments: stacks)
    func bitsUpload(stack: EncapsulationStack) throws {
        for name in ["clean-upload", "clean-upload-ping"] {
            let recipe = try #require(BITSScenarioCatalog.named(name))
            let scenario = recipe.build(encapsulation: .stack(stack), seed: 3)
            let (bits, findings) = try BITSScenarioTests.analyse(scenario.captureScenario.pcapFile())
            let sessions = bits.sessions
            #expect(sessions.count == scenario.expected.sessions.count, "\(stack) \(name)")
            for (actual, wanted) in zip(sessions, scenario.expected.sessions) {
                #expect(actual.sessionID == wanted.sessionID, "\(stack) \(name)")
                #expect(actual.state.rawValue == wanted.state, "\(stack) \(name)")
                #expect(actual.bytesAcknowledged == wanted.bytesAcknowledged, "\(stack) \(name)")
            }
            #expect(findings.findings.isEmpty, "\(stack) \(name): \(findings.findings.map(\.code))")
        }
    }

    @Test("a capture bitsnoop cannot open gets one capture-undecoded notice naming what and how many")
    func undecodedNotice() throws {
        // A clean capture in VXLAN, plus protected 802.11 frames cannot share a file (one link type per
        // pcap), so use GRE: the good traffic in GRE, and the same packets once more behind an unknown
        // GRE protocol (0x880B) by rewriting the protocol field.
        let stack = try #require(EncapsulationStack.named("gre"))
        let scenario = GeneratedCaptureTests.scenario(.stack(stack), .clean, seed: 4)
        let greProtocolOffset = 14 + 20 + 2
        var packets = scenario.packets
        let hidden = packets.prefix(5).map { packet -> SyntheticPacket in
            var copy = packet
            copy.bytes[greProtocolOffset] = 0x88
            copy.bytes[greProtocolOffset + 1] = 0x0B
            return copy
        }
        packets += hidden
        let file = PcapFileWriter(linkType: stack.linkTypeValue).file(packets)
        let path = try GeneratedCaptureTests.temporaryFile(file, suffix: ".pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (factory, engine, findings) = try GeneratedCaptureTests.analyse(path: path)
        #expect(factory.consumers.count == scenario.conversations.count)
        #expect(engine.decodeStatistics.undecoded == 5)
        let notices = findings.findings.filter { $0.code == .captureUndecoded }
        #expect(notices.count == 1)
        #expect(notices.first?.severity == .notice)
        #expect(notices.first?.message.contains("GRE protocol 0x880B: 5 packets") == true, "\(notices.map(\.message))")
        #expect(AnalysisCounters.list(for: engine).first { $0.0 == "undecoded_packets" }?.1 == 5)
    }
}
