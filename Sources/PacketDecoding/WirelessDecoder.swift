import AnalyzerCore

/// IEEE 802.11 data frames (IEEE 802.11-2020 §9.2, §9.3.2.1) with or without a radiotap or PPI
/// header: unencrypted data frames carrying LLC/SNAP (RFC 1042) lead on to an EtherType.
enum WirelessDecoder {
    /// The radiotap header at the start of `frame` (radiotap.org), then an 802.11 frame. When the
    /// Flags field says the frame ends with an FCS, `end` moves 4 bytes back.
    static func radiotap(_ frame: FrameBytes, end: inout Int) throws(DecodeStop) -> Layer {
        try frame.require(8, within: end, else: .linkHeaderLength)
        guard try frame.byte(at: 0) == 0 else { throw .undecoded(UndecodedEncapsulation(.linkType, 127)) }
        // Radiotap's own fields are little-endian.
        let length = Int(try littleEndian16(frame, at: 2))
        guard length >= 8 else { throw .malformed(.linkHeaderLength) }
        try frame.require(length, within: end, else: .linkHeaderLength)
        let present = try littleEndian32(frame, at: 4)
        // Bit 31 chains another presence word; fields start after the last one. Bounded by `length`.
        var fieldStart = 8
        var word = present
        while word & 0x8000_0000 != 0 {
            try frame.require(fieldStart + 4, within: length, else: .linkHeaderLength)
            word = try littleEndian32(frame, at: fieldStart)
            fieldStart += 4
        }
        if present & 0x2 != 0 {
            // Flags (bit 1) follows TSFT (bit 0: 8 bytes, aligned to 8 from the header's start).
            let flagsOffset = present & 0x1 != 0 ? ((fieldStart + 7) & ~7) + 8 : fieldStart
            try frame.require(flagsOffset + 1, within: length, else: .linkHeaderLength)
            if try frame.byte(at: flagsOffset) & 0x10 != 0 {
                guard end - 4 >= length else { throw .malformed(.linkHeaderLength) }
                end -= 4
            }
        }
        return try dataFrame(frame, at: length, end: end)
    }

    /// The PPI header at the start of `frame` (the PPI specification, 2007): version, flags,
    /// little-endian length and link type, then a frame of that link type (802.11 or Ethernet).
    static func ppi(_ frame: FrameBytes, end: Int) throws(DecodeStop) -> Layer {
        try frame.require(8, within: end, else: .linkHeaderLength)
        let length = Int(try littleEndian16(frame, at: 2))
        guard length >= 8 else { throw .malformed(.linkHeaderLength) }
        try frame.require(length, within: end, else: .linkHeaderLength)
        switch try littleEndian32(frame, at: 4) {
        case 105: return try dataFrame(frame, at: length, end: end)
        case 1: return .ethernet(length)
        case let other: throw .undecoded(UndecodedEncapsulation(.ppiLinkType, other))
        }
    }

    /// The 802.11 frame at `start`. Management, control and no-data frames are not IP; a protected
    /// frame is undecoded (`802.11 encrypted`).
    static func dataFrame(_ frame: FrameBytes, at start: Int, end: Int) throws(DecodeStop) -> Layer {
        try frame.require(start + 2, within: end, else: .linkHeaderLength)
        // Frame Control, least significant byte first: version (2 bits), type (2), subtype (4); flags.
        let control = try frame.byte(at: start)
        let flags = try frame.byte(at: start + 1)
        guard control & 0x03 == 0 else { throw .undecoded(UndecodedEncapsulation(.wifiFrame, UInt32(control & 0x03))) }
        guard (control >> 2) & 0x03 == 2 else { throw .notIP }  // not a data frame
        let subtype = control >> 4
        guard subtype & 0x04 == 0 else { throw .notIP }  // Null and QoS Null carry no data
        guard flags & 0x40 == 0 else { throw .undecoded(UndecodedEncapsulation(.wifiEncrypted)) }
        // Frame Control, Duration, three addresses, Sequence Control; a fourth address when both To DS
        // and From DS are set (a wireless bridge); QoS Control for QoS subtypes; HT Control when a QoS
        // frame has the Order bit set.
        var header = 24
        if flags & 0x03 == 0x03 { header += 6 }
        if subtype & 0x08 != 0 {
            try frame.require(start + header + 2, within: end, else: .linkHeaderLength)
            // QoS Control bit 7: the body is an A-MSDU of subframes, not one LLC frame.
            if try frame.byte(at: start + header) & 0x80 != 0 {
                throw .undecoded(UndecodedEncapsulation(.wifiFrame, 0x100))
            }
            header += 2
            if flags & 0x80 != 0 { header += 4 }
        }
        let llc = start + header
        try frame.require(llc + 8, within: end, else: .linkHeaderLength)
        // LLC/SNAP: DSAP and SSAP 0xAA, UI (0x03), OUI 00-00-00 (RFC 1042) or 00-00-F8 (802.1H).
        guard try frame.uint16(at: llc) == 0xAAAA, try frame.byte(at: llc + 2) == 0x03,
              try frame.uint16(at: llc + 3) == 0
        else { throw .notIP }
        let ouiLast = try frame.byte(at: llc + 5)
        guard ouiLast == 0 || ouiLast == 0xF8 else { throw .notIP }
        return try LinkLayerDecoder.etherType(try frame.uint16(at: llc + 6), payloadAt: llc + 8, in: frame, end: end)
    }

    private static func littleEndian16(_ frame: FrameBytes, at offset: Int) throws(DecodeStop) -> UInt16 {
        guard let value = frame.reader.getUInt16(at: offset, endianness: .little) else { throw .truncated }
        return value
    }

    private static func littleEndian32(_ frame: FrameBytes, at offset: Int) throws(DecodeStop) -> UInt32 {
        guard let value = frame.reader.getUInt32(at: offset, endianness: .little) else { throw .truncated }
        return value
    }
}
