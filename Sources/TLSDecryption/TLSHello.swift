import AnalyzerCore
import TLSRecords

/// What a ClientHello says that decryption needs (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2).
public struct TLSClientHelloFacts: Sendable, Equatable {
    /// The client random: the key log's index.
    public var random: TLSClientRandom
    /// The legacy session ID (a resumption attempt by ID when the server echoes it).
    public var sessionID: [UInt8]
    /// `server_name` (RFC 6066), when a plausible host name.
    public var serverName: String?
    /// `supported_versions` lists TLS 1.3.
    public var offersTLS13 = false
    /// `extended_master_secret` (RFC 7627).
    public var extendedMasterSecret = false
    /// `encrypt_then_mac` (RFC 7366).
    public var encryptThenMAC = false
    /// A non-empty `session_ticket` (RFC 5077): resumption by ticket attempted.
    public var sessionTicket = false
    /// `pre_shared_key` (TLS 1.3 resumption).
    public var preSharedKey = false
}

/// What a ServerHello says that decryption needs.
public struct TLSServerHelloFacts: Sendable, Equatable {
    /// The server random (the TLS 1.2 key block's seed).
    public var random: [UInt8]
    /// The echoed or new session ID.
    public var sessionID: [UInt8]
    /// The chosen cipher suite.
    public var cipherSuite: UInt16
    /// The version: `supported_versions` when present (TLS 1.3), else the legacy version.
    public var version: UInt16
    /// The random is the HelloRetryRequest value (RFC 8446 §4.1.3): a second ClientHello follows.
    public var isHelloRetryRequest = false
    /// `extended_master_secret` accepted.
    public var extendedMasterSecret = false
    /// `encrypt_then_mac` accepted.
    public var encryptThenMAC = false
    /// `pre_shared_key` accepted (TLS 1.3 resumption).
    public var preSharedKey = false
}

/// Reads hello bodies (the message body, after its 4-byte header). Every length is checked; a
/// malformed hello gives `nil`.
enum TLSHelloParser {
    /// SHA-256 of "HelloRetryRequest", the random of every HelloRetryRequest (RFC 8446 §4.1.3).
    static let helloRetryRandom: [UInt8] = [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ]

    /// The facts of a ClientHello body, or `nil` when a length runs past its end.
    static func clientHello(_ body: [UInt8]) -> TLSClientHelloFacts? {
        body.withUnsafeBytes { raw -> TLSClientHelloFacts? in
            var reader = ByteReader(raw)
            guard reader.skip(2), let random = reader.readSlice(length: 32).flatMap({ TLSClientRandom($0) }),
                  let idLength = reader.readUInt8(), let sessionID = reader.readSlice(length: Int(idLength)),
                  let suitesLength = reader.readUInt16(), reader.skip(Int(suitesLength)),
                  let compressionLength = reader.readUInt8(), reader.skip(Int(compressionLength))
            else { return nil }
            var facts = TLSClientHelloFacts(random: random, sessionID: Array(sessionID))
            let header: [UInt8] = [1, UInt8(truncatingIfNeeded: body.count >> 16), UInt8(truncatingIfNeeded: body.count >> 8), UInt8(truncatingIfNeeded: body.count)]
            facts.serverName = (header + body).withUnsafeBytes { TLSSniffer.serverName(inClientHello: ByteReader($0)) }
            guard reader.readableCount > 0 else { return facts }  // no extensions
            let complete = forEachExtension(&reader) { type, data in
                switch type {
                case 0x0017: facts.extendedMasterSecret = true
                case 0x0016: facts.encryptThenMAC = true
                case 0x0023: facts.sessionTicket = data.count > 0
                case 0x0029: facts.preSharedKey = true
                case 0x002B:
                    var list = ByteReader(data)
                    guard let count = list.readUInt8() else { return }
                    for _ in 0..<(Int(count) / 2) where list.readUInt16() == 0x0304 { facts.offersTLS13 = true }
                default: break
                }
            }
            return complete ? facts : nil
        }
    }

    /// The facts of a ServerHello (or HelloRetryRequest) body, or `nil` when a length runs past its end.
    static func serverHello(_ body: [UInt8]) -> TLSServerHelloFacts? {
        body.withUnsafeBytes { raw -> TLSServerHelloFacts? in
            var reader = ByteReader(raw)
            guard let legacyVersion = reader.readUInt16(), let random = reader.readSlice(length: 32),
                  let idLength = reader.readUInt8(), let sessionID = reader.readSlice(length: Int(idLength)),
                  let suite = reader.readUInt16(), reader.skip(1)
            else { return nil }
            var facts = TLSServerHelloFacts(random: Array(random), sessionID: Array(sessionID), cipherSuite: suite, version: legacyVersion)
            facts.isHelloRetryRequest = facts.random == helloRetryRandom
            guard reader.readableCount > 0 else { return facts }
            let complete = forEachExtension(&reader) { type, data in
                switch type {
                case 0x0017: facts.extendedMasterSecret = true
                case 0x0016: facts.encryptThenMAC = true
                case 0x0029: facts.preSharedKey = true
                case 0x002B: if let version = ByteReader(data).getUInt16(at: 0) { facts.version = version }
                default: break
                }
            }
            return complete ? facts : nil
        }
    }

    /// Walks an extensions block (`uint16` total, then type, length, data); `false` when a length
    /// runs past its container.
    private static func forEachExtension(_ reader: inout ByteReader, _ visit: (UInt16, UnsafeRawBufferPointer) -> Void) -> Bool {
        guard let total = reader.readUInt16(), let block = reader.readSlice(length: Int(total)) else { return false }
        var extensions = ByteReader(block)
        while extensions.readableCount > 0 {
            guard let type = extensions.readUInt16(), let length = extensions.readUInt16(),
                  let data = extensions.readSlice(length: Int(length)) else { return false }
            visit(type, data)
        }
        return true
    }
}
