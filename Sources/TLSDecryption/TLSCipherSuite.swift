/// The bulk cipher of a suite, as far as decryption cares.
public enum TLSBulkCipher: Sendable, Equatable {
    /// AES-GCM with a 16-byte tag.
    case aesGCM
    /// ChaCha20-Poly1305 (RFC 7905 for TLS 1.2, RFC 8446 for TLS 1.3).
    case chaCha20Poly1305
    /// AES-CBC with an HMAC (TLS 1.2 only; explicit per-record IV).
    case aesCBC
}

/// The hash a suite uses for its PRF or HKDF and, for CBC suites, the HMAC of its records.
public enum TLSHash: Sendable, Equatable {
    /// SHA-1 (only as a record MAC, never a PRF in TLS 1.2).
    case sha1
    /// SHA-256.
    case sha256
    /// SHA-384.
    case sha384

    /// The output length in bytes.
    public var length: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        }
    }
}

/// A cipher suite this module can decrypt: its IANA number and name, and the lengths that key
/// derivation needs.
public struct TLSCipherSuite: Sendable, Equatable {
    /// The IANA number from the ServerHello.
    public let id: UInt16
    /// The IANA name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`).
    public let name: String
    /// `true` for the TLS 1.3 suites (0x13xx), which fix no key exchange.
    public let isTLS13: Bool
    /// The record cipher.
    public let cipher: TLSBulkCipher
    /// Key length in bytes (16 or 32).
    public let keyLength: Int
    /// The PRF (TLS 1.2) or HKDF (TLS 1.3) hash.
    public let hash: TLSHash
    /// The record MAC of a CBC suite; `nil` for AEAD suites.
    public let mac: TLSHash?

    /// The fixed IV bytes taken from the key block or traffic secret: 4 for TLS 1.2 AES-GCM (the
    /// salt), 12 for ChaCha20 and every TLS 1.3 suite, 0 for CBC (its IV travels in each record).
    public var fixedIVLength: Int {
        switch cipher {
        case .aesGCM: isTLS13 ? 12 : 4
        case .chaCha20Poly1305: 12
        case .aesCBC: 0
        }
    }

    /// The suite with number `id`, or `nil` when it is not one this module decrypts.
    public static func supported(_ id: UInt16) -> TLSCipherSuite? {
        TLSCipherSuiteTable.supported.first { $0.id == id }
    }

    /// The IANA name of any suite: that of a supported one, of a few well-known unsupported ones,
    /// else its number as `0xC0AD`.
    public static func name(of id: UInt16) -> String {
        if let suite = supported(id) { return suite.name }
        if let name = TLSCipherSuiteTable.unsupportedNames.first(where: { $0.0 == id })?.1 { return name }
        let digits = String(id, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
