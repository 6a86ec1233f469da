import Crypto

/// Protects one direction's records in one epoch the way a TLS 1.3 peer does with
/// TLS_AES_128_GCM_SHA256 (RFC 8446 §5.2–5.3): the inner plaintext is the content followed by its
/// real type, sealed with swift-crypto's AES-GCM under the epoch's key, the nonce is the IV XOR the
/// record's 64-bit sequence number, and the additional data is the record header.
public struct TLS13RecordSealer {
    /// The most plaintext per record (RFC 8446 §5.1: 2^14).
    public static let maxPlaintextPerRecord = 1 << 14
    /// Bytes of the AES-GCM tag.
    static let tagLength = 16

    private let key: SymmetricKey
    private let iv: [UInt8]
    /// The next record's sequence number in this epoch.
    public private(set) var sequence: UInt64 = 0

    /// A sealer for the epoch of `trafficSecret`, from sequence number 0.
    public init(trafficSecret: [UInt8]) {
        let (key, iv) = TLS13KeySchedule.trafficKey(secret: trafficSecret)
        self.key = SymmetricKey(data: key)
        self.iv = iv
    }

    /// One protected record (header and body) carrying `content` of `contentType`. `content` must
    /// not exceed ``maxPlaintextPerRecord`` (a programming error otherwise).
    public mutating func seal(_ contentType: UInt8, _ content: ArraySlice<UInt8>) -> [UInt8] {
        precondition(content.count <= Self.maxPlaintextPerRecord, "a TLS record holds at most 2^14 bytes")
        var inner = [UInt8]()
        inner.reserveCapacity(content.count + 1)
        inner += content
        inner.append(contentType)
        let length = inner.count + Self.tagLength
        let header: [UInt8] = [23, 0x03, 0x03, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        var nonce = iv
        for index in 0..<8 { nonce[nonce.count - 1 - index] ^= UInt8(truncatingIfNeeded: sequence >> (8 * index)) }
        sequence += 1
        // Errors here are impossible with a 16-byte key and 12-byte nonce made above.
        let box = try! AES.GCM.seal(inner, using: key, nonce: try! AES.GCM.Nonce(data: nonce), authenticating: header)
        var record = header
        record.reserveCapacity(5 + length)
        record += box.ciphertext
        record += box.tag
        return record
    }

    /// `content` of `contentType` as consecutive records of at most ``maxPlaintextPerRecord`` bytes
    /// of plaintext each (nothing for empty content).
    public mutating func sealRecords(_ contentType: UInt8, _ content: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(content.count + (content.count / Self.maxPlaintextPerRecord + 1) * 22)
        var offset = 0
        while offset < content.count {
            let end = min(content.count, offset + Self.maxPlaintextPerRecord)
            output += seal(contentType, content[offset..<end])
            offset = end
        }
        return output
    }
}
