import AnalyzerCore
@testable import CaptureIO
import Testing
import TrafficSynthesis

@Suite("Timestamp precision")
struct TimestampPrecisionTests {
    private static func declared(_ bytes: [UInt8]) -> TimestampPrecision? {
        bytes.withUnsafeBytes { DeclaredTimestampResolution.precision(fileStart: $0) }
    }

    @Test("classic pcap magic declares the resolution in either byte order", arguments: [Endianness.little, .big])
    func classicMagic(endianness: Endianness) {
        #expect(Self.declared(PcapFileWriter(linkType: 1, endianness: endianness).fileHeader()) == .microseconds)
        let nano = PcapFileWriter(linkType: 1, endianness: endianness, precision: .nanoseconds)
        #expect(Self.declared(nano.fileHeader()) == .nanoseconds)
    }

    @Test("pcapng declares it per interface, in either byte order", arguments: [Endianness.little, .big])
    func pcapngInterfaces(endianness: Endianness) {
        let micro = PcapngFileWriter(linkType: 1, endianness: endianness, interfaceCount: 2)
        let nano = PcapngFileWriter(linkType: 1, endianness: endianness, precision: .nanoseconds, interfaceCount: 2)
        #expect(Self.declared(micro.file(SamplePackets.make(count: 2))) == .microseconds)
        #expect(Self.declared(nano.file(SamplePackets.make(count: 2))) == .nanoseconds)
    }

    @Test(
        "if_tsresol values finer than a microsecond mean nanoseconds",
        arguments: [
            (UInt8(3), TimestampPrecision.microseconds), (6, .microseconds), (7, .nanoseconds), (9, .nanoseconds),
            (12, .nanoseconds), (0x80 | 19, .microseconds), (0x80 | 20, .nanoseconds), (0x80 | 30, .nanoseconds),
        ])
    func resolutionValues(resolution: UInt8, expected: TimestampPrecision) {
        let file = PcapngBlocks.sectionHeader() + PcapngBlocks.interfaceDescription(resolution: resolution)
        #expect(Self.declared(file) == expected)
    }

    @Test("any interface finer than a microsecond makes the file nanosecond")
    func mixedInterfaces() {
        let file = PcapngBlocks.sectionHeader() + PcapngBlocks.interfaceDescription()
            + PcapngBlocks.interfaceDescription(resolution: 9)
        #expect(Self.declared(file) == .nanoseconds)
    }

    @Test(
        "heads that say nothing give no answer",
        arguments: [
            ("empty", []),
            ("three bytes", [0xD4, 0xC3, 0xB2]),
            ("unknown magic", [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]),
            ("pcapng section header alone", PcapngBlocks.sectionHeader()),
            ("pcapng interface cut off",
             PcapngBlocks.sectionHeader() + PcapngBlocks.interfaceDescription(resolution: 9).prefix(20)),
            ("pcapng bad byte-order magic", [0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0, 1, 2, 3, 4]),
        ] as [(String, [UInt8])])
    func noAnswer(name: String, bytes: [UInt8]) {
        #expect(Self.declared(bytes) == nil, "\(name)")
    }

    @Test("a hostile interface block (options running past its end, zero lengths) is walked safely")
    func hostileInterfaceBlock() {
        // IDB of 20 bytes whose option claims 65,535 bytes of value; then a block of length 0.
        let idb = PcapngBlocks.le32(1) + PcapngBlocks.le32(24) + PcapngBlocks.le16(1) + PcapngBlocks.le16(0)
            + PcapngBlocks.le32(0) + PcapngBlocks.le16(2) + PcapngBlocks.le16(0xFFFF) + PcapngBlocks.le32(24)
        let zeroLength = PcapngBlocks.le32(6) + PcapngBlocks.le32(0) + [UInt8](repeating: 0, count: 8)
        #expect(Self.declared(PcapngBlocks.sectionHeader() + idb + zeroLength) == .microseconds)
    }

    @Test("a regular file's declared resolution is known before reading, even for whole-microsecond times")
    func declaredBeforeReading() throws {
        let directory = try TemporaryDirectory()
        let packets = SamplePackets.wholeMicroseconds()
        let pcapng = try directory.write(
            PcapngFileWriter(linkType: 1, precision: .nanoseconds).file(packets), to: "nano.pcapng")
        let pcap = try directory.write(
            PcapFileWriter(linkType: 1, precision: .nanoseconds).file(packets), to: "nano.pcap")
        let micro = try directory.write(PcapFileWriter(linkType: 1).file(SamplePackets.make()), to: "micro.pcap")
        #expect(try OfflineCapture(paths: [pcapng]).timestampPrecision == .nanoseconds)
        #expect(try OfflineCapture(paths: [pcap]).timestampPrecision == .nanoseconds)
        let microCapture = try OfflineCapture(paths: [micro])
        _ = try microCapture.readAll()
        #expect(microCapture.timestampPrecision == .microseconds)
    }

    @Test("an interface description beyond the peeked head falls back to what packets show")
    func interfaceBeyondHead() throws {
        let directory = try TemporaryDirectory()
        let filler = PcapngBlocks.unknown(bodyLength: CaptureFileProbe.headLimit)
        let head = PcapngBlocks.sectionHeader() + filler + PcapngBlocks.interfaceDescription(resolution: 9)
        let wholeMicro = try directory.write(
            head + PcapngBlocks.enhancedPacket(units: 1_000_000_000_000_000_000, bytes: [1, 2, 3]), to: "a.pcapng")
        let subMicro = try directory.write(
            head + PcapngBlocks.enhancedPacket(units: 1_000_000_000_000_000_123, bytes: [1, 2, 3]), to: "b.pcapng")

        let first = try OfflineCapture(paths: [wholeMicro])
        #expect(try first.readAll().map(\.timestamp) == [CaptureTimestamp(seconds: 1_000_000_000, nanoseconds: 0)])
        #expect(first.timestampPrecision == .microseconds)
        let second = try OfflineCapture(paths: [subMicro])
        #expect(try second.readAll().map(\.timestamp) == [CaptureTimestamp(seconds: 1_000_000_000, nanoseconds: 123)])
        #expect(second.timestampPrecision == .nanoseconds)
    }

    @Test(
        "libpcap's seconds and nanoseconds become a valid timestamp whatever their values",
        arguments: [
            (Int64(5), Int64(999_999_999), Int64(5), UInt32(999_999_999)),
            (5, 1_500_000_000, 6, 500_000_000),
            (5, -1, 4, 999_999_999),
            (0, -2_000_000_001, -3, 999_999_999),
            (Int64.max, 2_000_000_000, Int64.max, 0),
            (Int64.min, -1, Int64.min, 999_999_999),
        ])
    func timestampConversion(seconds: Int64, fraction: Int64, expectedSeconds: Int64, expectedNanoseconds: UInt32) {
        let timestamp = PcapHandle.timestamp(seconds: seconds, nanoseconds: fraction)
        #expect(timestamp == CaptureTimestamp(seconds: expectedSeconds, nanoseconds: expectedNanoseconds))
    }
}
