import Crypto

/// The two key derivations: TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1) and TLS 1.2's PRF
/// (RFC 5246 §5), each over the suite's hash. HKDF and HMAC come from swift-crypto.
public enum TLSKeyDerivation {
    /// HKDF-Expand-Label(secret, label, context, length): HKDF-Expand with the info
    /// `uint16 length || opaque label<7..255> ("tls13 " + label) || opaque context<0..255>`.
    public static func expandLabel(secret: [UInt8], label: String, context: [UInt8] = [], length: Int, hash: TLSHash) -> [UInt8] {
        let fullLabel = Array("tls13 ".utf8) + Array(label.utf8)
        var info: [UInt8] = [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        info.append(UInt8(truncatingIfNeeded: fullLabel.count))
        info += fullLabel
        info.append(UInt8(truncatingIfNeeded: context.count))
        info += context
        switch hash {
        case .sha1: return expand(Insecure.SHA1.self, secret, info, length)
        case .sha256: return expand(SHA256.self, secret, info, length)
        case .sha384: return expand(SHA384.self, secret, info, length)
        }
    }

    private static func expand<H: HashFunction>(_: H.Type, _ secret: [UInt8], _ info: [UInt8], _ length: Int) -> [UInt8] {
        HKDF<H>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length).withUnsafeBytes { Array($0) }
    }

    /// The TLS 1.2 PRF: P_hash(secret, label + seed), `length` bytes.
    public static func prf(secret: [UInt8], label: String, seed: [UInt8], length: Int, hash: TLSHash) -> [UInt8] {
        switch hash {
        case .sha1: pHash(Insecure.SHA1.self, secret, Array(label.utf8) + seed, length)
        case .sha256: pHash(SHA256.self, secret, Array(label.utf8) + seed, length)
        case .sha384: pHash(SHA384.self, secret, Array(label.utf8) + seed, length)
        }
    }

    /// P_hash: HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ..., A(0) = seed,
    /// A(i) = HMAC(secret, A(i-1)).
    private static func pHash<H: HashFunction>(_: H.Type, _ secret: [UInt8], _ seed: [UInt8], _ length: Int) -> [UInt8] {
        let key = SymmetricKey(data: secret)
        var output: [UInt8] = []
        output.reserveCapacity(length + H.Digest.byteCount)
        var a = seed
        while output.count < length {
            a = Array(HMAC<H>.authenticationCode(for: a, using: key))
            output += Array(HMAC<H>.authenticationCode(for: a + seed, using: key))
        }
        return Array(output.prefix(length))
    }

    /// The next TLS 1.3 application traffic secret after a KeyUpdate (RFC 8446 §7.2).
    public static func nextTrafficSecret(_ secret: [UInt8], hash: TLSHash) -> [UInt8] {
        expandLabel(secret: secret, label: "traffic upd", length: hash.length, hash: hash)
    }
}

/// The key, IV and (for CBC suites) MAC key protecting one direction's records in one epoch.
public struct TLSTrafficKeys: Sendable, Equatable {
    /// The cipher key.
    public var key: [UInt8]
    /// The fixed IV: 12 bytes for TLS 1.3 and ChaCha20, the 4-byte salt of TLS 1.2 AES-GCM,
    /// empty for CBC.
    public var iv: [UInt8]
    /// The HMAC key of a CBC suite, else empty.
    public var macKey: [UInt8]

    /// Keys from their parts.
    public init(key: [UInt8], iv: [UInt8], macKey: [UInt8] = []) {
        self.key = key
        self.iv = iv
        self.macKey = macKey
    }

    /// TLS 1.3: key = HKDF-Expand-Label(secret, "key", "", key length), iv = ...("iv", "", 12)
    /// (RFC 8446 §7.3).
    public static func tls13(secret: [UInt8], suite: TLSCipherSuite) -> TLSTrafficKeys {
        TLSTrafficKeys(
            key: TLSKeyDerivation.expandLabel(secret: secret, label: "key", length: suite.keyLength, hash: suite.hash),
            iv: TLSKeyDerivation.expandLabel(secret: secret, label: "iv", length: 12, hash: suite.hash))
    }

    /// TLS 1.2: the key block PRF(master, "key expansion", server_random + client_random) cut into
    /// client MAC key, server MAC key, client key, server key, client IV, server IV (RFC 5246 §6.3).
    public static func tls12(masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8],
                             suite: TLSCipherSuite) -> (client: TLSTrafficKeys, server: TLSTrafficKeys) {
        let macLength = suite.mac?.length ?? 0
        let ivLength = suite.fixedIVLength
        let total = 2 * (macLength + suite.keyLength + ivLength)
        let block = TLSKeyDerivation.prf(secret: masterSecret, label: "key expansion", seed: serverRandom + clientRandom,
                                         length: total, hash: suite.hash)
        var cursor = 0
        func take(_ count: Int) -> [UInt8] {
            defer { cursor += count }
            return Array(block[cursor..<(cursor + count)])
        }
        let clientMAC = take(macLength), serverMAC = take(macLength)
        let clientKey = take(suite.keyLength), serverKey = take(suite.keyLength)
        let clientIV = take(ivLength), serverIV = take(ivLength)
        return (TLSTrafficKeys(key: clientKey, iv: clientIV, macKey: clientMAC),
                TLSTrafficKeys(key: serverKey, iv: serverIV, macKey: serverMAC))
    }
}
