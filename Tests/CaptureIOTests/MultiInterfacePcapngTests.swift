import AnalyzerCore
@testable import CaptureIO
import TestSupport
import Testing
import TrafficSynthesis

/// pcapng files whose interfaces differ in link type and snapshot length, which libpcap refuses,
/// read by our own block reader.
@Suite("Multi-interface pcapng")
struct MultiInterfacePcapngTests {
    typealias Writer = PcapngMultiInterfaceWriter

    /// Ethernet (µs), Linux cooked (ns, 96-byte snaplen), raw IP (2^-10 s, offset 1000 s, 200 bytes).
    static let interfaces: [Writer.Interface] = [
        .init(linkType: 1, snapshotLength: 262_144),
        .init(linkType: 113, snapshotLength: 96, resolution: 9),
        .init(linkType: 101, snapshotLength: 200, resolution: 0x80 | 10, offsetSeconds: 1_000),
    ]

    static let placed: [Writer.Placed] = SamplePackets.make(count: 30).enumerated().map {
        Writer.Placed(interface: $0.offset % 3, packet: $0.element)
    }

    /// What the generator says a reader must return, packet by packet.
    static func expected(_ writer: Writer, _ placed: [Writer.Placed] = placed) -> [ReadPacket] {
        placed.map { item in
            let stored = writer.stored(item)
            // LINKTYPE_RAW (101) is reported as DLT_RAW (12), as libpcap reports it.
            let fileValue = Int32(writer.interfaces[item.interface].linkType)
            var packet = ReadPacket(expected: stored, linkType: LinkType(rawValue: fileValue == 101 ? 12 : fileValue),
                                    precision: .nanoseconds)
            packet.originalLength = stored.originalLength
            return packet
        }
    }

    @Test("libpcap itself refuses these files (the premise of the own reader)")
    func libpcapRefuses() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Writer(interfaces: Self.interfaces).file(Self.placed), to: "multi.pcapng")
        let descriptor = try CaptureFileProbe.openReadOnly(path: path)
        let probe = try CaptureFileProbe.examine(fileDescriptor: descriptor, name: path)
        #expect(PcapngHeadInterfaces.interfaces(fileStart: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
        let stream = try CaptureStream.open(adopting: descriptor, name: path, probe: probe)
        #expect(stream.needsOwnPcapngReader)
        let handle = try PcapHandle.openOffline(stream: stream, name: path)
        guard case .failed(let message) = handle.next() else {
            Issue.record("libpcap read a packet of a file it was expected to refuse")
            return
        }
        #expect(message.contains("different from the"), "\(message)")
    }

    @Test("packets, link types, lengths and timestamps round-trip, in both byte orders",
          arguments: [Endianness.little, .big])
    func roundTrip(endianness: Endianness) throws {
        let writer = Writer(interfaces: Self.interfaces, endianness: endianness)
        let directory = try TemporaryDirectory()
        let capture = try OfflineCapture(paths: [try directory.write(writer.file(Self.placed), to: "multi.pcapng")])
        #expect(capture.timestampPrecision == .nanoseconds, "an interface declares nanoseconds")
        let read = try capture.readAll()
        #expect(read == Self.expected(writer))
        #expect(Set(read.map(\.linkType)) == [.ethernet, .linuxSLL, .raw])
        #expect(read.contains { $0.bytes.count == 96 && $0.originalLength > 96 }, "the 96-byte snaplen cut packets")
        #expect(capture.interruptions.isEmpty)
        #expect(capture.snapshotLength == 262_144)
        #expect(capture.progress.bytesRead == capture.progress.totalBytes)
    }

    @Test("read from a pipe and compressed, the same packets")
    func pipeAndCompressed() throws {
        let writer = Writer(interfaces: Self.interfaces)
        let file = writer.file(Self.placed)
        let piped = try OfflineCapture(inputs: [.fileDescriptor(try #require(Pipes.carrying(file)), name: "-")])
        #expect(try piped.readAll() == Self.expected(writer))
        let directory = try TemporaryDirectory()
        let zipped = try OfflineCapture(paths: [try directory.write(TestCompression.gzip(file), to: "multi")])
        #expect(try zipped.readAll() == Self.expected(writer))
        #expect(zipped.interruptions.isEmpty && piped.interruptions.isEmpty)
    }

    @Test("an interface finer than a microsecond described past the head still makes the capture nanosecond")
    func lateFineInterface() throws {
        // Interfaces of two link types up front (so the own reader reads it), both microseconds;
        // packets past the 64 KiB head, then a third, nanosecond interface with no packet.
        let writer = Writer(interfaces: [.init(linkType: 1), .init(linkType: 113)])
        let packets = SamplePackets.make(count: 60).map { SyntheticPacket(timestamp: $0.timestamp, bytes: [UInt8](repeating: 7, count: 1_400)) }
        var file = writer.file(packets.enumerated().map { .init(interface: $0.offset % 2, packet: $0.element) })
        #expect(file.count > CaptureFileProbe.headLimit)
        file += PcapngBlocks.interfaceDescription(linkType: 101, resolution: 9)
        let directory = try TemporaryDirectory()
        let capture = try OfflineCapture(paths: [try directory.write(file, to: "late.pcapng")])
        #expect(capture.timestampPrecision == .microseconds)
        #expect(try capture.readAll().count == 60)
        #expect(capture.timestampPrecision == .nanoseconds)
        #expect(capture.interruptions.isEmpty)
    }

    @Test("an interface of another link type first described past the head: the file is read again by the own reader",
          arguments: [false, true])
    func lateOtherLinkType(compressed: Bool) throws {
        // One Ethernet interface (libpcap reads it), packets past the 64 KiB head, then a Linux
        // cooked interface and packets on it.
        let writer = Writer(interfaces: [.init(linkType: 1), .init(linkType: 113)])
        let packets = SamplePackets.make(count: 80).map {
            SyntheticPacket(timestamp: $0.timestamp, bytes: [UInt8](repeating: 7, count: 1_400))
        }
        let placed = packets.enumerated().map { Writer.Placed(interface: $0.offset < 60 ? 0 : 1, packet: $0.element) }
        let full = writer.file(placed)
        // Move the second interface description after the 60th packet.
        let sectionHeader = 28, interface = 24  // block lengths: no options but opt_endofopt
        let firstInterface = Array(full[sectionHeader..<(sectionHeader + interface)])
        let secondInterface = Array(full[(sectionHeader + interface)..<(sectionHeader + 2 * interface)])
        let packetBlocks = Array(full[(sectionHeader + 2 * interface)...])
        let blockLength = packetBlocks.count / 80
        var file = Array(full[..<sectionHeader]) + firstInterface + Array(packetBlocks[..<(60 * blockLength)])
        file += secondInterface + Array(packetBlocks[(60 * blockLength)...])
        #expect(60 * blockLength > CaptureFileProbe.headLimit)
        let head = Array(file.prefix(CaptureFileProbe.headLimit))
        #expect(!head.withUnsafeBytes { PcapngHeadInterfaces.libpcapRefuses(fileStart: $0) }, "libpcap is tried first")
        let directory = try TemporaryDirectory()
        let path = try directory.write(compressed ? TestCompression.gzip(file) : file, to: "late.pcapng")
        let capture = try OfflineCapture(paths: [path])
        let read = try capture.readAll()
        #expect(read == Self.expected(writer, placed))
        #expect(capture.interruptions.isEmpty, "\(capture.interruptions)")
    }

    @Test("a filter is compiled for each interface's link type")
    func filter() throws {
        let writer = Writer(interfaces: Self.interfaces)
        let directory = try TemporaryDirectory()
        let path = try directory.write(writer.file(Self.placed), to: "multi.pcapng")
        let capture = try OfflineCapture(paths: [path])
        try capture.setFilter("greater 100")
        let wanted = Self.expected(writer).filter { $0.originalLength >= 100 }
        #expect(try capture.readAll() == wanted)
        #expect(!wanted.isEmpty)

        let other = try OfflineCapture(paths: [path])
        let error = #expect(throws: CaptureError.self) { try other.setFilter("ether host 01:02:03:04:05:06") }
        #expect(error?.code == .badFilter, "raw IP has no Ethernet addresses")
    }

    @Test("Simple, obsolete Packet and unknown blocks: packets read, others skipped")
    func otherBlocks() throws {
        let writer = Writer(interfaces: [.init(linkType: 1, snapshotLength: 64), .init(linkType: 101)])
        let packet = SamplePackets.make(count: 2)[1]  // 1,514 bytes
        var file = writer.file([])
        file += PcapngBlocks.unknown(bodyLength: 8)
        // Simple Packet Block: original length then data; the first interface's snaplen (64) applies.
        file += Self.block(type: 3, body: PcapngBlocks.le32(UInt32(packet.bytes.count)) + Array(packet.bytes.prefix(100)))
        // Packet Block on interface 1: id (16 bits), drops, timestamp, lengths, data.
        let data = Array(packet.bytes.prefix(40))
        file += Self.block(type: 2, body: PcapngBlocks.le16(1) + PcapngBlocks.le16(0) + PcapngBlocks.le32(0)
            + PcapngBlocks.le32(5_000_000) + PcapngBlocks.le32(40) + PcapngBlocks.le32(1_514) + data)
        let directory = try TemporaryDirectory()
        let capture = try OfflineCapture(paths: [try directory.write(file, to: "blocks.pcapng")])
        let read = try capture.readAll()
        #expect(read.count == 2)
        #expect(read.first?.bytes == Array(packet.bytes.prefix(64)))
        #expect(read.first?.originalLength == 1_514)
        #expect(read.last?.linkType == .raw)
        #expect(read.last?.timestamp == CaptureTimestamp(seconds: 5, nanoseconds: 0))
        #expect(capture.interruptions.isEmpty)
    }

    @Test("hostile blocks end the capture with an interruption, never a trap",
          arguments: ["absurd length", "unknown interface", "captured length past the block", "bad trailer"])
    func hostile(kind: String) throws {
        let writer = Writer(interfaces: Self.interfaces)
        var file = writer.file(Array(Self.placed.prefix(2)))
        switch kind {
        case "absurd length":
            file += PcapngBlocks.le32(6) + PcapngBlocks.le32(0xFFFF_FFF0) + [UInt8](repeating: 0, count: 64)
        case "unknown interface":
            file += Self.block(type: 6, body: PcapngBlocks.le32(7) + [UInt8](repeating: 0, count: 16))
        case "captured length past the block":
            file += Self.block(type: 6, body: PcapngBlocks.le32(0) + PcapngBlocks.le32(0) + PcapngBlocks.le32(0)
                + PcapngBlocks.le32(4_000) + PcapngBlocks.le32(4_000) + [1, 2, 3, 4])
        default:
            var block = Self.block(type: 6, body: [UInt8](repeating: 0, count: 20))
            block[block.count - 1] = 9
            file += block
        }
        let directory = try TemporaryDirectory()
        let capture = try OfflineCapture(paths: [try directory.write(file, to: "hostile.pcapng")])
        #expect(try capture.readAll() == Array(Self.expected(writer).prefix(2)))
        #expect(capture.interruptions.count == 1, "\(kind)")
        #expect(capture.interruptions.first?.packetsRead == 2)
    }

    @Test("cut at every length: not a capture, or a prefix of the packets and at most one interruption")
    func truncatedEverywhere() throws {
        let writer = Writer(interfaces: Self.interfaces)
        let placed = Array(Self.placed.prefix(6))
        let file = writer.file(placed)
        let expected = Self.expected(writer, placed)
        let directory = try TemporaryDirectory()
        for length in 0..<file.count {
            let path = try directory.write(Array(file.prefix(length)), to: "cut")
            guard let capture = try? OfflineCapture(paths: [path]) else { continue }
            let read = try capture.readAll()
            #expect(read == Array(expected.prefix(read.count)), "cut at \(length)")
            #expect(capture.interruptions.count <= 1)
        }
    }

    private static func block(type: UInt32, body: [UInt8]) -> [UInt8] {
        var padded = body
        while padded.count % 4 != 0 { padded.append(0) }
        let total = PcapngBlocks.le32(UInt32(12 + padded.count))
        return PcapngBlocks.le32(type) + total + padded + total
    }
}
