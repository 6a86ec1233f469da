/// One IPv6 extension header (RFC 8200 §4), ready to be chained in front of an upper-layer payload.
public struct IPv6ExtensionHeader: Hashable, Sendable {
    /// Protocol number of Hop-by-Hop Options.
    public static let hopByHopType: UInt8 = 0
    /// Protocol number of the Routing header.
    public static let routingType: UInt8 = 43
    /// Protocol number of the Fragment header.
    public static let fragmentType: UInt8 = 44
    /// Protocol number of Destination Options.
    public static let destinationOptionsType: UInt8 = 60

    /// The protocol number that names this header (the value the previous header's Next Header holds).
    public var headerType: UInt8
    /// The header's bytes after its Next Header byte: length byte (or reserved byte), then the rest,
    /// so that `1 + body.count` is a multiple of 8.
    public var body: [UInt8]

    /// Creates a header from its type and the bytes after its Next Header byte. The caller is
    /// responsible for a correct length byte and a total length that is a multiple of 8.
    public init(headerType: UInt8, body: [UInt8]) {
        self.headerType = headerType
        self.body = body
    }

    /// A Hop-by-Hop Options header carrying `options` (TLV-encoded, at most 2,040 bytes), padded
    /// with Pad1/PadN.
    public static func hopByHopOptions(_ options: [UInt8] = []) -> IPv6ExtensionHeader {
        IPv6ExtensionHeader(headerType: hopByHopType, body: optionsBody(options))
    }

    /// A Destination Options header carrying `options` (TLV-encoded, at most 2,040 bytes), padded
    /// with Pad1/PadN.
    public static func destinationOptions(_ options: [UInt8] = []) -> IPv6ExtensionHeader {
        IPv6ExtensionHeader(headerType: destinationOptionsType, body: optionsBody(options))
    }

    /// A Routing header. With `segmentsLeft` 0 (the default) every node ignores it whatever its type,
    /// so a capture carrying it stays valid; `typeSpecificData` is zero-padded to fill 8-byte units.
    /// The default type 253 is reserved for experiments (RFC 4727). At most 2,040 bytes of data.
    public static func routing(
        routingType: UInt8 = 253,
        segmentsLeft: UInt8 = 0,
        typeSpecificData: [UInt8] = [0, 0, 0, 0]
    ) -> IPv6ExtensionHeader {
        var rest = [routingType, segmentsLeft] + typeSpecificData
        // Next Header + length byte + rest must fill whole 8-byte units.
        while (2 + rest.count) % 8 != 0 { rest.append(0) }
        return IPv6ExtensionHeader(headerType: Self.routingType, body: [UInt8((2 + rest.count) / 8 - 1)] + rest)
    }

    /// A Fragment header: `offsetUnits` in 8-byte units (13 bits used), the M flag and the identification.
    public static func fragment(
        offsetUnits: UInt16,
        moreFragments: Bool,
        identification: UInt32
    ) -> IPv6ExtensionHeader {
        var body: [UInt8] = [0]  // reserved
        body.appendBigEndian((offsetUnits & 0x1FFF) << 3 | (moreFragments ? 1 : 0))
        body.appendBigEndian(identification)
        return IPv6ExtensionHeader(headerType: fragmentType, body: body)
    }

    /// The header's bytes with `nextHeader` as its Next Header field.
    public func encoded(nextHeader: UInt8) -> [UInt8] {
        [nextHeader] + body
    }

    private static func optionsBody(_ options: [UInt8]) -> [UInt8] {
        var rest = options
        let padding = (8 - (2 + rest.count) % 8) % 8
        if padding == 1 {
            rest.append(0)  // Pad1
        } else if padding >= 2 {
            rest += [1, UInt8(padding - 2)] + [UInt8](repeating: 0, count: padding - 2)  // PadN
        }
        return [UInt8((2 + rest.count) / 8 - 1)] + rest
    }
}
