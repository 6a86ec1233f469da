import AnalyzerCore
import TCPReassembly
import TestSupport
import TrafficSynthesis
import Testing

@Suite struct ReassemblyBehaviourTests {
    private func run(_ segments: [TestSegment], limits: Limits.Reassembly = .init(), finish: Bool = true)
        -> (RecordingFactory, FindingCollector, TCPReassembler)
    {
        let factory = RecordingFactory()
        let findings = FindingCollector()
        let reassembler = TCPReassembler(limits: limits, factory: factory, findings: findings)
        for segment in segments { reassembler.feed(segment) }
        if finish { reassembler.finish() }
        return (factory, findings, reassembler)
    }

    @Test("sequence numbers wrapping past 2^32 keep the stream continuous")
    func sequenceWrap() {
        var random = SeededGenerator(seed: 5)
        let exchange = Exchange.random(clientBytes: 10_000, serverBytes: 3_000,
                                       clientISN: UInt32.max - 4_000, serverISN: UInt32.max - 10, using: &random)
        var data = exchange.dataSegments(fromClient: true, maxSize: 900, using: &random)
            + exchange.dataSegments(fromClient: false, maxSize: 900, using: &random)
        data.shuffle(using: &random)
        let (factory, _, _) = run(exchange.handshake + data + exchange.fins)
        #expect(factory.consumers[0].stream(.clientToServer) == exchange.clientData)
        #expect(factory.consumers[0].stream(.serverToClient) == exchange.serverData)
        #expect(factory.summaries[0].end == .fin)
    }

    @Test("a connection without handshake is picked up mid-stream; the higher port is the client")
    func midstreamPickup() {
        let payload1 = Array("GET / HTTP/1.1\r\n".utf8)
        let payload2 = Array("HTTP/1.1 200 OK\r\n".utf8)
        let (factory, _, reassembler) = run([
            TestSegment(fromClient: false, sequence: 9_000, acknowledgment: 500, flags: [.ack], payload: payload2),
            TestSegment(fromClient: true, sequence: 500, acknowledgment: 9_000 + 17, flags: [.ack], payload: payload1),
        ])
        let info = factory.consumers[0].info
        #expect(info.client == clientEndpoint)  // port 49153 > 80, although the server spoke first
        #expect(!info.handshakeSeen)
        #expect(factory.consumers[0].stream(.clientToServer) == payload1)
        #expect(factory.consumers[0].stream(.serverToClient) == payload2)
        #expect(reassembler.statistics.midstreamPickups == 1)
        #expect(factory.summaries[0].end == .captureEnd)
    }

    @Test("the first copy wins on a conflicting overlap, and the conflict is counted")
    func conflictingOverlap() {
        let isn: UInt32 = 1_000
        let exchange = Exchange(clientISN: isn, serverISN: 1, clientData: [], serverData: [])
        // Held first: bytes 10..<20 = "B"; later the in-order copy of 0..<20 says "A" throughout.
        let (factory, _, _) = run(exchange.handshake + [
            TestSegment(fromClient: true, sequence: isn + 1 + 10, flags: [], payload: [UInt8](repeating: 0x42, count: 10)),
            TestSegment(fromClient: true, sequence: isn + 1, flags: [], payload: [UInt8](repeating: 0x41, count: 20)),
            // A retransmission of held-then-delivered bytes with other content cannot be compared.
            TestSegment(fromClient: true, sequence: isn + 1 + 15, flags: [], payload: [UInt8](repeating: 0x43, count: 10)),
        ])
        let expected = [UInt8](repeating: 0x41, count: 10) + [UInt8](repeating: 0x42, count: 10)
            + [UInt8](repeating: 0x43, count: 5)
        #expect(factory.consumers[0].stream(.clientToServer) == expected)
        let stats = factory.summaries[0].clientToServer
        #expect(stats.conflictingBytes == 10)
        #expect(stats.overlapBytes == 15)  // 10 in the in-order copy, 5 in the last segment
        #expect(stats.payloadBytes == 25)
    }

    @Test("bytes cut off by the snapshot length become a gap right away, and the stream goes on")
    func uncapturedTail() {
        let isn: UInt32 = 7
        let exchange = Exchange(clientISN: isn, serverISN: 1, clientData: [], serverData: [])
        let (factory, _, _) = run(exchange.handshake + [
            TestSegment(fromClient: true, sequence: isn + 1, flags: [], payload: [1, 2, 3], wireLength: 100),
            TestSegment(fromClient: true, sequence: isn + 101, flags: [], payload: [4, 5], wireLength: 2),
        ], finish: false)
        let consumer = factory.consumers[0]
        #expect(consumer.events == [
            .data(.clientToServer, offset: 0, [1, 2, 3]),
            .gap(.clientToServer, offset: 3, length: 97),
            .data(.clientToServer, offset: 100, [4, 5]),
        ])
    }

    @Test("an acknowledgment past a hole declares the hole a gap at once")
    func acknowledgedHoleIsGap() {
        let isn: UInt32 = 100
        let exchange = Exchange(clientISN: isn, serverISN: 5_000, clientData: [], serverData: [])
        let (factory, _, _) = run(exchange.handshake + [
            TestSegment(fromClient: true, sequence: isn + 1, flags: [.ack], payload: [UInt8](repeating: 1, count: 10)),
            // bytes 10..<20 are lost from the capture
            TestSegment(fromClient: true, sequence: isn + 21, flags: [.ack], payload: [UInt8](repeating: 3, count: 10)),
            TestSegment(fromClient: false, sequence: 5_001, acknowledgment: isn + 31, flags: [.ack]),
        ], finish: false)
        #expect(factory.consumers[0].events == [
            .data(.clientToServer, offset: 0, [UInt8](repeating: 1, count: 10)),
            .gap(.clientToServer, offset: 10, length: 10),
            .data(.clientToServer, offset: 20, [UInt8](repeating: 3, count: 10)),
        ])
    }

    @Test("an acknowledgment past everything captured declares the lost tail a gap at once, and counts it")
    func acknowledgedTailIsGap() {
        let isn: UInt32 = 100
        let exchange = Exchange(clientISN: isn, serverISN: 5_000, clientData: [], serverData: [])
        let (factory, findings, reassembler) = run(exchange.handshake + [
            TestSegment(fromClient: true, sequence: isn + 1, flags: [.ack], payload: [UInt8](repeating: 1, count: 10)),
            // bytes 10..<30 (the request's tail) are lost from the capture; nothing is held behind them
            TestSegment(fromClient: false, sequence: 5_001, acknowledgment: isn + 31, flags: [.ack]),
        ], finish: false)
        #expect(factory.consumers[0].events == [
            .data(.clientToServer, offset: 0, [UInt8](repeating: 1, count: 10)),
            .gap(.clientToServer, offset: 10, length: 20),
        ])
        reassembler.finish()
        #expect(reassembler.statistics.acknowledgedBytes == [30, 0])
        #expect(reassembler.statistics.acknowledgedGapBytes == [20, 0])
        #expect(findings.findings.map(\.code) == [.captureLoss])
        #expect(findings.findings.first?.message.contains("client to server 20 of 30 acknowledged bytes (66.67%)") == true)
    }

    @Test("bytes an acknowledgment proves received reach the consumer before the acknowledging packet's payload")
    func acknowledgedBytesBeforeOwnPayload() {
        let isn: UInt32 = 100
        let exchange = Exchange(clientISN: isn, serverISN: 5_000, clientData: [], serverData: [])
        let (factory, _, _) = run(exchange.handshake + [
            TestSegment(fromClient: true, sequence: isn + 1, flags: [.ack], payload: [UInt8](repeating: 1, count: 10)),
            // bytes 10..<20 lost; 20..<30 (the next request) held behind the hole
            TestSegment(fromClient: true, sequence: isn + 21, flags: [.ack], payload: [UInt8](repeating: 3, count: 10)),
            // the server's answer acknowledges everything: the held bytes come before its own payload
            TestSegment(fromClient: false, sequence: 5_001, acknowledgment: isn + 31, flags: [.ack],
                        payload: [UInt8](repeating: 9, count: 5)),
        ], finish: false)
        #expect(factory.consumers[0].events == [
            .data(.clientToServer, offset: 0, [UInt8](repeating: 1, count: 10)),
            .gap(.clientToServer, offset: 10, length: 10),
            .data(.clientToServer, offset: 20, [UInt8](repeating: 3, count: 10)),
            .data(.serverToClient, offset: 0, [UInt8](repeating: 9, count: 5)),
        ])
    }

    @Test("one sequence number acknowledged past the data may be a FIN the capture missed: no gap for it")
    func acknowledgedLostFINIsNoGap() {
        let isn: UInt32 = 100
        let exchange = Exchange(clientISN: isn, serverISN: 5_000, clientData: [], serverData: [])
        let (factory, findings, reassembler) = run(exchange.handshake + [
            TestSegment(fromClient: true, sequence: isn + 1, flags: [.ack], payload: [UInt8](repeating: 1, count: 10)),
            // the client's FIN (sequence isn + 11) is not in the capture; the server acknowledges it
            TestSegment(fromClient: false, sequence: 5_001, acknowledgment: isn + 12, flags: [.ack]),
        ], finish: false)
        #expect(factory.consumers[0].gaps(.clientToServer).isEmpty)
        reassembler.finish()
        #expect(findings.findings.isEmpty)
    }

    @Test("an acknowledgment number absurdly far ahead is not taken for lost bytes")
    func absurdAcknowledgmentIsIgnored() {
        let isn: UInt32 = 100
        let exchange = Exchange(clientISN: isn, serverISN: 5_000, clientData: [], serverData: [])
        let (factory, _, _) = run(exchange.handshake + [
            TestSegment(fromClient: true, sequence: isn + 1, flags: [.ack], payload: [UInt8](repeating: 1, count: 10)),
            TestSegment(fromClient: false, sequence: 5_001, acknowledgment: isn &+ 0x7000_0000, flags: [.ack]),
        ], finish: false)
        #expect(factory.consumers[0].gaps(.clientToServer).isEmpty)
    }

    @Test("the per-connection limit turns the hole into a gap, reports once, and analysis goes on")
    func perConnectionLimit() {
        var limits = Limits.Reassembly()
        limits.maxHeldBytesPerConnection = 3_000
        let isn: UInt32 = 0
        let exchange = Exchange(clientISN: isn, serverISN: 1, clientData: [], serverData: [])
        var segments = exchange.handshake
        // Byte 0..<100 lost; then 50 segments of 100 bytes arrive out of order (after the hole).
        for index in 1...50 {
            segments.append(TestSegment(fromClient: true, sequence: isn + 1 + UInt32(index * 100), flags: [],
                                        payload: [UInt8](repeating: UInt8(index), count: 100)))
        }
        let (factory, findings, reassembler) = run(segments, limits: limits)
        let consumer = factory.consumers[0]
        #expect(consumer.gaps(.clientToServer).map(\.0) == [0])
        #expect(consumer.gaps(.clientToServer).map(\.1) == [100])
        #expect(consumer.stream(.clientToServer).count == 5_000)
        #expect(findings.findings.map(\.code) == [.limitReassemblyConnection])
        #expect(findings.findings[0].severity == .notice)
        #expect(reassembler.statistics.connectionLimitHits >= 1)
        #expect(reassembler.statistics.peakHeldBytes <= 3_100)
        #expect(reassembler.heldBytes == 0)
    }

    @Test("the total limit flushes the connection adding data and reports once")
    func totalLimit() {
        var limits = Limits.Reassembly()
        limits.maxHeldBytesTotal = 1_000
        // Several connections, each sending data after a hole: they need distinct ports, so they are
        // fed directly rather than through the two standard endpoints.
        let factory = RecordingFactory()
        let findings = FindingCollector()
        let reassembler = TCPReassembler(limits: limits, factory: factory, findings: findings)
        for port in UInt16(1_000)..<1_010 {
            let client = Endpoint(address: .v4(0x0A00_0001), port: port)
            let payload = [UInt8](repeating: 9, count: 400)
            payload.withUnsafeBytes { bytes in
                reassembler.process(TCPSegment(
                    source: client, destination: serverEndpoint, sequenceNumber: 100, acknowledgmentNumber: 0,
                    flags: .syn, window: 0, payload: UnsafeRawBufferPointer(rebasing: bytes[0..<0]), payloadLength: 0,
                    timestamp: CaptureTimestamp(seconds: 1, nanoseconds: 0)))
                reassembler.process(TCPSegment(
                    source: client, destination: serverEndpoint, sequenceNumber: 201, acknowledgmentNumber: 0,
                    flags: [], window: 0, payload: bytes, payloadLength: 400,
                    timestamp: CaptureTimestamp(seconds: 1, nanoseconds: 0)))
            }
        }
        #expect(findings.findings.map(\.code) == [.limitReassemblyTotal])
        #expect(reassembler.heldBytes <= 1_000)
        #expect(reassembler.statistics.totalLimitHits >= 1)
        reassembler.finish()
        #expect(factory.summaries.count == 10)
        #expect(factory.summaries.allSatisfy { $0.clientToServer.gapBytes == 100 && $0.clientToServer.payloadBytes == 400 })
    }

    /// Feeds 40 connections from ports 2000–2039 through a reassembler whose table holds 16, each
    /// a SYN and, with `reset`, then a RST (so it has ended and only lingers).
    static func fillConnectionTable(reset: Bool) -> (RecordingFactory, FindingCollector, TCPReassembler, Bool) {
        var limits = Limits.Reassembly()
        limits.maxConnections = 16
        let factory = RecordingFactory()
        let findings = FindingCollector()
        let reassembler = TCPReassembler(limits: limits, factory: factory, findings: findings)
        var withinLimit = true
        for port in UInt16(2_000)..<2_040 {
            let client = Endpoint(address: .v4(0x0A00_0001), port: port)
            let time = CaptureTimestamp(seconds: Int64(port), nanoseconds: 0)
            for (flags, sequence) in [(TCPFlags.syn, UInt32(1)), (TCPFlags.rst, UInt32(2))] where flags == .syn || reset {
                reassembler.process(TCPSegment(
                    source: client, destination: serverEndpoint, sequenceNumber: sequence, acknowledgmentNumber: 0,
                    flags: flags, window: 0, payload: UnsafeRawBufferPointer(start: nil, count: 0), payloadLength: 0,
                    timestamp: time))
            }
            withinLimit = withinLimit && reassembler.activeConnections <= 16
        }
        return (factory, findings, reassembler, withinLimit)
    }

    @Test("a full connection table evicts the least recently active eighth and reports it")
    func connectionLimit() {
        let (factory, findings, reassembler, withinLimit) = Self.fillConnectionTable(reset: false)
        #expect(withinLimit)
        #expect(findings.findings.map(\.code) == [.limitConnections])
        #expect(reassembler.statistics.connectionsEvicted == 40 - reassembler.activeConnections)
        let evicted = factory.summaries.filter { $0.end == .evicted }
        #expect(evicted.first?.info.client.port == 2_000)  // the oldest went first
        reassembler.finish()
        #expect(factory.summaries.count == 40)
    }

    @Test("a full table of connections that already ended makes room by removing them, without a notice")
    func endedConnectionsGoFirst() {
        let (factory, findings, reassembler, withinLimit) = Self.fillConnectionTable(reset: true)
        #expect(withinLimit)
        #expect(findings.findings.isEmpty)
        #expect(reassembler.statistics.connectionsEvicted == 0)
        #expect(!factory.summaries.contains { $0.end == .evicted })
        #expect(factory.summaries.allSatisfy { $0.end == .reset })
        reassembler.finish()
        #expect(factory.summaries.count == 40)
    }

    @Test("idle connections expire on capture time, not wall-clock time")
    func idleExpiry() {
        let isn: UInt32 = 10
        let exchange = Exchange(clientISN: isn, serverISN: 1, clientData: [], serverData: [])
        var segments = exchange.handshake
        segments.append(TestSegment(fromClient: true, sequence: isn + 1, flags: [.ack], payload: [1, 2, 3], time: 1))
        let factory = RecordingFactory()
        let reassembler = TCPReassembler(factory: factory)
        for segment in segments { reassembler.feed(segment) }
        // A packet of another connection 301 s later (capture time) drives the sweep.
        let other = Endpoint(address: .v4(0x0A00_0009), port: 5_555)
        for seconds in [Int64(150), 302] {
            reassembler.process(TCPSegment(
                source: other, destination: serverEndpoint, sequenceNumber: 1, acknowledgmentNumber: 0, flags: .syn,
                window: 0, payload: UnsafeRawBufferPointer(start: nil, count: 0), payloadLength: 0,
                timestamp: CaptureTimestamp(seconds: 1_700_000_000 + seconds, nanoseconds: 0)))
        }
        #expect(factory.summaries.count == 1)
        #expect(factory.summaries.first?.end == .idleTimeout)
        #expect(factory.summaries.first?.clientToServer.payloadBytes == 3)
    }

    @Test("a RST ends both directions at once and delivers held bytes after a gap")
    func resetEndsConnection() {
        let isn: UInt32 = 10
        let exchange = Exchange(clientISN: isn, serverISN: 1, clientData: [], serverData: [])
        let (factory, _, _) = run(exchange.handshake + [
            TestSegment(fromClient: true, sequence: isn + 5, flags: [], payload: [7, 7]),
            TestSegment(fromClient: false, sequence: 2, flags: [.rst]),
        ], finish: false)
        let consumer = factory.consumers[0]
        #expect(consumer.events.contains(.gap(.clientToServer, offset: 0, length: 4)))
        #expect(consumer.events.contains(.data(.clientToServer, offset: 4, [7, 7])))
        #expect(consumer.events.contains(.ended(.clientToServer)) && consumer.events.contains(.ended(.serverToClient)))
    }

    @Test("a new SYN on the same addresses and ports after a close starts a new connection")
    func portReuse() {
        let first = Exchange(clientISN: 100, serverISN: 200, clientData: [1, 2], serverData: [3])
        let second = Exchange(clientISN: 90_000, serverISN: 80_000, clientData: [4, 5, 6], serverData: [])
        var random = SeededGenerator(seed: 1)
        var segments = first.handshake + first.dataSegments(fromClient: true, maxSize: 10, using: &random)
        segments += first.dataSegments(fromClient: false, maxSize: 10, using: &random) + first.fins
        segments += second.handshake + second.dataSegments(fromClient: true, maxSize: 10, using: &random)
        let (factory, _, _) = run(segments)
        #expect(factory.consumers.count == 2)
        #expect(factory.consumers.map(\.info.id) == [1, 2])
        #expect(factory.consumers[0].stream(.clientToServer) == [1, 2])
        #expect(factory.consumers[1].stream(.clientToServer) == [4, 5, 6])
        #expect(factory.summaries.map(\.end) == [.fin, .captureEnd])
    }

    @Test("a retransmitted SYN does not start a new connection")
    func retransmittedSyn() {
        let exchange = Exchange(clientISN: 100, serverISN: 200, clientData: [], serverData: [])
        let (factory, _, _) = run([exchange.handshake[0]] + exchange.handshake)
        #expect(factory.consumers.count == 1)
        #expect(factory.summaries[0].clientToServer.packets == 3)
    }

    // Found by the reassembly fuzz target (fuzz/regressions/reassembly/): bytes held past the FIN
    // were turned into a gap and data after the direction had already ended.
    @Test("bytes held past the FIN are dropped when the direction ends, never delivered after its end")
    func heldBytesPastFin() {
        let isn: UInt32 = 1_000
        let exchange = Exchange(clientISN: isn, serverISN: 1, clientData: [], serverData: [])
        let (factory, _, reassembler) = run(exchange.handshake + [
            // Held: bytes 10..<20, past a hole.
            TestSegment(fromClient: true, sequence: isn + 1 + 10, flags: [], payload: [UInt8](repeating: 0x42, count: 10)),
            // Bytes 0..<5 and the FIN at 5: the direction ends with 10..<20 still held.
            TestSegment(fromClient: true, sequence: isn + 1, flags: [.fin], payload: [UInt8](repeating: 0x41, count: 5)),
            TestSegment(fromClient: true, sequence: isn + 1 + 5, flags: [.rst]),
        ])
        let events = factory.consumers[0].events
        let end = events.firstIndex { if case .ended(.clientToServer) = $0 { return true } else { return false } }
        #expect(end != nil)
        let afterEnd = events[(end.map { $0 + 1 } ?? events.endIndex)...].filter {
            switch $0 {
            case .data(.clientToServer, _, _), .gap(.clientToServer, _, _), .ended(.clientToServer): return true
            default: return false
            }
        }
        #expect(afterEnd.isEmpty)
        #expect(factory.consumers[0].stream(.clientToServer) == [UInt8](repeating: 0x41, count: 5))
        #expect(factory.summaries[0].clientToServer.retransmittedBytes == 10)
        #expect(reassembler.heldBytes == 0)
    }

    // Found by the reassembly fuzz target (fuzz/regressions/reassembly/): a segment cut by the
    // snapshot length, arriving out of order over held bytes, sliced its payload past its end.
    @Test("a snapshot-cut out-of-order segment reaching past held bytes is held by length, not sliced past its end")
    func cutSegmentOverHeldBytes() {
        let isn: UInt32 = 1_000
        let exchange = Exchange(clientISN: isn, serverISN: 1, clientData: [], serverData: [])
        let (factory, _, reassembler) = run(exchange.handshake + [
            // Held: bytes 20..<30.
            TestSegment(fromClient: true, sequence: isn + 1 + 20, flags: [], payload: [UInt8](repeating: 0x42, count: 10)),
            // Bytes 10..<60 on the wire, only 10..<13 captured: it covers the held bytes and goes on.
            TestSegment(fromClient: true, sequence: isn + 1 + 10, flags: [], payload: [0x43, 0x43, 0x43], wireLength: 50),
            // Bytes 0..<10 fill the hole.
            TestSegment(fromClient: true, sequence: isn + 1, flags: [], payload: [UInt8](repeating: 0x41, count: 10)),
        ])
        let consumer = factory.consumers[0]
        #expect(consumer.offsetsAreContiguous())
        #expect(consumer.stream(.clientToServer, gapFill: 0) == [UInt8](repeating: 0x41, count: 10) + [0x43, 0x43, 0x43]
            + [UInt8](repeating: 0, count: 7) + [UInt8](repeating: 0x42, count: 10) + [UInt8](repeating: 0, count: 30))
        #expect(reassembler.heldBytes == 0)
    }
}
