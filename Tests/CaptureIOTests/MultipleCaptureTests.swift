import AnalyzerCore
import CaptureIO
import Testing
import TrafficSynthesis

@Suite("Several files as one capture")
struct MultipleCaptureTests {
    @Test("files are read in the order given, each packet with its own file's link type")
    func filesInOrder() throws {
        let directory = try TemporaryDirectory()
        let first = SamplePackets.make(count: 3, firstSecond: 100, salt: 1)
        let second = SamplePackets.make(count: 2, firstSecond: 200, salt: 2)
        let third = SamplePackets.make(count: 2, firstSecond: 300, salt: 3)
        let a = try directory.write(PcapFileWriter(linkType: 1).file(first), to: "a.pcap")
        let b = try directory.write(
            PcapngFileWriter(linkType: 228, endianness: .big, precision: .nanoseconds, interfaceCount: 2).file(second),
            to: "b.pcapng")
        let c = try directory.write(
            PcapFileWriter(linkType: 276, endianness: .big, precision: .nanoseconds).file(third), to: "c.pcap")

        let capture = try OfflineCapture(paths: [a, b, c])
        #expect(capture.captures == [a, b, c])
        // b declares nanoseconds in its header; every regular file is peeked up front.
        #expect(capture.timestampPrecision == .nanoseconds)

        var read: [ReadPacket] = []
        var sources: [String] = []
        while let packet = try capture.nextPacket() {
            read.append(ReadPacket(packet))
            sources.append(capture.currentCapture)
        }
        let expected =
            ReadPacket.expected(first, linkType: .ethernet, precision: .microseconds)
            + ReadPacket.expected(second, linkType: .ipv4, precision: .nanoseconds)
            + ReadPacket.expected(third, linkType: .linuxSLL2, precision: .nanoseconds)
        #expect(read == expected)
        #expect(sources == [a, a, a, b, b, c, c])
        #expect(capture.packetsRead == 7)
        #expect(capture.interruptions.isEmpty)
        #expect(capture.linkType == .linuxSLL2)
    }

    @Test("progress counts bytes over all files and reaches the total at the end")
    func progress() throws {
        let directory = try TemporaryDirectory()
        let firstFile = PcapFileWriter(linkType: 1).file(SamplePackets.make(count: 4))
        let secondFile = PcapngFileWriter(linkType: 1).file(SamplePackets.make(count: 3))
        let a = try directory.write(firstFile, to: "a.pcap")
        let b = try directory.write(secondFile, to: "b.pcapng")
        let total = Int64(firstFile.count + secondFile.count)

        let capture = try OfflineCapture(paths: [a, b])
        let start = capture.progress
        #expect(start.captureIndex == 0)
        #expect(start.captureCount == 2)
        #expect(start.totalBytes == total)
        #expect(start.bytesRead < Int64(firstFile.count))

        for _ in 0..<5 { _ = try capture.nextPacket() }  // all of a, and the first packet of b
        let middle = capture.progress
        #expect(middle.captureIndex == 1)
        #expect(middle.bytesRead > Int64(firstFile.count))
        #expect(middle.bytesRead < total)

        _ = try capture.readAll()
        #expect(capture.progress.bytesRead == total)
    }

    @Test("a file that cannot be opened fails the whole capture before any reading", arguments: [0, 1, 2])
    func badFileAnywhereFailsUpFront(position: Int) throws {
        let directory = try TemporaryDirectory()
        let good = try directory.write(PcapFileWriter(linkType: 1).file(SamplePackets.make()), to: "good.pcap")
        let bad = try directory.write([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0, 0, 0, 0, 0, 0], to: "picture.gif")
        var paths = [good, good]
        paths.insert(bad, at: position)
        let error = #expect(throws: CaptureError.self) { try OfflineCapture(paths: paths) }
        #expect(error?.code == .notACapture)
        #expect(error?.capture == bad)
    }

    @Test("a file removed after the check is an interruption, and reading goes on")
    func fileRemovedBeforeItsTurn() throws {
        let directory = try TemporaryDirectory()
        let packets = SamplePackets.make(count: 2)
        let a = try directory.write(PcapFileWriter(linkType: 1).file(packets), to: "a.pcap")
        let b = try directory.write(PcapFileWriter(linkType: 1).file(packets), to: "b.pcap")
        let c = try directory.write(PcapFileWriter(linkType: 1).file(packets), to: "c.pcap")
        let capture = try OfflineCapture(paths: [a, b, c])
        try FileManagerShim.remove(b)

        let read = try capture.readAll()
        #expect(read.count == 4)
        #expect(capture.interruptions.count == 1)
        #expect(capture.interruptions.first?.capture == b)
        #expect(capture.interruptions.first?.packetsRead == 0)
        #expect(capture.interruptions.first?.reason.contains("No such file") == true)
    }
}
