import AnalyzerCore
import CaptureIO
import Testing
import TrafficSynthesis

@Suite("BPF filters")
struct FilterTests {
    /// Frames to and from web, TLS and SSH ports, one second apart.
    static let ports: [(UInt16, UInt16)] = [(40_000, 80), (40_001, 443), (80, 40_000), (40_002, 22), (40_003, 443)]

    static func packets(ethernet: Bool, firstSecond: Int64 = 10) -> [SyntheticPacket] {
        ports.enumerated().map { index, pair in
            let bytes = ethernet
                ? TestFrames.ethernetIPv4TCP(sourcePort: pair.0, destinationPort: pair.1, payload: [UInt8(index)])
                : TestFrames.ipv4TCP(sourcePort: pair.0, destinationPort: pair.1, payload: [UInt8(index)])
            let timestamp = CaptureTimestamp(seconds: firstSecond + Int64(index), nanoseconds: 0)
            return SyntheticPacket(timestamp: timestamp, bytes: bytes)
        }
    }

    @Test("a filter keeps only the packets it matches", arguments: [
        ("tcp port 80", [10, 12] as [Int64]),
        ("tcp dst port 443", [11, 14]),
        ("tcp port 22 or tcp src port 80", [12, 13]),
        ("udp", []),
    ])
    func keepsMatches(expression: String, expectedSeconds: [Int64]) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(PcapFileWriter(linkType: 1).file(Self.packets(ethernet: true)), to: "web.pcap")
        let capture = try OfflineCapture(paths: [path])
        try capture.setFilter(expression)
        let read = try capture.readAll()
        #expect(read.map(\.timestamp.seconds) == expectedSeconds)
        #expect(capture.packetsRead == expectedSeconds.count)
    }

    @Test("the filter applies to files opened later, compiled for each file's link type")
    func appliesToLaterFiles() throws {
        let directory = try TemporaryDirectory()
        let ethernet = try directory.write(PcapFileWriter(linkType: 1).file(Self.packets(ethernet: true)), to: "a.pcap")
        let raw = try directory.write(
            PcapngFileWriter(linkType: 101).file(Self.packets(ethernet: false, firstSecond: 20)), to: "b.pcapng")
        let capture = try OfflineCapture(paths: [ethernet, raw, ethernet])
        try capture.setFilter("tcp dst port 443")
        let read = try capture.readAll()
        #expect(read.map(\.timestamp.seconds) == [11, 14, 21, 24, 11, 14])
        #expect(read.map(\.linkType) == [.ethernet, .ethernet, .raw, .raw, .ethernet, .ethernet])
    }

    @Test("a filter set midway applies from the next packet on")
    func setMidway() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(PcapFileWriter(linkType: 1).file(Self.packets(ethernet: true)), to: "web.pcap")
        let capture = try OfflineCapture(paths: [path])
        let first = try #require(try capture.nextPacket())
        #expect(first.timestamp.seconds == 10)
        try capture.setFilter("tcp port 22")
        #expect(try capture.readAll().map(\.timestamp.seconds) == [13])
    }

    @Test("a bad expression is a badFilter error naming it, and leaves reading unfiltered")
    func badExpression() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(PcapFileWriter(linkType: 1).file(Self.packets(ethernet: true)), to: "web.pcap")
        let capture = try OfflineCapture(paths: [path])
        let error = try #require(#expect(throws: CaptureError.self) { try capture.setFilter("tcp prot 80") })
        #expect(error.code == .badFilter)
        #expect(error.capture == path)
        #expect(error.description.hasPrefix("\(path): bad filter expression \"tcp prot 80\": "))
        #expect(!error.description.contains("\n"))
        #expect(try capture.readAll().count == Self.ports.count)
    }

    @Test("an expression one file's link type cannot take fails up front, naming that file")
    func expressionWrongForOneLinkType() throws {
        let directory = try TemporaryDirectory()
        let ethernet = try directory.write(PcapFileWriter(linkType: 1).file(Self.packets(ethernet: true)), to: "a.pcap")
        let raw = try directory.write(PcapFileWriter(linkType: 101).file(Self.packets(ethernet: false)), to: "b.pcap")
        let capture = try OfflineCapture(paths: [ethernet, raw])
        let error = try #require(
            #expect(throws: CaptureError.self) { try capture.setFilter("ether host 00:11:22:33:44:55") })
        #expect(error.code == .badFilter)
        #expect(error.capture == raw)
        // The filter was not installed anywhere: every packet of both files is delivered.
        #expect(try capture.readAll().count == 2 * Self.ports.count)
    }
}
