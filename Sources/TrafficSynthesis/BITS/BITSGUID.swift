/// Braced GUID text as BITS puts it on the wire (`{A0FF5911-4144-45B3-BF27-27AFC8EC8A67}`).
public enum BITSGUID {
    /// A random (version 4) GUID in braced upper-case form, as IIS issues session IDs, drawn from
    /// `random`.
    public static func random(using random: inout some RandomNumberGenerator) -> String {
        var high = random.next()
        var low = random.next()
        high = (high & ~0xF000) | 0x4000  // version 4
        low = (low & ~(0xC << 60)) | (0x8 << 60)  // RFC 4122 variant
        return format(high: high, low: low, upperCase: true)
    }

    /// The GUID whose 128 bits are `high` then `low`, braced, in upper or lower case hex.
    public static func format(high: UInt64, low: UInt64, upperCase: Bool) -> String {
        let digits = hex(high, width: 16) + hex(low, width: 16)
        let text = Array(digits)
        func part(_ range: Range<Int>) -> String { String(text[range]) }
        let guid = "{" + part(0..<8) + "-" + part(8..<12) + "-" + part(12..<16) + "-" + part(16..<20) + "-"
            + part(20..<32) + "}"
        return upperCase ? guid.uppercased() : guid
    }

    /// `value` as `width` lower-case hex digits (leading zeros kept).
    static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
