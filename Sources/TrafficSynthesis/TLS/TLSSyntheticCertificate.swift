/// A certificate that parses as X.509 (RFC 5280 §4.1, DER per X.690) but proves nothing: version 3,
/// a random serial, issuer and subject `CN=<server name>`, valid through 2026–2036, an RSA key of
/// random modulus and a random signature. Captures carry it so that a TLS dissector reading the
/// Certificate message (Wireshark does) sees a well-formed one; bitsnoop skips it.
enum TLSSyntheticCertificate {
    /// sha256WithRSAEncryption (1.2.840.113549.1.1.11) with NULL parameters.
    private static let sha256WithRSA = der(0x30, [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B, 0x05, 0x00])
    /// rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters.
    private static let rsaEncryption = der(0x30, [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00])

    /// The DER bytes for `serverName`, random values drawn from `random`.
    static func make(serverName: String, random: inout SeededGenerator) -> [UInt8] {
        func draw(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
        // Name: one RDN, commonName (2.5.4.3) as UTF8String.
        let name = der(0x30, der(0x31, der(0x30, [0x06, 0x03, 0x55, 0x04, 0x03] + der(0x0C, Array(serverName.utf8)))))
        let validity = der(0x30, der(0x17, Array("260101000000Z".utf8)) + der(0x17, Array("360101000000Z".utf8)))
        var serial = draw(8)
        serial[0] = serial[0] & 0x7F | 0x01  // positive, minimal
        // RSAPublicKey: a 2048-bit modulus (top bit set, so a leading zero keeps it positive), e = 65537.
        var modulus = draw(256)
        modulus[0] |= 0x80
        let publicKey = der(0x30, der(0x02, [0] + modulus) + der(0x02, [0x01, 0x00, 0x01]))
        let keyInfo = der(0x30, rsaEncryption + der(0x03, [0] + publicKey))
        let version = der(0xA0, der(0x02, [0x02]))
        let tbs = der(0x30, version + der(0x02, serial) + sha256WithRSA + name + validity + name + keyInfo)
        return der(0x30, tbs + sha256WithRSA + der(0x03, [0] + draw(256)))
    }

    /// One DER element: `tag`, the definite length (short form below 128, else long form), content.
    private static func der(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let count = content.count
        let length: [UInt8] = switch count {
        case ..<0x80: [UInt8(count)]
        case ..<0x100: [0x81, UInt8(count)]
        default: [0x82, UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
        }
        return [tag] + length + content
    }
}
