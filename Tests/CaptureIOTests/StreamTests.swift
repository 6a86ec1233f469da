import AnalyzerCore
@testable import CaptureIO
import Testing
import TrafficSynthesis

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams (standard input, pipes) cannot be peeked, so their precision is learned from packets.
@Suite("Reading from pipes and standard input")
struct StreamTests {
    private func pipeCapture(_ bytes: [UInt8], name: String = "pipe") throws -> OfflineCapture {
        let descriptor = try #require(Pipes.carrying(bytes))
        return try OfflineCapture(inputs: [.fileDescriptor(descriptor, name: name)])
    }

    @Test("a nanosecond pcap from a pipe reports nanoseconds once a packet shows sub-microsecond digits")
    func nanosecondsLearnedFromPackets() throws {
        let packets = SamplePackets.make()
        let capture = try pipeCapture(PcapFileWriter(linkType: 1, precision: .nanoseconds).file(packets))
        #expect(capture.timestampPrecision == .microseconds, "nothing is known before reading")
        let read = try capture.readAll()
        #expect(read == ReadPacket.expected(packets, linkType: .ethernet, precision: .nanoseconds))
        #expect(capture.timestampPrecision == .nanoseconds)
        #expect(capture.progress.totalBytes == nil)
    }

    @Test("a stream whose times are whole microseconds stays at microseconds (the documented fallback)")
    func wholeMicrosecondsStayMicroseconds() throws {
        let packets = SamplePackets.wholeMicroseconds()
        let capture = try pipeCapture(PcapngFileWriter(linkType: 1, precision: .nanoseconds).file(packets))
        let read = try capture.readAll()
        #expect(read == ReadPacket.expected(packets, linkType: .ethernet, precision: .nanoseconds))
        #expect(capture.timestampPrecision == .microseconds)
    }

    @Test("a pcapng stream with two interfaces is read whole")
    func pcapngFromPipe() throws {
        let packets = SamplePackets.make(count: 5)
        let capture = try pipeCapture(PcapngFileWriter(linkType: 1, endianness: .big, interfaceCount: 2).file(packets))
        #expect(try capture.readAll() == ReadPacket.expected(packets, linkType: .ethernet, precision: .microseconds))
    }

    @Test("a stream that is not a capture fails at open, named as given")
    func garbageStream() throws {
        let descriptor = try #require(Pipes.carrying(Array("GET / HTTP/1.1\r\n\r\n".utf8)))
        let error = #expect(throws: CaptureError.self) {
            try OfflineCapture(inputs: [.fileDescriptor(descriptor, name: "-")])
        }
        #expect(error?.description == "-: not a capture file (unknown file format)")
    }

    @Test("a stream cut inside a record is an interruption, like a file")
    func cutStream() throws {
        let writer = PcapFileWriter(linkType: 1)
        let packets = SamplePackets.make(count: 2)
        let bytes = writer.fileHeader() + writer.record(packets[0]) + writer.record(packets[1]).prefix(20)
        let capture = try pipeCapture(bytes, name: "-")
        #expect(try capture.readAll().count == 1)
        #expect(capture.interruptions.map(\.capture) == ["-"])
    }

    @Test("a stream and a file together: the stream stays open while its turn waits")
    func streamAfterFile() throws {
        let directory = try TemporaryDirectory()
        let first = SamplePackets.make(count: 2, firstSecond: 1)
        let second = SamplePackets.make(count: 2, firstSecond: 2_000)
        let path = try directory.write(PcapFileWriter(linkType: 1).file(first), to: "a.pcap")
        let descriptor = try #require(Pipes.carrying(PcapFileWriter(linkType: 113).file(second)))
        let capture = try OfflineCapture(inputs: [.path(path), .fileDescriptor(descriptor, name: "-")])
        let read = try capture.readAll()
        #expect(read.map(\.timestamp.seconds) == [1, 2, 2_000, 2_001])
        #expect(read.map(\.linkType) == [.ethernet, .ethernet, .linuxSLL, .linuxSLL])
    }

    @Test("\"-\" reads standard input")
    func standardInput() throws {
        let packets = SamplePackets.make(count: 4)
        let descriptor = try #require(Pipes.carrying(PcapFileWriter(linkType: 1, endianness: .big).file(packets)))
        // Put the pipe on descriptor 0 only while the capture is made: it reads from its own duplicate.
        let saved = dup(STDIN_FILENO)
        #expect(dup2(descriptor, STDIN_FILENO) == STDIN_FILENO)
        close(descriptor)
        let made = Result { try OfflineCapture(paths: ["-"]) }
        dup2(saved, STDIN_FILENO)
        close(saved)

        let capture = try made.get()
        #expect(capture.currentCapture == "-")
        #expect(try capture.readAll() == ReadPacket.expected(packets, linkType: .ethernet, precision: .microseconds))
    }
}
