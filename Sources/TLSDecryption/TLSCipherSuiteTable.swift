/// The suites of RFC 8446 §B.4, RFC 5288/5289 (GCM), RFC 7905 (ChaCha20) and RFC 5246/5289 (CBC)
/// that swift-crypto lets us decrypt.
enum TLSCipherSuiteTable {
    private static func tls13(_ id: UInt16, _ name: String, _ cipher: TLSBulkCipher, _ key: Int, _ hash: TLSHash) -> TLSCipherSuite {
        TLSCipherSuite(id: id, name: name, isTLS13: true, cipher: cipher, keyLength: key, hash: hash, mac: nil)
    }

    private static func aead(_ id: UInt16, _ name: String, _ cipher: TLSBulkCipher, _ key: Int, _ hash: TLSHash) -> TLSCipherSuite {
        TLSCipherSuite(id: id, name: name, isTLS13: false, cipher: cipher, keyLength: key, hash: hash, mac: nil)
    }

    /// A CBC suite: the PRF is SHA-384 only for the `_SHA384` suites, SHA-256 for the rest (RFC 5246 §5).
    private static func cbc(_ id: UInt16, _ name: String, _ key: Int, _ mac: TLSHash) -> TLSCipherSuite {
        TLSCipherSuite(id: id, name: name, isTLS13: false, cipher: .aesCBC, keyLength: key, hash: mac == .sha384 ? .sha384 : .sha256, mac: mac)
    }

    /// Every suite decrypted.
    static let supported: [TLSCipherSuite] = [
        tls13(0x1301, "TLS_AES_128_GCM_SHA256", .aesGCM, 16, .sha256),
        tls13(0x1302, "TLS_AES_256_GCM_SHA384", .aesGCM, 32, .sha384),
        tls13(0x1303, "TLS_CHACHA20_POLY1305_SHA256", .chaCha20Poly1305, 32, .sha256),
        aead(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", .aesGCM, 16, .sha256),
        aead(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", .aesGCM, 32, .sha384),
        aead(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", .aesGCM, 16, .sha256),
        aead(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", .aesGCM, 32, .sha384),
        aead(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", .aesGCM, 16, .sha256),
        aead(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", .aesGCM, 32, .sha384),
        aead(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", .aesGCM, 16, .sha256),
        aead(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", .aesGCM, 32, .sha384),
        aead(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", .chaCha20Poly1305, 32, .sha256),
        aead(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", .chaCha20Poly1305, 32, .sha256),
        aead(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", .chaCha20Poly1305, 32, .sha256),
        cbc(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", 16, .sha1),
        cbc(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", 32, .sha1),
        cbc(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", 16, .sha256),
        cbc(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", 32, .sha256),
        cbc(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", 16, .sha1),
        cbc(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", 32, .sha1),
        cbc(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 16, .sha256),
        cbc(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", 32, .sha256),
        cbc(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", 16, .sha1),
        cbc(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", 32, .sha1),
        cbc(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", 16, .sha1),
        cbc(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", 32, .sha1),
        cbc(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", 16, .sha256),
        cbc(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", 32, .sha384),
        cbc(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 16, .sha256),
        cbc(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 32, .sha384),
    ]

    /// Names of suites seen in the wild that are not decrypted, so reports can name them.
    static let unsupportedNames: [(UInt16, String)] = [
        (0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
        (0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
        (0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
        (0x1304, "TLS_AES_128_CCM_SHA256"),
        (0x1305, "TLS_AES_128_CCM_8_SHA256"),
        (0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
        (0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"),
        (0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"),
    ]
}
