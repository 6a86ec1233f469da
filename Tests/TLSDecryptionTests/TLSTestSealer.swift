import Crypto
import Foundation
@testable import TLSDecryption
import _CryptoExtras

/// Encrypts records the way a TLS peer does, with swift-crypto, so that tests can check the
/// decryptor against records it did not make itself.
struct TLSTestSealer {
    let suite: TLSCipherSuite
    let keys: TLSTrafficKeys
    var encryptThenMAC = false
    /// The next record's sequence number.
    var sequence: UInt64 = 0

    init(suite: TLSCipherSuite, keys: TLSTrafficKeys, encryptThenMAC: Bool = false) {
        self.suite = suite
        self.keys = keys
        self.encryptThenMAC = encryptThenMAC
    }

    private func xorNonce(_ sequence: UInt64) -> [UInt8] {
        var nonce = keys.iv
        for index in 0..<8 { nonce[nonce.count - 1 - index] ^= UInt8(truncatingIfNeeded: sequence >> (8 * index)) }
        return nonce
    }

    private func aeadSeal(_ plaintext: [UInt8], nonce: [UInt8], aad: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: keys.key)
        switch suite.cipher {
        case .aesGCM:
            let box = try! AES.GCM.seal(plaintext, using: key, nonce: try! AES.GCM.Nonce(data: nonce), authenticating: aad)
            return Array(box.ciphertext) + Array(box.tag)
        case .chaCha20Poly1305:
            let box = try! ChaChaPoly.seal(plaintext, using: key, nonce: try! ChaChaPoly.Nonce(data: nonce), authenticating: aad)
            return Array(box.ciphertext) + Array(box.tag)
        case .aesCBC:
            fatalError("not an AEAD")
        }
    }

    private func pseudoHeader(_ type: UInt8, _ length: Int) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: sequence >> (56 - 8 * $0)) } + [type, 3, 3, UInt8(length >> 8), UInt8(length & 0xFF)]
    }

    private func hmac(_ data: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: keys.macKey)
        switch suite.mac {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: key))
        case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: data, using: key))
        default: return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        }
    }

    /// The next complete record carrying `plaintext` of content `type` (TLS 1.3: with `padding`
    /// zero bytes after the inner type).
    mutating func seal(_ type: UInt8, _ plaintext: [UInt8], padding: Int = 0) -> [UInt8] {
        defer { sequence += 1 }
        if suite.isTLS13 {
            let inner = plaintext + [type] + [UInt8](repeating: 0, count: padding)
            let length = inner.count + 16
            let header: [UInt8] = [23, 3, 3, UInt8(length >> 8), UInt8(length & 0xFF)]
            return header + aeadSeal(inner, nonce: xorNonce(sequence), aad: header)
        }
        switch suite.cipher {
        case .aesGCM:
            let explicit = (0..<8).map { UInt8(truncatingIfNeeded: (sequence &* 3 &+ 11) >> (56 - 8 * $0)) }
            return record(type, explicit + aeadSeal(plaintext, nonce: keys.iv + explicit, aad: pseudoHeader(type, plaintext.count)))
        case .chaCha20Poly1305:
            return record(type, aeadSeal(plaintext, nonce: xorNonce(sequence), aad: pseudoHeader(type, plaintext.count)))
        case .aesCBC:
            let iv = filler(16, seed: UInt8(truncatingIfNeeded: sequence))
            let key = SymmetricKey(data: keys.key)
            func pad(_ data: [UInt8]) -> [UInt8] {
                let padding = 15 - data.count % 16
                return data + [UInt8](repeating: UInt8(padding), count: padding + 1)
            }
            if encryptThenMAC {
                let body = iv + Array(try! AES._CBC.encrypt(pad(plaintext), using: key, iv: try! AES._CBC.IV(ivBytes: iv), noPadding: true))
                return record(type, body + hmac(pseudoHeader(type, body.count) + body))
            }
            let mac = hmac(pseudoHeader(type, plaintext.count) + plaintext)
            let ciphertext = try! AES._CBC.encrypt(pad(plaintext + mac), using: key, iv: try! AES._CBC.IV(ivBytes: iv), noPadding: true)
            return record(type, iv + Array(ciphertext))
        }
    }
}
