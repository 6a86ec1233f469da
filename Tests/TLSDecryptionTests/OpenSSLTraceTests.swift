import Foundation
import Testing
@testable import TLSDecryption

/// Real traffic: `openssl s_client -keylogfile` talking to `openssl s_server -www` (OpenSSL 3.0) over
/// loopback, both directions recorded in order by a relay, kept as the tls fuzz target's inputs in
/// `fuzz/regressions/tls/openssl-*` (a key log, then a stream script of data steps). Each must
/// decrypt to the client's request and the server's page, with the facts its name promises.
@Suite struct OpenSSLTraceTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz/regressions/tls")
    static let names = [
        "openssl-tls13-keyupdate", "openssl-tls13-hello-retry-chacha20", "openssl-tls12-cbc-etm-resumed-by-id",
        "openssl-tls12-gcm-resumed-by-ticket", "openssl-tls12-rsa-cbc-mac-then-encrypt", "openssl-tls12-chacha20",
    ]

    /// The key log text and the steps of a fuzz input (only data steps occur in these files).
    static func load(_ name: String) throws -> (String, [ConversationStep]) {
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
        let keyLength = Int(bytes[0]) | Int(bytes[1]) << 8
        var steps: [ConversationStep] = []
        var offset = 2 + keyLength
        while offset + 3 <= bytes.count {
            let length = Int(bytes[offset + 1]) | Int(bytes[offset + 2]) << 8
            steps.append(.bytes(bytes[offset] & 4 == 0 ? .client : .server, Array(bytes[(offset + 3)..<(offset + 3 + length)])))
            offset += 3 + length
        }
        return (String(decoding: bytes[2..<(2 + keyLength)], as: UTF8.self), steps)
    }

    @Test("OpenSSL's traffic decrypts with OpenSSL's key log", arguments: names)
    func decrypts(name: String) throws {
        let (keyLog, steps) = try Self.load(name)
        for piece in [0, 1] {
            let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: keyLog))
            let result = feed(decryptor, steps, piece: piece)
            let facts = decryptor.facts
            #expect(String(decoding: result.client, as: UTF8.self).hasPrefix("GET /bits-upload HTTP/1.0\r\n"))
            #expect(String(decoding: result.server, as: UTF8.self).hasPrefix("HTTP/1.0 200 ok\r\n"))
            #expect(facts.notDecrypted == nil && facts.client.recordsFailedAuthentication == 0 && facts.server.recordsFailedAuthentication == 0)
            #expect(facts.version == (name.contains("tls13") ? 0x0304 : 0x0303))
            #expect(facts.resumed == name.contains("resumed") && facts.helloRetryRequest == name.contains("hello-retry"))
            #expect(facts.encryptThenMAC == name.contains("etm"))
            #expect(facts.serverName == "bits.example")
            if name.contains("keyupdate") { #expect(facts.client.keyUpdates == 1 && facts.server.keyUpdates == 1) }
        }
    }
}
