import Crypto

/// The TLS 1.3 key schedule of TLS_AES_128_GCM_SHA256 (SHA-256 throughout) as the generator needs
/// it: HKDF-Extract and HKDF-Expand-Label (RFC 8446 §7.1), the traffic key and IV (§7.3) and
/// Finished's verify_data (§4.4.4). HKDF and HMAC are swift-crypto's. The generator's own copy,
/// independent of TLSDecryption's, so that a capture it writes checks the decryptor rather than
/// agreeing with it by construction; tests check it against RFC 8448 §3.
public enum TLS13KeySchedule {
    /// Bytes of a SHA-256 hash, and so of every secret.
    public static let hashLength = 32
    /// Bytes of an AES-128 key.
    public static let keyLength = 16
    /// Bytes of the per-direction IV (RFC 8446 §5.3).
    public static let ivLength = 12

    /// HKDF-Extract(salt, IKM) (RFC 5869 §2.2): HMAC-SHA256 keyed with the salt.
    public static func extract(salt: [UInt8], inputKeyMaterial: [UInt8]) -> [UInt8] {
        let prk = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: inputKeyMaterial), salt: salt)
        return Array(prk)
    }

    /// HKDF-Expand-Label(secret, label, context, length): HKDF-Expand with the info
    /// `uint16 length || opaque label<7..255> = "tls13 " + label || opaque context<0..255>`.
    public static func expandLabel(secret: [UInt8], label: String, context: [UInt8], length: Int) -> [UInt8] {
        let fullLabel = Array("tls13 \(label)".utf8)
        let info = [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
                    UInt8(truncatingIfNeeded: fullLabel.count)] + fullLabel
            + [UInt8(truncatingIfNeeded: context.count)] + context
        let output = HKDF<SHA256>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
        return output.withUnsafeBytes { Array($0) }
    }

    /// Derive-Secret(secret, label, messages) = HKDF-Expand-Label(secret, label,
    /// Transcript-Hash(messages), 32).
    public static func deriveSecret(_ secret: [UInt8], label: String, transcript: [UInt8]) -> [UInt8] {
        expandLabel(secret: secret, label: label, context: Array(SHA256.hash(data: transcript)), length: hashLength)
    }

    /// The AES-128-GCM key and IV that a traffic secret gives (RFC 8446 §7.3).
    public static func trafficKey(secret: [UInt8]) -> (key: [UInt8], iv: [UInt8]) {
        (expandLabel(secret: secret, label: "key", context: [], length: keyLength),
         expandLabel(secret: secret, label: "iv", context: [], length: ivLength))
    }

    /// Finished's verify_data: HMAC(finished_key, Transcript-Hash(transcript)) with finished_key =
    /// HKDF-Expand-Label(base key, "finished", "", 32) (RFC 8446 §4.4.4).
    public static func finishedVerifyData(handshakeTrafficSecret: [UInt8], transcript: [UInt8]) -> [UInt8] {
        let finishedKey = expandLabel(secret: handshakeTrafficSecret, label: "finished", context: [], length: hashLength)
        let code = HMAC<SHA256>.authenticationCode(for: Array(SHA256.hash(data: transcript)),
                                                   using: SymmetricKey(data: finishedKey))
        return Array(code)
    }

    /// The four traffic secrets of one full handshake (RFC 8446 §7.1) from the (EC)DHE shared secret,
    /// without a PSK: early secret from zeros, handshake secret from `sharedSecret`, handshake
    /// traffic secrets over ClientHello...ServerHello, application ones over ClientHello...server
    /// Finished.
    public struct Secrets: Sendable, Equatable {
        /// client_handshake_traffic_secret.
        public var clientHandshake: [UInt8]
        /// server_handshake_traffic_secret.
        public var serverHandshake: [UInt8]
        /// client_application_traffic_secret_0 (empty until ``applicationSecrets(transcript:)``).
        public var clientApplication: [UInt8] = []
        /// server_application_traffic_secret_0 (empty until ``applicationSecrets(transcript:)``).
        public var serverApplication: [UInt8] = []
        /// The handshake secret, kept for the master secret.
        let handshakeSecret: [UInt8]

        /// The handshake traffic secrets for `sharedSecret` and the transcript ClientHello...ServerHello.
        public init(sharedSecret: [UInt8], helloTranscript: [UInt8]) {
            let zeros = [UInt8](repeating: 0, count: TLS13KeySchedule.hashLength)
            let early = TLS13KeySchedule.extract(salt: zeros, inputKeyMaterial: zeros)
            let derived = TLS13KeySchedule.deriveSecret(early, label: "derived", transcript: [])
            handshakeSecret = TLS13KeySchedule.extract(salt: derived, inputKeyMaterial: sharedSecret)
            clientHandshake = TLS13KeySchedule.deriveSecret(handshakeSecret, label: "c hs traffic", transcript: helloTranscript)
            serverHandshake = TLS13KeySchedule.deriveSecret(handshakeSecret, label: "s hs traffic", transcript: helloTranscript)
        }

        /// Sets the application traffic secrets from the transcript ClientHello...server Finished.
        public mutating func applicationSecrets(transcript: [UInt8]) {
            let zeros = [UInt8](repeating: 0, count: TLS13KeySchedule.hashLength)
            let derived = TLS13KeySchedule.deriveSecret(handshakeSecret, label: "derived", transcript: [])
            let master = TLS13KeySchedule.extract(salt: derived, inputKeyMaterial: zeros)
            clientApplication = TLS13KeySchedule.deriveSecret(master, label: "c ap traffic", transcript: transcript)
            serverApplication = TLS13KeySchedule.deriveSecret(master, label: "s ap traffic", transcript: transcript)
        }
    }
}
