import AnalyzerCore

/// Walks the complete blocks at the start of a pcapng file (pcapng draft, sections 3 and 4.1): what
/// ``PcapngHeadInterfaces`` and ``DeclaredTimestampResolution`` learn from a file's head before
/// libpcap opens it. Each Section Header Block sets the byte order of the blocks after it; the walk
/// stops at the first block that is cut off or malformed.
enum PcapngHeadBlocks {
    /// Calls `body` with each complete block's type, offset, total length and byte order, in file
    /// order, until it returns `false` or no complete block follows.
    static func forEach(
        in reader: ByteReader, _ body: (_ type: UInt32, _ offset: Int, _ length: Int, _ endianness: Endianness) -> Bool
    ) {
        var offset = 0
        var endianness = Endianness.little
        while let type = reader.getUInt32(at: offset, endianness: endianness) {
            if type == PcapngBlockReader.sectionHeaderType {
                // Each section sets its own byte order; the type itself reads the same either way.
                guard let magic = reader.getUInt32(at: offset + 8, endianness: .little) else { return }
                if magic == PcapngBlockReader.byteOrderMagic {
                    endianness = .little
                } else if magic == PcapngBlockReader.byteOrderMagic.byteSwapped {
                    endianness = .big
                } else {
                    return
                }
            }
            guard let rawLength = reader.getUInt32(at: offset + 4, endianness: endianness),
                let length = Int(exactly: rawLength),
                length >= 12, length % 4 == 0, length <= reader.bytes.count - offset
            else { return }
            guard body(type, offset, length, endianness) else { return }
            offset += length  // length <= count - offset, so offset stays within the buffer
        }
    }
}
