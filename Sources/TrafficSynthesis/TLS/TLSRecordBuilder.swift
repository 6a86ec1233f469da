/// TLS records as a TLS 1.3 client and server put them on the wire (RFC 8446), for captures of
/// HTTPS that bitsnoop must recognise without decrypting: a ClientHello with a server name, a
/// ServerHello, and application data of random bytes.
public enum TLSRecordBuilder {
    /// A ClientHello record offering TLS 1.3 and 1.2, with `serverName` in `server_name` (RFC 6066)
    /// when given, and `padding` extra bytes in a padding extension (RFC 7685) to make it as long
    /// as browsers' and Schannel's (which can take two segments).
    public static func clientHello(serverName: String?, padding: Int = 0, random: inout SeededGenerator) -> [UInt8] {
        var body: [UInt8] = [0x03, 0x03]  // legacy_version TLS 1.2
        body += bytes(32, &random)  // random
        body += [32] + bytes(32, &random)  // legacy_session_id
        body += be16(4) + [0x13, 0x01, 0x13, 0x02]  // TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384
        body += [1, 0]  // compression: null
        var extensions: [UInt8] = []
        if let serverName {
            let name = Array(serverName.utf8)
            let list = [0] + be16(name.count) + name  // host_name entry
            extensions += be16(0) + be16(list.count + 2) + be16(list.count) + list
        }
        extensions += be16(43) + be16(5) + [4, 0x03, 0x04, 0x03, 0x03]  // supported_versions
        extensions += be16(51) + be16(38) + be16(36) + be16(29) + be16(32) + bytes(32, &random)  // key_share x25519
        if padding > 0 { extensions += be16(21) + be16(padding) + [UInt8](repeating: 0, count: padding) }
        body += be16(extensions.count) + extensions
        return record(22, handshake: 1, body)
    }

    /// A ServerHello record choosing TLS 1.3.
    public static func serverHello(random: inout SeededGenerator) -> [UInt8] {
        var body: [UInt8] = [0x03, 0x03] + bytes(32, &random) + [32] + bytes(32, &random)
        body += [0x13, 0x01, 0]  // TLS_AES_128_GCM_SHA256, null compression
        let extensions = be16(43) + be16(2) + [0x03, 0x04] + be16(51) + be16(36) + be16(29) + be16(32)
            + bytes(32, &random)
        body += be16(extensions.count) + extensions
        return record(22, handshake: 2, body)
    }

    /// An application-data record of `length` random bytes (what encrypted HTTP looks like).
    public static func applicationData(length: Int, random: inout SeededGenerator) -> [UInt8] {
        [23, 0x03, 0x03] + be16(length) + bytes(length, &random)
    }

    private static func record(_ contentType: UInt8, handshake type: UInt8, _ body: [UInt8]) -> [UInt8] {
        let handshake = [type, UInt8(truncatingIfNeeded: body.count >> 16)] + be16(body.count) + body
        return [contentType, 0x03, 0x01] + be16(handshake.count) + handshake
    }

    private static func be16(_ value: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    private static func bytes(_ count: Int, _ random: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }
}
