/// One TLS record as the splitter hands it out: borrowed, valid only during the call.
public struct TLSRecord {
    /// The 5-byte header: content type, legacy version, length (RFC 8446 §5.1). TLS 1.3 uses it
    /// as the AEAD's additional data.
    public let header: UnsafeRawBufferPointer
    /// The body, `length` bytes.
    public let body: UnsafeRawBufferPointer

    /// The content type: 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data.
    public var contentType: UInt8 { header[0] }
    /// The legacy record version (0x0303 for TLS 1.2 and 1.3).
    public var version: UInt16 { UInt16(header[1]) << 8 | UInt16(header[2]) }
}

/// Record content types (RFC 8446 §5.1).
enum TLSContentType {
    /// change_cipher_spec: TLS 1.2's switch to the new keys; a no-op kept for middleboxes in TLS 1.3.
    static let changeCipherSpec: UInt8 = 20
    /// alert.
    static let alert: UInt8 = 21
    /// handshake.
    static let handshake: UInt8 = 22
    /// application_data (and every protected TLS 1.3 record on the wire).
    static let applicationData: UInt8 = 23
}

/// The body length of the record header at `offset` when it can start a record (a known content
/// type, major version 3, a minor version up to 4, a length within `maxBody`, and above zero
/// unless `allowEmpty`), else `nil`.
func plausibleRecordHeader(_ bytes: UnsafeRawBufferPointer, at offset: Int, maxBody: Int, allowEmpty: Bool = false) -> Int? {
    guard offset >= 0, bytes.count - offset >= 5 else { return nil }
    let type = bytes[offset]
    guard (20...23).contains(type), bytes[offset + 1] == 3, bytes[offset + 2] <= 4 else { return nil }
    let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
    guard length > 0 || allowEmpty, length <= maxBody else { return nil }
    return length
}
