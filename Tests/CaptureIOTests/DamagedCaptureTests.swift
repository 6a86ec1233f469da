import AnalyzerCore
import CaptureIO
import Testing
import TrafficSynthesis

@Suite("Damaged captures")
struct DamagedCaptureTests {
    /// 1, 1514 and 60 bytes long: the third record has a body to cut into.
    static let packets = Array(SamplePackets.make(count: 3).reversed())
    static let writer = PcapFileWriter(linkType: 1)
    /// Header (24) + two whole records; the third record follows.
    static let twoRecords = writer.fileHeader() + writer.record(packets[0]) + writer.record(packets[1])

    @Test(
        "a file cut inside a record keeps what came before and records an interruption",
        arguments: [
            ("inside the record header", 10),
            ("inside the record body", 16 + 30),
        ])
    func cutInsideRecord(place: String, bytesOfThirdRecord: Int) throws {
        let directory = try TemporaryDirectory()
        let third = Self.writer.record(Self.packets[2])
        let path = try directory.write(Self.twoRecords + third.prefix(bytesOfThirdRecord), to: "cut.pcap")

        let capture = try OfflineCapture(paths: [path])
        let read = try capture.readAll()
        #expect(read == ReadPacket.expected(Self.packets.prefix(2), linkType: .ethernet, precision: .microseconds))
        let interruption = try #require(capture.interruptions.first)
        #expect(capture.interruptions.count == 1)
        #expect(interruption.capture == path)
        #expect(interruption.reason.hasPrefix("truncated dump file"), "\(place): \(interruption.reason)")
        #expect(interruption.packetsRead == 2)
        #expect(interruption.lastTimestamp == read.last?.timestamp)
    }

    @Test("after a cut file the next file is still read")
    func readingGoesOnAfterACut() throws {
        let directory = try TemporaryDirectory()
        let cut = try directory.write(Self.twoRecords + [1, 2, 3], to: "cut.pcap")
        let next = SamplePackets.make(count: 2, firstSecond: 5_000)
        let good = try directory.write(PcapngFileWriter(linkType: 1).file(next), to: "good.pcapng")

        let capture = try OfflineCapture(paths: [cut, good])
        let read = try capture.readAll()
        #expect(read.count == 4)
        #expect(read.suffix(2).map(\.timestamp.seconds) == [5_000, 5_001])
        #expect(capture.interruptions.map(\.capture) == [cut])
        #expect(capture.packetsRead == 4)
    }

    @Test("a pcapng file cut inside a block keeps the packets before it")
    func pcapngCutInsideBlock() throws {
        let directory = try TemporaryDirectory()
        let whole = PcapngFileWriter(linkType: 1).file(SamplePackets.make(count: 3))
        // The last block is the EPB of the 1-byte packet, 36 bytes long; drop its last 20.
        let path = try directory.write(Array(whole.dropLast(20)), to: "cut.pcapng")

        let capture = try OfflineCapture(paths: [path])
        #expect(try capture.readAll().count == 2)
        #expect(capture.interruptions.map(\.packetsRead) == [2])
    }

    @Test("a record claiming a huge captured length is refused by libpcap and does not crash")
    func hugeCapturedLength() throws {
        let directory = try TemporaryDirectory()
        var bytes = Self.twoRecords
        // The second record's header starts after the file header and the first record.
        let secondRecord = 24 + Self.writer.record(Self.packets[0]).count
        let lengths = PcapngBlocks.le32(0x7FFF_FFFF) + PcapngBlocks.le32(0x7FFF_FFFF)  // caplen, len
        bytes.replaceSubrange((secondRecord + 8)..<(secondRecord + 16), with: lengths)
        let path = try directory.write(bytes, to: "huge.pcap")

        let capture = try OfflineCapture(paths: [path])
        #expect(try capture.readAll().count == 1)
        let interruption = try #require(capture.interruptions.first)
        #expect(interruption.reason.contains("invalid packet capture length"), "\(interruption.reason)")
        #expect(interruption.packetsRead == 1)
    }

    /// Seeded property test: corrupting bytes anywhere after the file header never traps, and every
    /// packet delivered keeps its lengths within what was captured.
    @Test(
        "randomly corrupted files never crash and never overstate lengths",
        arguments: [0x5EED_0001, 0x5EED_0002] as [UInt64])
    func corruptedFiles(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let directory = try TemporaryDirectory()
        let pcap = PcapFileWriter(linkType: 1, snapshotLength: 2_000).file(SamplePackets.make(count: 12))
        let pcapng = PcapngFileWriter(linkType: 1, snapshotLength: 2_000, interfaceCount: 2)
            .file(SamplePackets.make(count: 12))
        for round in 0..<60 {
            var bytes = round % 2 == 0 ? pcap : pcapng
            let headerEnd = round % 2 == 0 ? 24 : 28
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let position = Int.random(in: headerEnd..<bytes.count, using: &random)
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) {
                bytes.removeLast(Int.random(in: 0..<bytes.count - headerEnd, using: &random))
            }
            let path = try directory.write(bytes, to: "fuzz-\(round)")
            // A damaged header may fail to open; that is a CaptureError, not a crash.
            guard let capture = try? OfflineCapture(paths: [path]) else { continue }
            var delivered = 0
            while let packet = try capture.nextPacket() {
                delivered += 1
                #expect(packet.bytes.count <= capture.snapshotLength)
                #expect(packet.originalLength >= packet.bytes.count)
                #expect(packet.timestamp.nanoseconds < 1_000_000_000)
            }
            #expect(delivered == capture.packetsRead)
            #expect(capture.interruptions.count <= 1)
        }
    }
}
