import AnalyzerCore

/// Reads the timestamp resolution a capture file declares in its first bytes.
///
/// Classic pcap says it in the magic number (`a1b2c3d4` microseconds, `a1b23c4d` nanoseconds, in
/// either byte order). pcapng says it per interface, in the Interface Description Block's
/// `if_tsresol` option (code 9); libpcap converts timestamps but does not tell which resolution the
/// file had, so the blocks are walked here (pcapng draft, sections 4.1 and 4.2).
enum DeclaredTimestampResolution {
    private static let timestampResolutionOption: UInt16 = 9

    /// The resolution declared by `bytes`, the start of a capture file, or `nil` when it cannot be
    /// told: unknown format, or a pcapng head holding no complete Interface Description Block.
    /// Any interface finer than a microsecond makes the answer ``TimestampPrecision/nanoseconds``.
    static func precision(fileStart bytes: UnsafeRawBufferPointer) -> TimestampPrecision? {
        let reader = ByteReader(bytes)
        guard let magic = reader.getUInt32(at: 0, endianness: .little) else { return nil }
        switch magic {
        case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_CD34, 0x34CD_B2A1:  // microsecond pcap; Kuznetzov's variant
            return .microseconds
        case 0xA1B2_3C4D, 0x4D3C_B2A1:
            return .nanoseconds
        case PcapngBlockReader.sectionHeaderType:
            return pcapngPrecision(reader)
        default:
            return nil
        }
    }

    /// Walks the complete blocks within the head (``PcapngHeadBlocks``).
    private static func pcapngPrecision(_ reader: ByteReader) -> TimestampPrecision? {
        var sawInterface = false
        var finer = false
        PcapngHeadBlocks.forEach(in: reader) { type, offset, length, endianness in
            guard type == PcapngBlockReader.interfaceDescriptionType else { return true }
            sawInterface = true
            finer = interfaceIsFinerThanMicroseconds(reader, blockStart: offset, blockLength: length, endianness)
            return !finer
        }
        if finer { return .nanoseconds }
        return sawInterface ? .microseconds : nil
    }

    /// Looks for `if_tsresol` among the options of the IDB at `blockStart`. Without it the
    /// resolution is the format's default, microseconds.
    private static func interfaceIsFinerThanMicroseconds(
        _ reader: ByteReader, blockStart: Int, blockLength: Int, _ endianness: Endianness
    ) -> Bool {
        // Block type, length, then link type (2), reserved (2), snaplen (4); the trailing length is 4.
        var cursor = blockStart + 16
        let optionsEnd = blockStart + blockLength - 4
        while cursor + 4 <= optionsEnd {
            guard let code = reader.getUInt16(at: cursor, endianness: endianness),
                let length = reader.getUInt16(at: cursor + 2, endianness: endianness)
            else { return false }
            if code == 0 { return false }  // opt_endofopt
            let valueStart = cursor + 4
            if code == timestampResolutionOption, length >= 1, valueStart < optionsEnd,
                let resolution = reader.getUInt8(at: valueStart)
            {
                return isFinerThanMicroseconds(resolution)
            }
            cursor = valueStart + (Int(length) + 3) / 4 * 4  // values are padded to 32 bits
        }
        return false
    }

    /// `if_tsresol`: the high bit clear means 10^-n seconds, set means 2^-n seconds.
    /// 10^-7 and finer, or 2^-20 (about 0.95 µs) and finer, cannot be shown in microseconds.
    static func isFinerThanMicroseconds(_ resolution: UInt8) -> Bool {
        let exponent = resolution & 0x7F
        return resolution & 0x80 == 0 ? exponent > 6 : exponent >= 20
    }
}
