/// The plaintext handshake messages of a synthetic TLS 1.3 full handshake with
/// TLS_AES_128_GCM_SHA256 and x25519 (RFC 8446 §4): well formed, with random values where a real
/// peer has keys and signatures. Each function returns one handshake message (type, 24-bit length,
/// body).
enum TLS13Handshake {
    /// TLS_AES_128_GCM_SHA256.
    static let cipherSuite: UInt16 = 0x1301
    /// x25519 (RFC 8446 §4.2.7).
    static let x25519: UInt16 = 0x001D

    /// ClientHello offering only TLS 1.3 and TLS_AES_128_GCM_SHA256, with `serverName` in
    /// server_name (RFC 6066 §3) and an x25519 key share.
    static func clientHello(random: [UInt8], sessionID: [UInt8], serverName: String, keyShare: [UInt8]) -> [UInt8] {
        let name = Array(serverName.utf8)
        let nameList = [0] + be16(name.count) + name  // one host_name entry
        var extensions = tlsExtension(0, be16(nameList.count) + nameList)  // server_name
        extensions += tlsExtension(10, be16(2) + be16(Int(x25519)))  // supported_groups
        extensions += tlsExtension(13, be16(4) + [0x08, 0x04, 0x04, 0x03])  // signature_algorithms
        extensions += tlsExtension(43, [2, 0x03, 0x04])  // supported_versions: TLS 1.3
        extensions += tlsExtension(51, be16(keyShare.count + 4) + be16(Int(x25519)) + be16(keyShare.count) + keyShare)
        extensions += tlsExtension(45, [1, 1])  // psk_key_exchange_modes: psk_dhe_ke
        var body: [UInt8] = [0x03, 0x03] + random + [UInt8(sessionID.count)] + sessionID
        body += be16(2) + be16(Int(cipherSuite)) + [1, 0]  // one suite; null compression
        body += be16(extensions.count) + extensions
        return message(1, body)
    }

    /// ServerHello choosing TLS 1.3, the suite and x25519, echoing the client's session ID.
    static func serverHello(random: [UInt8], sessionID: [UInt8], keyShare: [UInt8]) -> [UInt8] {
        var extensions = tlsExtension(43, [0x03, 0x04])
        extensions += tlsExtension(51, be16(Int(x25519)) + be16(keyShare.count) + keyShare)
        var body: [UInt8] = [0x03, 0x03] + random + [UInt8(sessionID.count)] + sessionID
        body += be16(Int(cipherSuite)) + [0]
        body += be16(extensions.count) + extensions
        return message(2, body)
    }

    /// EncryptedExtensions with no extension.
    static func encryptedExtensions() -> [UInt8] { message(8, be16(0)) }

    /// Certificate with one entry holding `certificate` (opaque bytes: nothing reads them).
    static func certificate(_ certificate: [UInt8]) -> [UInt8] {
        let entry = be24(certificate.count) + certificate + be16(0)  // cert_data, no extensions
        return message(11, [0] + be24(entry.count) + entry)  // empty request context
    }

    /// CertificateVerify with rsa_pss_rsae_sha256 and `signature`.
    static func certificateVerify(signature: [UInt8]) -> [UInt8] {
        message(15, [0x08, 0x04] + be16(signature.count) + signature)
    }

    /// Finished carrying `verifyData`.
    static func finished(_ verifyData: [UInt8]) -> [UInt8] { message(20, verifyData) }

    /// A plaintext record (TLSPlaintext, RFC 8446 §5.1) of `contentType` with `legacyVersion`.
    static func record(_ contentType: UInt8, _ fragment: [UInt8], legacyVersion: UInt16 = 0x0303) -> [UInt8] {
        [contentType] + be16(Int(legacyVersion)) + be16(fragment.count) + fragment
    }

    private static func message(_ type: UInt8, _ body: [UInt8]) -> [UInt8] { [type] + be24(body.count) + body }

    private static func tlsExtension(_ type: UInt16, _ data: [UInt8]) -> [UInt8] { be16(Int(type)) + be16(data.count) + data }

    static func be16(_ value: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)] }

    static func be24(_ value: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: value >> 16)] + be16(value) }
}
