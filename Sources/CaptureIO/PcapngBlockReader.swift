import AnalyzerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Our own pcapng reader, for exactly the files libpcap refuses: interfaces with different link
/// types or snapshot lengths (Wireshark's multi-interface captures). See ``PcapngHeadInterfaces``.
///
/// It reads blocks (pcapng draft, section 4) from the same buffered ``CaptureStream`` libpcap would
/// (so plain files, pipes and compressed input alike) into one reused block buffer, bounded by
/// ``maxBlockBytes``; a packet's bytes borrow that buffer until the next call, as with libpcap.
/// Section Header (either byte order), Interface Description (link type, snapshot length,
/// `if_tsresol` in both forms, `if_tsoffset`), Enhanced, Simple and the obsolete Packet blocks are
/// decoded; every other block is skipped. Each packet carries its interface's link type.
final class PcapngBlockReader {
    /// The largest block accepted (libpcap's own bound, 16 MiB); a larger length is damage.
    static let maxBlockBytes = 16 << 20
    /// The block buffer's first size; it doubles when a block needs more, up to ``maxBlockBytes``.
    static let initialBlockBytes = 64 << 10
    /// The most interfaces one section may describe; more is damage.
    static let maxInterfaces = 4_096

    /// The Section Header Block's type (the same in either byte order).
    static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
    /// The Interface Description Block's type.
    static let interfaceDescriptionType: UInt32 = 1
    /// The byte-order magic after a section header's length, as written in the section's order.
    static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
    private static let packetType: UInt32 = 2
    private static let simplePacketType: UInt32 = 3
    private static let enhancedPacketType: UInt32 = 6

    /// One Interface Description Block.
    private struct Interface {
        var linkType: LinkType
        var snapshotLength: Int
        /// Timestamp units per second (`if_tsresol`; 10^6 by default).
        var unitsPerSecond: UInt64
        /// Seconds added to every timestamp (`if_tsoffset`).
        var offsetSeconds: Int64
    }

    /// The capture's name, used in messages.
    let name: String
    /// The first interface's link type (what a single-link-type view shows).
    private(set) var linkType: LinkType
    /// The largest snapshot length of the interfaces seen.
    private(set) var snapshotLength: Int
    /// Whether an interface seen so far has timestamps finer than a microsecond.
    private(set) var finerThanMicroseconds = false

    private let stream: CaptureStream
    private var buffer: UnsafeMutableRawBufferPointer
    private var endianness = Endianness.little
    private var interfaces: [Interface] = []
    private var sawInterface = false
    private var filterExpression: String?
    private var filters: [Int32: PcapFilterProgram] = [:]

    /// Reads the Section Header Block at the start of `stream`, which the reader then owns.
    /// - Throws: ``CaptureError`` `.notACapture` when the file does not start with a valid section header.
    init(stream: CaptureStream, name: String, headLinkTypes: [LinkType]) throws(CaptureError) {
        self.stream = stream
        self.name = name
        linkType = headLinkTypes.first ?? .ethernet
        snapshotLength = stream.headSnapshotLength
        buffer = .allocate(byteCount: Self.initialBlockBytes, alignment: 8)
        switch readBlock() {
        case .block(let type, let length) where type == Self.sectionHeaderType:
            if let problem = startSection(blockLength: length) {
                throw CaptureError(code: .notACapture, capture: name, reason: "not a capture file (\(problem))")
            }
        case .block:
            throw CaptureError(code: .notACapture, capture: name, reason: "not a capture file (no pcapng section header)")
        case .end:
            throw CaptureError(code: .notACapture, capture: name, reason: "not a capture file (empty)")
        case .failed(let problem):
            throw CaptureError(code: .notACapture, capture: name, reason: "not a capture file (\(problem))")
        }
    }

    deinit { buffer.deallocate() }

    /// The link types the file's head declares (see ``CaptureStream/headLinkTypes``).
    var headLinkTypes: [LinkType] { stream.headLinkTypes }
    /// The resolution a compressed capture's head declares (see ``CaptureStream/declaredPrecision``).
    var declaredPrecision: TimestampPrecision? { stream.declaredPrecision }

    /// Bytes of the file consumed so far, as ``CaptureStream/position``.
    var filePosition: Int64? { stream.position }

    /// The next packet (skipping other blocks and packets the filter rejects), the end, or why
    /// reading stopped. The packet's bytes are valid until the next call.
    func next() -> PcapReadResult {
        while true {
            switch readBlock() {
            case .end:
                return .end
            case .failed(let problem):
                return .failed(problem)
            case .block(let type, let length):
                switch type {
                case Self.sectionHeaderType:
                    if let problem = startSection(blockLength: length) { return .failed(problem) }
                case Self.interfaceDescriptionType:
                    if let problem = addInterface(blockLength: length) { return .failed(problem) }
                case Self.enhancedPacketType, Self.packetType, Self.simplePacketType:
                    switch packet(type: type, blockLength: length) {
                    case .success(let packet?): return .packet(packet)
                    case .success(nil): continue  // filtered out
                    case .failure(let problem): return .failed(problem.text)
                    }
                default:
                    continue  // name resolution, statistics, decryption secrets, custom: not needed
                }
            }
        }
    }

    /// Applies a BPF filter from the next packet on, compiled for each link type as it is met.
    /// - Throws: ``CaptureError`` `.badFilter` when it does not compile for a link type known so far.
    func setFilter(_ expression: String) throws(CaptureError) {
        var compiled: [Int32: PcapFilterProgram] = [:]
        for interface in interfaces where compiled[interface.linkType.rawValue] == nil {
            compiled[interface.linkType.rawValue] = try PcapFilterProgram(
                expression: expression, linkType: interface.linkType, snapshotLength: interface.snapshotLength, name: name)
        }
        filters = compiled
        filterExpression = expression
    }

    // MARK: - Blocks

    private enum BlockResult {
        case block(type: UInt32, length: Int)
        case end
        case failed(String)
    }

    /// Reads one whole block into the buffer; its body is `buffer[8 ..< length - 4]`.
    private func readBlock() -> BlockResult {
        let headerCount = fill(at: 0, count: 8)
        if headerCount == 0 {
            if let problem = readProblem() { return .failed(problem) }
            return .end
        }
        guard headerCount == 8 else { return .failed(cutShort("a block header")) }
        let reader = ByteReader(UnsafeRawBufferPointer(buffer))
        guard var type = reader.getUInt32(at: 0, endianness: endianness) else { return .failed("unreadable block") }
        var already = 8
        if type == Self.sectionHeaderType || type == Self.sectionHeaderType.byteSwapped {
            // A section sets its own byte order, told by the magic after the length.
            guard fill(at: 8, count: 4) == 4 else { return .failed(cutShort("a section header")) }
            already = 12
            switch reader.getUInt32(at: 8, endianness: .little) {
            case Self.byteOrderMagic: endianness = .little
            case Self.byteOrderMagic.byteSwapped: endianness = .big
            default: return .failed("pcapng section header with an unknown byte-order magic")
            }
            type = Self.sectionHeaderType
        }
        guard let rawLength = reader.getUInt32(at: 4, endianness: endianness),
            let length = Int(exactly: rawLength), length >= 12, length % 4 == 0
        else { return .failed("pcapng block with an invalid length") }
        guard length <= Self.maxBlockBytes else {
            return .failed("pcapng block of \(length) bytes exceeds the maximum of \(Self.maxBlockBytes)")
        }
        guard length >= already + 4 else { return .failed("pcapng section header too short") }
        reserve(length)
        guard fill(at: already, count: length - already) == length - already else {
            return .failed(cutShort("a block"))
        }
        let body = ByteReader(UnsafeRawBufferPointer(buffer))
        guard body.getUInt32(at: length - 4, endianness: endianness) == rawLength else {
            return .failed("pcapng block whose trailing length differs from its leading length")
        }
        return .block(type: type, length: length)
    }

    /// A new section: its byte order is set already; check the version and forget the interfaces.
    private func startSection(blockLength: Int) -> String? {
        let reader = ByteReader(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<blockLength]))
        guard blockLength >= 28, let major = reader.getUInt16(at: 12, endianness: endianness) else {
            return "pcapng section header too short"
        }
        guard major == 1 else { return "pcapng major version \(major) is not supported" }
        interfaces.removeAll(keepingCapacity: true)
        return nil
    }

    /// An Interface Description Block: link type, snapshot length and the options that matter.
    private func addInterface(blockLength: Int) -> String? {
        let reader = ByteReader(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<blockLength]))
        guard let rawLinkType = reader.getUInt16(at: 8, endianness: endianness),
            let rawSnapshot = reader.getUInt32(at: 12, endianness: endianness), blockLength >= 20
        else { return "pcapng interface description too short" }
        guard interfaces.count < Self.maxInterfaces else {
            return "pcapng section describes more than \(Self.maxInterfaces) interfaces"
        }
        var interface = Interface(
            linkType: Self.linkType(fileValue: rawLinkType), snapshotLength: Self.effectiveSnapshotLength(Int(rawSnapshot)),
            unitsPerSecond: 1_000_000, offsetSeconds: 0)
        var cursor = 16
        let optionsEnd = blockLength - 4
        while cursor + 4 <= optionsEnd,
            let code = reader.getUInt16(at: cursor, endianness: endianness),
            let length = reader.getUInt16(at: cursor + 2, endianness: endianness), code != 0
        {
            let valueStart = cursor + 4
            guard valueStart + Int(length) <= optionsEnd else { break }  // an option past the end: ignore the rest
            if code == 9, length >= 1, let resolution = reader.getUInt8(at: valueStart) {
                guard let units = Self.unitsPerSecond(resolution) else {
                    return "pcapng interface \(interfaces.count) has an unsupported timestamp resolution (\(resolution))"
                }
                interface.unitsPerSecond = units
            } else if code == 14, length == 8, let offset = reader.getUInt64(at: valueStart, endianness: endianness) {
                interface.offsetSeconds = Int64(bitPattern: offset)
            }
            cursor = valueStart + (Int(length) + 3) / 4 * 4
        }
        if !sawInterface { linkType = interface.linkType }
        sawInterface = true
        snapshotLength = max(snapshotLength, interface.snapshotLength)
        if interface.unitsPerSecond > 1_000_000 { finerThanMicroseconds = true }
        if let filterExpression, filters[interface.linkType.rawValue] == nil {
            do {
                filters[interface.linkType.rawValue] = try PcapFilterProgram(
                    expression: filterExpression, linkType: interface.linkType,
                    snapshotLength: interface.snapshotLength, name: name)
            } catch {
                return "the filter does not apply to interface \(interfaces.count): \(error.reason)"
            }
        }
        interfaces.append(interface)
        return nil
    }

    /// The link type libpcap reports for a file's `LINKTYPE_*` value: the few whose `DLT_*` differs
    /// (libpcap's `linktype_to_dlt` on Linux) are mapped, so that packets and filters see the same
    /// values whichever reader read the file.
    static func linkType(fileValue: UInt16) -> LinkType {
        switch fileValue {
        case 100: return LinkType(rawValue: 11)  // ATM RFC 1483
        case 101: return .raw  // raw IP: DLT_RAW is 12 on Linux
        case 102: return LinkType(rawValue: 15)  // SLIP BSD/OS
        case 103: return LinkType(rawValue: 16)  // PPP BSD/OS
        case 106: return LinkType(rawValue: 19)  // ATM classical IP
        default: return LinkType(rawValue: Int32(fileValue))
        }
    }

    /// An interface's snapshot length as a bound: 0 means "no limit", which the block size bounds.
    static func effectiveSnapshotLength(_ declared: Int) -> Int { declared == 0 ? maxBlockBytes : declared }

    /// `if_tsresol`: high bit clear, 10^-n seconds; set, 2^-n. `nil` when it does not fit 64 bits.
    static func unitsPerSecond(_ resolution: UInt8) -> UInt64? {
        let exponent = Int(resolution & 0x7F)
        if resolution & 0x80 != 0 { return exponent <= 63 ? UInt64(1) << UInt64(exponent) : nil }
        guard exponent <= 19 else { return nil }
        var units: UInt64 = 1
        for _ in 0..<exponent { units *= 10 }
        return units
    }

    private struct Problem: Error { var text: String }

    /// The packet in an Enhanced, obsolete Packet or Simple Packet Block; `nil` when filtered out.
    private func packet(type: UInt32, blockLength: Int) -> Result<CapturedPacket?, Problem> {
        let reader = ByteReader(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<blockLength]))
        let bodyEnd = blockLength - 4
        let interfaceID: Int
        var units: UInt64 = 0
        let captured: Int
        let original: Int
        let dataStart: Int
        if type == Self.simplePacketType {
            // No interface field: the first interface; no timestamp.
            guard let rawOriginal = reader.getUInt32(at: 8, endianness: endianness) else {
                return .failure(Problem(text: "pcapng simple packet block too short"))
            }
            interfaceID = 0
            dataStart = 12
            original = Int(rawOriginal)
            guard let first = interfaces.first else {
                return .failure(Problem(text: "pcapng simple packet block before any interface description"))
            }
            captured = max(0, min(original, bodyEnd - dataStart, first.snapshotLength))
        } else {
            let rawInterface = type == Self.packetType
                ? reader.getUInt16(at: 8, endianness: endianness).map(UInt32.init)
                : reader.getUInt32(at: 8, endianness: endianness)
            guard let rawInterface, let high = reader.getUInt32(at: 12, endianness: endianness),
                let low = reader.getUInt32(at: 16, endianness: endianness),
                let rawCaptured = reader.getUInt32(at: 20, endianness: endianness),
                let rawOriginal = reader.getUInt32(at: 24, endianness: endianness)
            else { return .failure(Problem(text: "pcapng packet block too short")) }
            interfaceID = Int(rawInterface)
            units = UInt64(high) << 32 | UInt64(low)
            dataStart = 28
            captured = Int(rawCaptured)
            original = Int(rawOriginal)
            guard captured <= bodyEnd - dataStart else {
                return .failure(Problem(text: "pcapng packet block whose captured length \(captured) exceeds the block"))
            }
        }
        guard interfaceID < interfaces.count else {
            return .failure(Problem(text: "pcapng packet on interface \(interfaceID), which is not described"))
        }
        let interface = interfaces[interfaceID]
        // As libpcap does, bytes beyond the interface's snapshot length are not delivered.
        guard let bytes = reader.getSlice(at: dataStart, length: min(captured, interface.snapshotLength)) else {
            return .failure(Problem(text: "pcapng packet block too short"))
        }
        let originalLength = max(original, bytes.count)
        if filterExpression != nil {
            guard let filter = filters[interface.linkType.rawValue], filter.accepts(bytes, originalLength: originalLength)
            else { return .success(nil) }
        }
        return .success(CapturedPacket(
            timestamp: Self.timestamp(units: units, interface: interface), linkType: interface.linkType,
            originalLength: originalLength, bytes: bytes))
    }

    /// `units` of the interface's resolution since the epoch, plus its offset, as a timestamp.
    private static func timestamp(units: UInt64, interface: Interface) -> CaptureTimestamp {
        let base = interface.unitsPerSecond
        let (seconds, fraction) = units.quotientAndRemainder(dividingBy: base)
        // fraction < base, so fraction * 10^9 / base < 10^9: computed in 128 bits, it cannot overflow.
        let product = UInt64(1_000_000_000).multipliedFullWidth(by: fraction)
        let nanoseconds = base.dividingFullWidth(product).quotient
        let wholeSeconds = Int64(clamping: seconds).saturatingAdding(interface.offsetSeconds)
        return PcapHandle.timestamp(seconds: wholeSeconds, nanoseconds: Int64(nanoseconds))
    }

    // MARK: - Reading

    /// Grows the buffer to hold `length` bytes (at most ``maxBlockBytes``), keeping its first 12.
    private func reserve(_ length: Int) {
        guard length > buffer.count else { return }
        var size = buffer.count
        while size < length { size = min(size * 2, Self.maxBlockBytes) }
        let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<12]))
        buffer.deallocate()
        buffer = grown
    }

    /// Reads `count` bytes into the buffer at `offset`; returns how many arrived before the end.
    private func fill(at offset: Int, count: Int) -> Int {
        guard count > 0, let base = buffer.baseAddress else { return 0 }
        return fread(base + offset, 1, count, stream.file)
    }

    /// The read error behind a short read, if it was one rather than the end of the file.
    private func readProblem() -> String? {
        guard ferror(stream.file) != 0 else { return nil }
        return stream.failure ?? "error reading the capture: " + systemErrorMessage(errno)
    }

    private func cutShort(_ place: String) -> String {
        readProblem() ?? "truncated pcapng file: the file ends inside \(place)"
    }
}
