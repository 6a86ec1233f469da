import AnalyzerCore
@testable import TCPReassembly
import TestSupport
import TrafficSynthesis
import Testing

/// The per-packet shortcuts of reassembly against the general path: the in-order delivery of a
/// connection, and the recent-connection cache's key check.
@Suite struct ReassemblyShortcutTests {
    /// Segments of a random exchange, impaired at random: reordered, duplicated, re-cut so that
    /// they overlap (some with different bytes), some lost, some cut by the snapshot length, with
    /// ACKs that skip holes, and sometimes a reset instead of the FINs.
    static func impairedSegments(_ exchange: Exchange, random: inout SeededGenerator) -> [TestSegment] {
        var data = exchange.dataSegments(fromClient: true, maxSize: 900, using: &random)
            + exchange.dataSegments(fromClient: false, maxSize: 900, using: &random)
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            let fromClient = Bool.random(using: &random)
            let size = fromClient ? exchange.clientData.count : exchange.serverData.count
            guard size > 1 else { continue }
            let start = Int.random(in: 0..<(size - 1), using: &random)
            var recut = exchange.recut(fromClient: fromClient, start: start,
                                       end: Int.random(in: (start + 1)...min(size, start + 1200), using: &random))
            if Bool.random(using: &random) { recut.payload[0] ^= 0x5A }  // a conflicting copy
            data.append(recut)
        }
        data = data.compactMap { segment in
            var segment = segment
            switch Int.random(in: 0..<20, using: &random) {
            case 0: return nil  // lost
            case 1 where segment.payload.count > 2:
                // Cut by the snapshot length: fewer bytes captured than sent.
                segment.wireLength = segment.payload.count
                segment.payload.removeLast(Int.random(in: 1..<segment.payload.count, using: &random))
            case 2:
                // An ACK from the peer that reaches further than what the capture delivered.
                segment.acknowledgment &+= UInt32.random(in: 1...3_000, using: &random)
            default: break
            }
            return segment
        }
        for index in data.indices {
            // Mostly in order, with a few segments moved and some repeated.
            if Int.random(in: 0..<6, using: &random) == 0 { data.swapAt(index, Int.random(in: data.indices, using: &random)) }
        }
        data += data.filter { _ in Int.random(in: 0..<10, using: &random) == 0 }
        var end = exchange.fins
        switch Int.random(in: 0..<4, using: &random) {
        case 0:
            end = [TestSegment(fromClient: false, sequence: exchange.serverISN &+ 1, flags: .rst)]
        case 1:
            // FINs ahead of some of the data: the direction ends when the data before them arrives.
            for fin in end { data.insert(fin, at: Int.random(in: 0...data.count, using: &random)) }
            end = []
        default: break
        }
        for index in data.indices { data[index].time = Int64(index / 50) }
        for index in end.indices { end[index].time = Int64(data.count / 50 + 1) }
        return exchange.handshake + data + end
    }

    @Test("in-order segments give what the general path gives: the same events and counters")
    func inOrderShortcutMatchesGeneralPath() throws {
        var tightLimits = Limits.Reassembly()
        tightLimits.maxHeldBytesPerConnection = 3_000
        tightLimits.maxHeldSegmentsPerConnection = 4
        tightLimits.maxHeldBytesTotal = 5_000
        for seed in UInt64(1)...300 {
            var random = SeededGenerator(seed: seed &* 104_729)
            let exchange = Exchange.random(maxClientBytes: 30_000, maxServerBytes: 8_000, using: &random)
            let segments = Self.impairedSegments(exchange, random: &random)
            let limits = seed % 3 == 0 ? tightLimits : Limits.Reassembly()
            var runs: [(events: [RecordingConsumer.Event], summaries: [ConnectionSummary], statistics: ReassemblyStatistics)] = []
            for shortcuts in [true, false] {
                let factory = RecordingFactory()
                let reassembler = TCPReassembler(limits: limits, factory: factory, findings: nil, shortcuts: shortcuts)
                for segment in segments { reassembler.feed(segment) }
                reassembler.finish()
                runs.append((factory.consumers.flatMap(\.events), factory.summaries, reassembler.statistics))
            }
            #expect(runs[0].events == runs[1].events, "seed \(seed)")
            #expect(runs[0].summaries == runs[1].summaries, "seed \(seed)")
            #expect(runs[0].statistics == runs[1].statistics, "seed \(seed)")
        }
    }

    @Test("the cache's key checks and the table's agree with the key's equality, and the direction by folds with the one by endpoints, IPv4 and IPv6, either order")
    func keyCheckMatchesEquality() {
        var random = SeededGenerator(seed: 0x51_07)
        func endpoint() -> Endpoint {
            // Few distinct values, so that equal and nearly equal endpoints are common.
            let port = UInt16.random(in: 79...81, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return Endpoint(address: .v4(UInt32.random(in: 0...2, using: &random)), port: port)
            case 1: return Endpoint(address: .v4(UInt32.max - UInt32.random(in: 0...1, using: &random)), port: port)
            default:
                // Distinct IPv6 addresses of the same fold (high ^ low &* 0xC2B2_AE3D_27D4_EB4F) too.
                let low = UInt64.random(in: 0...2, using: &random)
                let high = UInt64.random(in: 0...1, using: &random) ^ (low &* 0xC2B2_AE3D_27D4_EB4F)
                return Endpoint(address: .v6(high, low), port: port)
            }
        }
        var matches = 0, collisions = 0
        for _ in 0..<20_000 {
            let key = ConnectionKey(endpoint(), endpoint())
            // The key's own endpoints in either order, one of them replaced by a near one, or any two.
            var (a, b) = Bool.random(using: &random) ? (key.lower, key.upper) : (key.upper, key.lower)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: break
            case 1: a = endpoint()
            case 2: b = endpoint()
            default: (a, b) = (endpoint(), endpoint())
            }
            let connects = key.connects(a, folded: ConnectionKey.fold(a), b, folded: ConnectionKey.fold(b))
            #expect(connects == (ConnectionKey(a, b) == key), "\(key) \(a) \(b)")
            let client = Bool.random(using: &random) ? key.lower : key.upper
            let info = ConnectionInfo(id: 1, client: client, server: client == key.lower ? key.upper : key.lower,
                                      firstTime: .zero, handshakeSeen: true)
            let connection = TCPConnection(key: key, info: info, consumer: nil)
            #expect(connection.connects(a, folded: ConnectionKey.fold(a), b, folded: ConnectionKey.fold(b)) == connects)
            let other = ConnectionKey(a, b)
            #expect(key.sameConnection(as: other) == (other == key), "\(key) \(other)")
            if other != key, Set([other.lowerFold, other.upperFold]) == Set([key.lowerFold, key.upperFold]) { collisions += 1 }
            let segment = TCPSegment(
                source: a, destination: b, sequenceNumber: 0, acknowledgmentNumber: 0, flags: [], window: 0,
                payload: UnsafeRawBufferPointer(start: nil, count: 0), payloadLength: 0, timestamp: .zero)
            // The folds worked out ahead (on the reading thread) are those the reassembler works out.
            let folds = withUnsafePointer(to: segment) { SegmentFolds(of: $0) }
            #expect(folds.source == ConnectionKey.fold(a) && folds.destination == ConnectionKey.fold(b))
            #expect(folds.slot == ConnectionKey.cacheSlot(folded: ConnectionKey.fold(a), ConnectionKey.fold(b)))
            if connects {
                matches += 1
                #expect(ConnectionKey.cacheSlot(folded: ConnectionKey.fold(a), ConnectionKey.fold(b)) == key.cacheSlot)
                // The direction told by folds is the one told by endpoints, the client either end.
                let byFold = withUnsafePointer(to: segment) { connection.direction(of: $0, sourceFold: ConnectionKey.fold(a)) }
                #expect(byFold == connection.direction(of: segment), "\(key) client \(client) source \(a)")
            }
        }
        #expect(matches > 5_000)
        #expect(collisions > 100)  // equal folds of different IPv6 endpoints were met
    }
}
