import Crypto
import Foundation
import _CryptoExtras

extension TLSRecordProtection {
    /// HMAC of `parts` under the suite's MAC hash.
    func mac(_ parts: [UInt8], _ data: some DataProtocol) -> [UInt8] {
        let key = macKey
        switch suite.mac {
        case .sha1: var h = HMAC<Insecure.SHA1>(key: key); h.update(data: parts); h.update(data: data); return Array(h.finalize())
        case .sha384: var h = HMAC<SHA384>(key: key); h.update(data: parts); h.update(data: data); return Array(h.finalize())
        case .sha256, nil: var h = HMAC<SHA256>(key: key); h.update(data: parts); h.update(data: data); return Array(h.finalize())
        }
    }

    /// TLS 1.2 AES-CBC: a 16-byte explicit IV, then the ciphertext of content, MAC and padding
    /// (MAC-then-encrypt, RFC 5246 §6.2.3.2), or of content and padding followed by a MAC over IV
    /// and ciphertext (encrypt-then-MAC, RFC 7366 §3). Padding is `n+1` bytes of value `n`. We are
    /// passive, so checks need not be constant-time; they must only never trap.
    func openTLS12CBC(_ record: TLSRecord, _ sequence: UInt64) -> TLSOpenResult {
        let macLength = suite.mac?.length ?? 32
        var sealed = record.body
        if encryptThenMAC {
            guard sealed.count >= 16 + 16 + macLength else { return .malformed }
            let covered = UnsafeRawBufferPointer(rebasing: sealed[..<(sealed.count - macLength)])
            let expected = mac(pseudoHeader(sequence, record, length: covered.count), covered)
            guard expected.elementsEqual(sealed[(sealed.count - macLength)...]) else { return .authenticationFailed }
            sealed = covered
        }
        guard sealed.count >= 32, sealed.count % 16 == 0,
              let iv = try? AES._CBC.IV(ivBytes: sealed[0..<16]),
              let decrypted = try? AES._CBC.decrypt(sealed[16...], using: key, iv: iv, noPadding: true),
              let padding = decrypted.last
        else { return .malformed }
        let padded = Int(padding) + 1
        let trailer = padded + (encryptThenMAC ? 0 : macLength)
        // A bad padding or a record too short for its MAC fails authentication, as it does at a peer.
        guard trailer <= decrypted.count,
              decrypted.suffix(padded).allSatisfy({ $0 == padding }) else { return .authenticationFailed }
        let contentEnd = decrypted.startIndex + decrypted.count - trailer
        let content = decrypted[decrypted.startIndex..<contentEnd]
        if !encryptThenMAC {
            let received = decrypted[contentEnd..<(contentEnd + macLength)]
            let expected = mac(pseudoHeader(sequence, record, length: content.count), content)
            guard expected.elementsEqual(received) else { return .authenticationFailed }
        }
        return .plaintext(contentType: record.contentType, Data(content))
    }
}
