import Crypto
import Foundation
import _CryptoExtras

/// What opening one protected record gave.
enum TLSOpenResult {
    /// Authenticated: the real content type (TLS 1.3's inner type) and the plaintext.
    case plaintext(contentType: UInt8, Data)
    /// The tag or MAC did not match (wrong keys, wrong sequence number, or damage).
    case authenticationFailed
    /// Too short for the cipher's overhead, or (TLS 1.3) an inner plaintext of only zeros.
    case malformed
}

/// The protection of one direction in one epoch: how its records are opened. The sequence
/// number is the caller's (it counts records of the epoch from 0). Every length is checked
/// before a slice is taken; nothing here traps on a hostile record.
struct TLSRecordProtection {
    /// The negotiated suite.
    let suite: TLSCipherSuite
    /// The key, IV and MAC key.
    let keys: TLSTrafficKeys
    /// TLS 1.2 CBC with encrypt_then_mac (RFC 7366).
    let encryptThenMAC: Bool
    /// The cipher key, made once per epoch.
    let key: SymmetricKey
    /// The HMAC key of a CBC suite.
    let macKey: SymmetricKey

    /// Protection with `keys` for `suite`.
    init(suite: TLSCipherSuite, keys: TLSTrafficKeys, encryptThenMAC: Bool = false) {
        self.suite = suite
        self.keys = keys
        self.encryptThenMAC = encryptThenMAC
        key = SymmetricKey(data: keys.key)
        macKey = SymmetricKey(data: keys.macKey)
    }

    /// Opens `record` as the `sequence`th record of its epoch.
    func open(_ record: TLSRecord, sequence: UInt64) -> TLSOpenResult {
        if suite.isTLS13 { return openTLS13(record, sequence) }
        switch suite.cipher {
        case .aesGCM, .chaCha20Poly1305: return openTLS12AEAD(record, sequence)
        case .aesCBC: return openTLS12CBC(record, sequence)
        }
    }

    /// The per-record nonce of TLS 1.3 and TLS 1.2 ChaCha20: the 64-bit sequence number, left-padded
    /// to the IV's length, XORed with the IV (RFC 8446 §5.3, RFC 7905 §2).
    private func xorNonce(_ sequence: UInt64) -> [UInt8] {
        var nonce = keys.iv
        guard nonce.count >= 8 else { return nonce }
        for index in 0..<8 {
            nonce[nonce.count - 1 - index] ^= UInt8(truncatingIfNeeded: sequence >> (8 * index))
        }
        return nonce
    }

    /// AEAD open with a 16-byte tag at the end of `sealed`.
    private func aeadOpen(nonce: [UInt8], sealed: UnsafeRawBufferPointer, aad: some DataProtocol) -> Data? {
        guard sealed.count >= 16 else { return nil }
        let ciphertext = UnsafeRawBufferPointer(rebasing: sealed[..<(sealed.count - 16)])
        let tag = UnsafeRawBufferPointer(rebasing: sealed[(sealed.count - 16)...])
        switch suite.cipher {
        case .aesGCM:
            guard let gcmNonce = try? AES.GCM.Nonce(data: nonce),
                  let box = try? AES.GCM.SealedBox(nonce: gcmNonce, ciphertext: ciphertext, tag: tag) else { return nil }
            return try? AES.GCM.open(box, using: key, authenticating: aad)
        case .chaCha20Poly1305:
            guard let chachaNonce = try? ChaChaPoly.Nonce(data: nonce),
                  let box = try? ChaChaPoly.SealedBox(nonce: chachaNonce, ciphertext: ciphertext, tag: tag) else { return nil }
            return try? ChaChaPoly.open(box, using: key, authenticating: aad)
        case .aesCBC:
            return nil
        }
    }

    /// TLS 1.3: AAD is the record header; the plaintext ends with the real content type and zero
    /// padding (RFC 8446 §5.2, §5.4).
    private func openTLS13(_ record: TLSRecord, _ sequence: UInt64) -> TLSOpenResult {
        guard record.body.count >= 17 else { return .malformed }
        guard let inner = aeadOpen(nonce: xorNonce(sequence), sealed: record.body, aad: record.header) else {
            return .authenticationFailed
        }
        guard let typeIndex = inner.lastIndex(where: { $0 != 0 }) else { return .malformed }
        return .plaintext(contentType: inner[typeIndex], inner[inner.startIndex..<typeIndex])
    }

    /// `seq_num || type || version || length`, the additional data of TLS 1.2 AEAD records and the
    /// head of the CBC suites' HMAC input (RFC 5246 §6.2.3.1, §6.2.3.3).
    func pseudoHeader(_ sequence: UInt64, _ record: TLSRecord, length: Int) -> [UInt8] {
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: sequence >> (56 - 8 * $0)) }
        bytes += [record.contentType, record.header[1], record.header[2], UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        return bytes
    }

    /// TLS 1.2 AES-GCM (an 8-byte explicit nonce after the 4-byte salt, RFC 5288 §3) and
    /// ChaCha20-Poly1305 (the XOR nonce, RFC 7905).
    private func openTLS12AEAD(_ record: TLSRecord, _ sequence: UInt64) -> TLSOpenResult {
        let explicit = suite.cipher == .aesGCM ? 8 : 0
        guard record.body.count >= explicit + 16 else { return .malformed }
        let nonce = explicit == 8 ? keys.iv + Array(record.body[0..<8]) : xorNonce(sequence)
        let sealed = UnsafeRawBufferPointer(rebasing: record.body[explicit...])
        let aad = pseudoHeader(sequence, record, length: sealed.count - 16)
        guard let plaintext = aeadOpen(nonce: nonce, sealed: sealed, aad: aad) else { return .authenticationFailed }
        return .plaintext(contentType: record.contentType, plaintext)
    }
}
