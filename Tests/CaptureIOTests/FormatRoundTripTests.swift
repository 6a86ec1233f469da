import AnalyzerCore
import CaptureIO
import Testing
import TrafficSynthesis

@Suite("Reading pcap and pcapng files back")
struct FormatRoundTripTests {
    static let orders: [Endianness] = [.little, .big]
    static let precisions: [TimestampPrecision] = [.microseconds, .nanoseconds]

    @Test("classic pcap: both byte orders, micro- and nanosecond magic", arguments: orders, precisions)
    func classicPcap(endianness: Endianness, precision: TimestampPrecision) throws {
        let directory = try TemporaryDirectory()
        let packets = SamplePackets.make()
        let writer = PcapFileWriter(linkType: 1, endianness: endianness, precision: precision, snapshotLength: 65_535)
        let path = try directory.write(writer.file(packets), to: "trace.pcap")

        let capture = try OfflineCapture(paths: [path])
        #expect(capture.currentCapture == path)
        #expect(capture.linkType == .ethernet)
        #expect(capture.snapshotLength == 65_535)
        #expect(capture.timestampPrecision == precision)
        let read = try capture.readAll()
        #expect(read == ReadPacket.expected(packets, linkType: .ethernet, precision: precision))
        #expect(capture.packetsRead == packets.count)
        #expect(capture.interruptions.isEmpty)
        #expect(try capture.nextPacket() == nil, "the end stays the end")
    }

    @Test("pcapng with two interfaces: both byte orders, default and if_tsresol 9", arguments: orders, precisions)
    func pcapng(endianness: Endianness, precision: TimestampPrecision) throws {
        let directory = try TemporaryDirectory()
        let packets = SamplePackets.make(count: 7)
        let writer = PcapngFileWriter(linkType: 1, endianness: endianness, precision: precision, interfaceCount: 2)
        let path = try directory.write(writer.file(packets), to: "trace.pcapng")

        let capture = try OfflineCapture(paths: [path])
        #expect(capture.linkType == .ethernet)
        #expect(capture.snapshotLength == 262_144)
        #expect(capture.timestampPrecision == precision)
        let read = try capture.readAll()
        #expect(read == ReadPacket.expected(packets, linkType: .ethernet, precision: precision))
        #expect(capture.packetsRead == packets.count)
        #expect(capture.interruptions.isEmpty)
    }

    @Test(
        "link types come as libpcap's DLT values",
        arguments: [
            (UInt32(101), LinkType.raw),  // LINKTYPE_RAW is DLT_RAW (12) to libpcap
            (UInt32(276), LinkType.linuxSLL2),
            (UInt32(228), LinkType.ipv4),
            (UInt32(0), LinkType.null),
        ])
    func linkTypes(fileValue: UInt32, expected: LinkType) throws {
        let directory = try TemporaryDirectory()
        let packets = SamplePackets.make(count: 2)
        let path = try directory.write(PcapFileWriter(linkType: fileValue).file(packets), to: "trace.pcap")
        let capture = try OfflineCapture(paths: [path])
        #expect(capture.linkType == expected)
        #expect(try capture.readAll().map(\.linkType) == [expected, expected])
    }

    @Test("a file with a header and no packets is an empty capture, not an error")
    func headerOnly() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(PcapFileWriter(linkType: 1).fileHeader(), to: "empty.pcap")
        let capture = try OfflineCapture(paths: [path])
        #expect(try capture.readAll().isEmpty)
        #expect(capture.interruptions.isEmpty)
    }

    @Test("a record longer than the snapshot length reaches us cut to it, never longer")
    func recordBeyondSnapshotLength() throws {
        let directory = try TemporaryDirectory()
        let long = SyntheticPacket(
            timestamp: CaptureTimestamp(seconds: 1, nanoseconds: 0), bytes: [UInt8](repeating: 0xAB, count: 200))
        let path = try directory.write(PcapFileWriter(linkType: 1, snapshotLength: 100).file([long]), to: "long.pcap")
        let capture = try OfflineCapture(paths: [path])
        let read = try capture.readAll()
        #expect(read.map(\.bytes.count) == [100])
        #expect(read.map(\.originalLength) == [200])
    }
}
