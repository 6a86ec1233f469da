import AnalyzerCore
@testable import CaptureIO
import TestSupport
import Testing
import TrafficSynthesis

/// gzip and zstd captures, told by their magic bytes, read as the decompressed file would be.
@Suite("Compressed captures")
struct CompressedCaptureTests {
    enum Format: String, CaseIterable, CustomTestStringConvertible {
        case gzip, zstd
        func compress(_ bytes: [UInt8]) -> [UInt8] {
            self == .gzip ? TestCompression.gzip(bytes) : TestCompression.zstd(bytes)
        }
        var testDescription: String { rawValue }
    }

    /// Enough packets (about 450 KB) to need several compressed and decompressed buffer-fulls.
    static let packets = SamplePackets.make(count: 1_800)

    @Test("a compressed pcap and pcapng file read the same packets and precision as the plain file",
          arguments: Format.allCases)
    func sameAsPlain(format: Format) throws {
        let directory = try TemporaryDirectory()
        let files: [(String, [UInt8], TimestampPrecision)] = [
            ("nano.pcap", PcapFileWriter(linkType: 1, precision: .nanoseconds).file(Self.packets), .nanoseconds),
            ("micro.pcap", PcapFileWriter(linkType: 1).file(Self.packets), .microseconds),
            ("nano.pcapng", PcapngFileWriter(linkType: 1, precision: .nanoseconds).file(Self.packets), .nanoseconds),
        ]
        for (name, plain, precision) in files {
            // The name says nothing of the compression: the magic bytes do.
            let path = try directory.write(format.compress(plain), to: name)
            let capture = try OfflineCapture(paths: [path])
            #expect(capture.timestampPrecision == precision, "declared in the compressed head: \(name)")
            let read = try capture.readAll()
            #expect(read == ReadPacket.expected(Self.packets, linkType: .ethernet, precision: precision), "\(name)")
            #expect(capture.interruptions.isEmpty, "\(capture.interruptions)")
            let size = Int64(format.compress(plain).count)
            #expect(capture.progress.totalBytes == size)
            #expect(capture.progress.bytesRead == size, "the compressed bytes are what progress counts")
        }
    }

    @Test("a compressed capture on a pipe (standard input) is detected from its first bytes",
          arguments: Format.allCases)
    func fromPipe(format: Format) throws {
        let packets = SamplePackets.make(count: 60)
        let plain = PcapngFileWriter(linkType: 1, precision: .nanoseconds).file(packets)
        let descriptor = try #require(Pipes.carrying(format.compress(plain)))
        let capture = try OfflineCapture(inputs: [.fileDescriptor(descriptor, name: "-")])
        #expect(capture.timestampPrecision == .nanoseconds, "read from the decompressed head")
        #expect(try capture.readAll() == ReadPacket.expected(packets, linkType: .ethernet, precision: .nanoseconds))
        #expect(capture.interruptions.isEmpty)
    }

    @Test("an uncompressed capture on a pipe is still read whole after its first bytes were peeked")
    func plainPipe() throws {
        let packets = SamplePackets.make(count: 20)
        let descriptor = try #require(Pipes.carrying(PcapFileWriter(linkType: 1).file(packets)))
        let capture = try OfflineCapture(inputs: [.fileDescriptor(descriptor, name: "-")])
        #expect(try capture.readAll() == ReadPacket.expected(packets, linkType: .ethernet, precision: .microseconds))
    }

    @Test("concatenated gzip members and zstd frames read as one capture", arguments: Format.allCases)
    func concatenated(format: Format) throws {
        let plain = PcapFileWriter(linkType: 1, precision: .nanoseconds).file(Self.packets)
        // Cut anywhere, even inside the file header or a record: the units join into one stream.
        let cuts = [7, 100_003, plain.count - 5]
        var compressed: [UInt8] = []
        var start = 0
        for cut in cuts + [plain.count] {
            compressed += format.compress(Array(plain[start..<cut]))
            start = cut
        }
        let directory = try TemporaryDirectory()
        let capture = try OfflineCapture(paths: [try directory.write(compressed, to: "joined")])
        #expect(try capture.readAll() == ReadPacket.expected(Self.packets, linkType: .ethernet, precision: .nanoseconds))
        #expect(capture.interruptions.isEmpty)
    }

    @Test("a compressed file cut anywhere fails to open or keeps a prefix and records an interruption",
          arguments: Format.allCases)
    func truncated(format: Format) throws {
        let packets = SamplePackets.make(count: 40)
        let expected = ReadPacket.expected(packets, linkType: .ethernet, precision: .microseconds)
        let compressed = format.compress(PcapFileWriter(linkType: 1).file(packets))
        let directory = try TemporaryDirectory()
        var interrupted = 0
        for length in 1..<compressed.count {
            let path = try directory.write(Array(compressed.prefix(length)), to: "cut")
            let capture: OfflineCapture
            do {
                capture = try OfflineCapture(paths: [path])
            } catch {
                #expect(error.code == .notACapture, "cut at \(length): \(error)")
                continue
            }
            let read = try capture.readAll()
            #expect(read == Array(expected.prefix(read.count)), "cut at \(length)")
            #expect(capture.interruptions.count == 1, "cut at \(length): a cut stream is never a clean end")
            interrupted += 1
        }
        #expect(interrupted > 0)
    }

    @Test("damage inside the compressed data is an interruption after the packets before it",
          arguments: Format.allCases)
    func damagedMidFile(format: Format) throws {
        var compressed = format.compress(PcapFileWriter(linkType: 1).file(Self.packets))
        let middle = compressed.count / 2
        for offset in middle..<(middle + 16) { compressed[offset] ^= 0x5A }
        let directory = try TemporaryDirectory()
        let capture = try OfflineCapture(paths: [try directory.write(compressed, to: "damaged")])
        let read = try capture.readAll()
        let interruption = try #require(capture.interruptions.first)
        #expect(capture.interruptions.count == 1)
        #expect(interruption.packetsRead == read.count)
    }

    @Test("a BPF filter applies to a compressed capture as to the plain file", arguments: Format.allCases)
    func filtered(format: Format) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(format.compress(PcapFileWriter(linkType: 1).file(Self.packets)), to: "f")
        let capture = try OfflineCapture(paths: [path])
        try capture.setFilter("greater 100")
        let wanted = ReadPacket.expected(Self.packets, linkType: .ethernet, precision: .microseconds)
            .filter { $0.originalLength >= 100 }
        #expect(try capture.readAll() == wanted)
        #expect(!wanted.isEmpty && wanted.count < Self.packets.count)
    }

    @Test("a stream shorter than any magic is not a capture", arguments: [0, 1, 3])
    func tinyStream(length: Int) throws {
        let descriptor = try #require(Pipes.carrying([UInt8](repeating: 0x1F, count: length)))
        let error = #expect(throws: CaptureError.self) {
            try OfflineCapture(inputs: [.fileDescriptor(descriptor, name: "-")])
        }
        #expect(error?.code == .notACapture)
    }

    @Test("garbage after the gzip magic fails at open with the decompressor's reason")
    func garbageAfterMagic() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write([0x1F, 0x8B] + [UInt8](repeating: 0x41, count: 100), to: "bad.pcap.gz")
        let error = #expect(throws: CaptureError.self) { try OfflineCapture(paths: [path]) }
        #expect(error?.code == .notACapture)
        #expect(error?.reason.hasPrefix("not a capture file (gzip: gzip data damaged") == true, "\(String(describing: error))")
    }

    @Test("compressed bytes that are not a capture fail at open as not a capture")
    func compressedNonCapture() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(TestCompression.zstd(Array("GET / HTTP/1.1\r\n\r\n".utf8)), to: "x.zst")
        let error = #expect(throws: CaptureError.self) { try OfflineCapture(paths: [path]) }
        #expect(error?.description == "\(path): not a capture file (zstd: unknown file format)")
    }
}
