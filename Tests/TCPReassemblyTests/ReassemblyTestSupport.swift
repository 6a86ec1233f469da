import AnalyzerCore
import TCPReassembly
import TestSupport
import TrafficSynthesis


/// A segment described by value, fed to the reassembler through a borrowed buffer.
struct TestSegment {
    var fromClient: Bool
    var sequence: UInt32
    var acknowledgment: UInt32 = 0
    var flags: TCPFlags
    var payload: [UInt8] = []
    /// Wire length when larger than the payload (snapshot-length cut).
    var wireLength: Int?
    var time: Int64 = 0
}

let clientEndpoint = Endpoint(address: .v4(0xC000_0205), port: 49_153)
let serverEndpoint = Endpoint(address: .v4(0xC633_640A), port: 80)

extension TCPReassembler {
    /// Feeds a test segment between the standard client and server endpoints.
    func feed(_ segment: TestSegment) {
        let source = segment.fromClient ? clientEndpoint : serverEndpoint
        let destination = segment.fromClient ? serverEndpoint : clientEndpoint
        segment.payload.withUnsafeBytes { bytes in
            process(TCPSegment(
                source: source, destination: destination,
                sequenceNumber: segment.sequence, acknowledgmentNumber: segment.acknowledgment,
                flags: segment.flags, window: 65_535,
                payload: bytes, payloadLength: segment.wireLength ?? bytes.count,
                timestamp: CaptureTimestamp(seconds: 1_700_000_000 + segment.time, nanoseconds: 0)
            ))
        }
    }
}

/// A two-way exchange cut into segments: handshake, data each way, FIN each way.
struct Exchange {
    var clientISN: UInt32
    var serverISN: UInt32
    var clientData: [UInt8]
    var serverData: [UInt8]

    /// Random bytes of the given sizes.
    static func random(clientBytes: Int, serverBytes: Int, clientISN: UInt32, serverISN: UInt32,
                       using random: inout SeededGenerator) -> Exchange {
        Exchange(
            clientISN: clientISN, serverISN: serverISN,
            clientData: (0..<clientBytes).map { _ in UInt8.random(in: 0...255, using: &random) },
            serverData: (0..<serverBytes).map { _ in UInt8.random(in: 0...255, using: &random) }
        )
    }

    /// Random sizes up to `maxClientBytes` and `maxServerBytes`, random initial sequence numbers
    /// (drawn in that order) and random bytes.
    static func random(maxClientBytes: Int, maxServerBytes: Int, using random: inout SeededGenerator) -> Exchange {
        Exchange.random(
            clientBytes: Int.random(in: 0...maxClientBytes, using: &random),
            serverBytes: Int.random(in: 0...maxServerBytes, using: &random),
            clientISN: UInt32.random(in: 0...UInt32.max, using: &random),
            serverISN: UInt32.random(in: 0...UInt32.max, using: &random),
            using: &random
        )
    }

    var handshake: [TestSegment] {
        [
            TestSegment(fromClient: true, sequence: clientISN, flags: .syn),
            TestSegment(fromClient: false, sequence: serverISN, acknowledgment: clientISN &+ 1, flags: [.syn, .ack]),
            TestSegment(fromClient: true, sequence: clientISN &+ 1, acknowledgment: serverISN &+ 1, flags: .ack),
        ]
    }

    /// Data segments of one direction cut at random sizes in `1...maxSize`.
    func dataSegments(fromClient: Bool, maxSize: Int, using random: inout SeededGenerator) -> [TestSegment] {
        let data = fromClient ? clientData : serverData
        let base = (fromClient ? clientISN : serverISN) &+ 1
        var segments: [TestSegment] = []
        var offset = 0
        while offset < data.count {
            let size = min(data.count - offset, Int.random(in: 1...maxSize, using: &random))
            segments.append(TestSegment(
                fromClient: fromClient, sequence: base &+ UInt32(offset),
                acknowledgment: (fromClient ? serverISN : clientISN) &+ 1, flags: [.ack, .psh],
                payload: Array(data[offset..<(offset + size)])
            ))
            offset += size
        }
        return segments
    }

    /// Both FINs, after all data.
    var fins: [TestSegment] {
        [
            TestSegment(fromClient: true, sequence: clientISN &+ 1 &+ UInt32(clientData.count),
                        acknowledgment: serverISN &+ 1 &+ UInt32(serverData.count), flags: [.fin, .ack]),
            TestSegment(fromClient: false, sequence: serverISN &+ 1 &+ UInt32(serverData.count),
                        acknowledgment: clientISN &+ 2 &+ UInt32(clientData.count), flags: [.fin, .ack]),
        ]
    }

    /// A re-cut copy of `[start, end)` of one direction, same bytes.
    func recut(fromClient: Bool, start: Int, end: Int) -> TestSegment {
        let data = fromClient ? clientData : serverData
        let base = (fromClient ? clientISN : serverISN) &+ 1
        return TestSegment(fromClient: fromClient, sequence: base &+ UInt32(start),
                           acknowledgment: (fromClient ? serverISN : clientISN) &+ 1, flags: [.ack],
                           payload: Array(data[start..<end]))
    }
}
