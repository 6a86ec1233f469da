/// Ways a capture file can be broken, each made from a whole, valid pcap file as ``PcapFileWriter``
/// writes it by default (little-endian, microseconds) with at least two records.
public enum BrokenCaptureFile: String, CaseIterable, Sendable {
    /// No bytes at all.
    case empty
    /// Ends after 13 bytes, inside the 24-byte file header.
    case endsInsideFileHeader = "ends-inside-file-header"
    /// Ends 9 bytes into the last record's 16-byte header.
    case endsInsideRecordHeader = "ends-inside-record-header"
    /// Ends halfway through the last record's captured bytes.
    case endsInsideRecordBody = "ends-inside-record-body"
    /// The second record claims 4,294,967,280 captured bytes.
    case recordClaimsHugeLength = "record-claims-huge-length"
    /// Random bytes of the original's size: not a capture.
    case randomBytes = "random-bytes"
    /// The original file header followed by random bytes of the records' size.
    case randomRecords = "random-records"

    /// Whether the result still starts as a capture (libpcap opens it); the others are refused.
    public var opensAsCapture: Bool {
        switch self {
        case .empty, .endsInsideFileHeader, .randomBytes: return false
        case .endsInsideRecordHeader, .endsInsideRecordBody, .recordClaimsHugeLength, .randomRecords: return true
        }
    }

    /// Whether the file ends (or stops being readable) before its last record.
    public var endsEarly: Bool {
        switch self {
        case .endsInsideRecordHeader, .endsInsideRecordBody, .recordClaimsHugeLength: return true
        case .empty, .endsInsideFileHeader, .randomBytes, .randomRecords: return false
        }
    }

    /// The broken copy of `whole`; random bytes come from a generator seeded with `seed`.
    public func make(from whole: [UInt8], seed: UInt64 = 1) -> [UInt8] {
        let records = Self.recordOffsets(whole)
        var random = SeededGenerator(seed: seed)
        switch self {
        case .empty:
            return []
        case .endsInsideFileHeader:
            return Array(whole.prefix(13))
        case .endsInsideRecordHeader:
            return Array(whole.prefix((records.last ?? 24) + 9))
        case .endsInsideRecordBody:
            let last = records.last ?? 24
            let captured = Self.le32(whole, at: last + 8) ?? 0
            return Array(whole.prefix(last + 16 + Int(captured) / 2))
        case .recordClaimsHugeLength:
            var bytes = whole
            let second = records.count > 1 ? records[1] : 24
            guard second + 16 <= bytes.count else { return bytes }
            for index in 0..<4 { bytes[second + 8 + index] = [0xF0, 0xFF, 0xFF, 0xFF][index] }
            return bytes
        case .randomBytes:
            return (0..<whole.count).map { _ in UInt8.random(in: 0...255, using: &random) }
        case .randomRecords:
            let noise = (24..<max(24, whole.count)).map { _ in UInt8.random(in: 0...255, using: &random) }
            return Array(whole.prefix(24)) + noise
        }
    }

    /// `whole` with every record cut to `snapshotLength` captured bytes (the wire lengths kept) and
    /// the file header's snapshot length set to it: what `tcpdump -s 96` would have saved.
    public static func headersOnly(_ whole: [UInt8], snapshotLength: Int = 96) -> [UInt8] {
        guard whole.count >= 24 else { return whole }
        var out = Array(whole.prefix(24))
        withUnsafeBytes(of: UInt32(snapshotLength).littleEndian) { out.replaceSubrange(16..<20, with: $0) }
        for offset in recordOffsets(whole) {
            guard let captured = le32(whole, at: offset + 8).map(Int.init), offset + 16 + captured <= whole.count else {
                break
            }
            let kept = min(captured, snapshotLength)
            var header = Array(whole[offset..<(offset + 16)])
            withUnsafeBytes(of: UInt32(kept).littleEndian) { header.replaceSubrange(8..<12, with: $0) }
            out += header + whole[(offset + 16)..<(offset + 16 + kept)]
        }
        return out
    }

    /// Where each whole record of a little-endian pcap file starts.
    static func recordOffsets(_ whole: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var offset = 24
        while let captured = le32(whole, at: offset + 8), offset + 16 + Int(captured) <= whole.count {
            offsets.append(offset)
            offset += 16 + Int(captured)
        }
        return offsets
    }

    private static func le32(_ bytes: [UInt8], at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }
}
