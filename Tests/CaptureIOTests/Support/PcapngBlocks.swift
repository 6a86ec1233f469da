/// Little-endian pcapng blocks built by hand, for cases the TrafficSynthesis writer does not make
/// (chosen `if_tsresol` values, blocks that push the interface description far into the file).
enum PcapngBlocks {
    static func sectionHeader() -> [UInt8] {
        block(type: 0x0A0D_0D0A, body: le32(0x1A2B_3C4D) + le16(1) + le16(0) + le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF))
    }

    /// An Interface Description Block; `resolution` becomes an `if_tsresol` option when given.
    static func interfaceDescription(linkType: UInt16 = 1, resolution: UInt8? = nil) -> [UInt8] {
        var body = le16(linkType) + le16(0) + le32(262_144)
        if let resolution {
            body += le16(9) + le16(1) + [resolution, 0, 0, 0]
            body += le16(0) + le16(0)
        }
        return block(type: 1, body: body)
    }

    /// A block of a type nobody defines, `bodyLength` bytes of zeros (a multiple of 4).
    static func unknown(bodyLength: Int) -> [UInt8] {
        block(type: 0x0000_0BAD, body: [UInt8](repeating: 0, count: bodyLength))
    }

    /// An Enhanced Packet Block on interface 0 with a timestamp of `units` (the interface's units).
    static func enhancedPacket(units: UInt64, bytes: [UInt8]) -> [UInt8] {
        var body = le32(0) + le32(UInt32(units >> 32)) + le32(UInt32(units & 0xFFFF_FFFF))
        body += le32(UInt32(bytes.count)) + le32(UInt32(bytes.count)) + bytes
        while body.count % 4 != 0 { body.append(0) }
        return block(type: 6, body: body)
    }

    private static func block(type: UInt32, body: [UInt8]) -> [UInt8] {
        let total = le32(UInt32(12 + body.count))
        return le32(type) + total + body + total
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) } }
}
