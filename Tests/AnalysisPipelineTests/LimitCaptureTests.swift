import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import CaptureIO
import Foundation
import Testing
import TrafficSynthesis

/// Every limit of docs/limits.md hit by a generated capture, read through libpcap and the whole
/// pipeline with the limit set low: a `limit-*` notice names the limit and what was dropped, and
/// the analysis goes on (what comes after the limit is still analysed).
@Suite struct LimitCaptureTests {
    /// What a run produced.
    struct Outcome {
        var findings: [Finding]
        var bits: BITSStreamAnalysis
        var engine: AnalysisEngine

        /// The named counter of the run's `stats`.
        func counter(_ name: String) -> UInt64? { AnalysisCounters.list(for: engine).first { $0.0 == name }?.1 }

        /// The findings with `code`.
        func with(_ code: FindingCode) -> [Finding] { findings.filter { $0.code == code } }
    }

    static func analyse(_ bytes: [UInt8], limits: Limits) throws -> Outcome {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("bitsnoop-limit-\(UUID().uuidString).pcap")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var capture = try OfflineCapture(paths: [url.path])
        let findings = FindingCollector()
        let bits = BITSStreamAnalysis(limits: limits, findings: findings)
        bits.keepSessions()
        let engine = AnalysisEngine(limits: limits, factory: bits, findings: findings)
        try engine.run(&capture)
        bits.finish()
        return Outcome(findings: findings.findings, bits: bits, engine: engine)
    }

    static let builder = BITSMessageBuilder(host: "uploads.example", path: "/upload/f.bin", contentName: "f.bin")
    static let sessionID = "{11112222-3333-4444-5555-666677778888}"

    /// One session: Create-Session, `fragments` fragments of 100 bytes, Close-Session, all answered.
    static func upload(fragments: Int, extraCreateHeaders: [SyntheticHeaderField] = []) -> [UInt8] {
        let b = builder
        var create = b.createSession()
        create.headers += extraCreateHeaders
        var messages: [(client: [UInt8], server: [UInt8]?)] = [
            (create.bytes, b.createSessionAck(sessionID: sessionID).bytes),
        ]
        let total = fragments * 100
        for index in 0..<fragments {
            let body = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 100)
            let fragment = b.fragment(sessionID: sessionID, first: index * 100, last: index * 100 + 99, total: total,
                                      body: body)
            messages.append((fragment.bytes, b.fragmentAck(sessionID: sessionID, received: (index + 1) * 100).bytes))
        }
        messages.append((b.closeSession(sessionID: sessionID).bytes, b.ack(sessionID: sessionID).bytes))
        return HostileCaptures.exchange(messages)
    }

    @Test("reassembly.maxConnections: the least recently active are ended, later connections analysed")
    func connections() throws {
        var limits = Limits()
        limits.reassembly.maxConnections = 8
        let outcome = try Self.analyse(HostileCaptures.halfOpenConnectionsWithHoles(count: 20), limits: limits)
        let notice = try #require(outcome.with(.limitConnections).first)
        #expect(outcome.with(.limitConnections).count == 1)
        #expect(notice.severity == .notice)
        #expect(notice.message.contains("maxConnections"))
        #expect(notice.message.contains("ended the 1 least recently active"))
        #expect(outcome.counter("connections_evicted") == 12)
        #expect(outcome.counter("connections") == 20)
    }

    @Test("reassembly.maxHeldBytesPerConnection: the hole becomes a gap and the held bytes go on")
    func heldBytesPerConnection() throws {
        var limits = Limits()
        limits.reassembly.maxHeldBytesPerConnection = 1_000
        let outcome = try Self.analyse(HostileCaptures.halfOpenConnectionsWithHoles(count: 1, heldBytes: 3_000),
                                       limits: limits)
        let notice = try #require(outcome.with(.limitReassemblyConnection).first)
        #expect(notice.message.contains("maxHeldBytesPerConnection 1000") && notice.message.contains("declared a gap"))
        #expect((outcome.counter("reassembly_connection_limit_hits") ?? 0) >= 1)
    }

    @Test("reassembly.maxHeldBytesTotal: the connection adding data has its holes declared gaps")
    func heldBytesTotal() throws {
        var limits = Limits()
        limits.reassembly.maxHeldBytesTotal = 2_000
        let outcome = try Self.analyse(HostileCaptures.halfOpenConnectionsWithHoles(count: 10, heldBytes: 500),
                                       limits: limits)
        let notice = try #require(outcome.with(.limitReassemblyTotal).first)
        #expect(outcome.with(.limitReassemblyTotal).count == 1)
        #expect(notice.message.contains("maxHeldBytesTotal 2000") && notice.message.contains("declared gaps"))
        // Held bytes never exceed the limit by more than the segment that pushed them over.
        #expect((outcome.counter("peak_held_bytes") ?? .max) <= 2_000 + 500)
        #expect((outcome.counter("reassembly_total_limit_hits") ?? 0) >= 3)
    }

    @Test("http.maxHeaderBlockBytes: the message is abandoned, the next one analysed")
    func headerBlockBytes() throws {
        var limits = Limits()
        limits.http.maxHeaderBlockBytes = 1_024
        let filler = SyntheticHeaderField("X-Filler", String(repeating: "f", count: 2_000))
        let outcome = try Self.analyse(Self.upload(fragments: 2, extraCreateHeaders: [filler]), limits: limits)
        let notice = try #require(outcome.findings.first { $0.code.rawValue == "limit-http-header-block" })
        #expect(notice.message.contains("maxHeaderBlockBytes") && notice.message.contains("message abandoned"))
        // The Create-Session was lost, its session still found by the fragments that follow.
        let session = try #require(outcome.bits.sessions.first)
        #expect(session.requests.count == 3)
        #expect(session.closed)
    }

    @Test("http.maxHeaderCount: the message is abandoned, the next one analysed")
    func headerCount() throws {
        var limits = Limits()
        limits.http.maxHeaderCount = 12
        let extra = (0..<20).map { SyntheticHeaderField("X-Extra-\($0)", "v") }
        let outcome = try Self.analyse(Self.upload(fragments: 2, extraCreateHeaders: extra), limits: limits)
        let notice = try #require(outcome.findings.first { $0.code.rawValue == "limit-http-header-count" })
        #expect(notice.message.contains("maxHeaderCount") && notice.message.contains("message abandoned"))
        #expect(outcome.bits.sessions.first?.requests.count == 3)
    }

    @Test("bits.maxOpenSessions: sessions past it while the others are open are counted, not tracked")
    func sessions() throws {
        var limits = Limits()
        limits.bits.maxOpenSessions = 5
        let outcome = try Self.analyse(HostileCaptures.unclosedSessions(count: 12, perConnection: 4), limits: limits)
        let notice = try #require(outcome.with(.limitSessions).first)
        #expect(outcome.with(.limitSessions).count == 1)
        #expect(notice.message.contains("maxOpenSessions"))
        #expect(outcome.bits.sessions.count == 5)
        #expect(outcome.bits.tracker.untrackedRequests == 7)
        // The tracked sessions are still judged at the end.
        #expect(outcome.findings.filter { $0.code.rawValue == "orphaned-session" }.count == 5)
    }

    @Test("bits.maxRequestsPerSession: later requests are not listed but still update the session")
    func requestsPerSession() throws {
        var limits = Limits()
        limits.bits.maxRequestsPerSession = 4
        let outcome = try Self.analyse(Self.upload(fragments: 10), limits: limits)
        let notice = try #require(outcome.with(.limitSessionRequests).first)
        #expect(notice.message.contains("maxRequestsPerSession"))
        let session = try #require(outcome.bits.sessions.first)
        #expect(session.requests.count == 4)
        #expect(session.bytesAcknowledged == 1_000)
        #expect(session.closed)
        #expect(outcome.with(.limitSessionRequests).count == 1)
    }

    @Test("ipFragments.maxDatagramsInProgress: the oldest datagram is dropped, and reported")
    func ipFragments() throws {
        var limits = Limits()
        limits.ipFragments.maxDatagramsInProgress = 2
        var capture = PcapBuffer()
        let server = HostileCaptures.server
        // Five datagrams whose first fragment arrives and whose last never does.
        for index in 0..<5 {
            let client = HostileCaptures.client(index)
            let segment = TCPSegmentBuilder.segment(
                source: client, destination: server, sequenceNumber: 1, acknowledgmentNumber: 0, flags: [.ack],
                payload: [UInt8](repeating: 0x61, count: 200))
            guard case .v4(let from) = client.address, case .v4(let to) = server.address else { return }
            let packet = IPPacketBuilder.ipv4(
                source: from, destination: to, protocolNumber: IPPacketBuilder.tcpProtocol, payload: segment,
                identification: UInt16(index), dontFragment: false)
            let fragments = IPPacketBuilder.fragment(packet, maxFragmentPayload: 64, identification: UInt32(index))
            #expect(fragments.count > 1)
            capture.append(ipPacket: fragments[0], from: client.address, to: server.address)
        }
        let outcome = try Self.analyse(capture.bytes, limits: limits)
        let notice = try #require(outcome.with(.limitIPFragments).first)
        #expect(notice.message.contains("maxDatagramsInProgress") && notice.message.contains("dropped"))
        #expect((outcome.counter("ip_fragment_datagrams_dropped") ?? 0) >= 3)
    }
}
