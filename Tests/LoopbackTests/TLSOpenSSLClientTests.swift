import Foundation
import Testing

/// A BITS Create-Session sent by `openssl s_client -keylogfile` over TLS to the relay's TLS side:
/// the decrypted leg shows the session as the plain leg behind the relay does.
@Suite(.serialized) struct TLSOpenSSLClientTests {
    static let variants = [
        TLSVariant(version: "1.3", suites: "TLS_AES_256_GCM_SHA384", expectedSuite: "TLS_AES_256_GCM_SHA384"),
        TLSVariant(version: "1.2", suites: "ECDHE-RSA-CHACHA20-POLY1305",
                   expectedSuite: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
    ]

    @Test("s_client's Create-Session over TLS, decrypted with its -keylogfile, matches the plain leg",
          .enabled(if: TLSLoopbackRecording.unavailableReason == nil,
                   Comment(rawValue: TLSLoopbackRecording.unavailableReason ?? "")),
          arguments: variants)
    func createSession(_ variant: TLSVariant) throws {
        let recording = try TLSLoopbackRecording.record(variant, scenarios: []) { _, tlsPort, folder in
            let request = folder.appendingPathComponent("request.txt")
            try ("BITS_POST /upload/s-client.bin HTTP/1.1\r\nHost: bits.loopback.test\r\n"
                + "BITS-Packet-Type: Create-Session\r\nBITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}\r\n"
                + "Content-Length: 0\r\n\r\n").write(to: request, atomically: true, encoding: .utf8)
            let version = variant.version == "1.3" ? "-tls1_3" : "-tls1_2 -cipher \(variant.suites)"
            // The pause keeps the connection open until the Ack is back; at the end of its input
            // s_client closes the connection (-no_ign_eof).
            let client = try LoopbackProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", """
                (cat '\(request.path)'; sleep 2) | openssl s_client -connect 127.0.0.1:\(tlsPort) \
                -servername bits.loopback.test -keylogfile '\(folder.appendingPathComponent("s_client-keys.log").path)' \
                \(version) -no_ign_eof
                """])
            try client.wait(timeout: 60)
            guard client.status == 0, String(decoding: client.output, as: UTF8.self).contains("BITS-Session-Id:") else {
                throw LoopbackProcessError(description: "s_client: \(client.errorText)")
            }
        }
        defer { try? FileManager.default.removeItem(at: recording.folder) }
        let keys = recording.folder.appendingPathComponent("s_client-keys.log").path
        let (decrypted, plain, session, twin) = try TLSRealStackTests.decryptedAndPlainSession(of: recording, keys: keys)
        for key in ["session_id", "state", "url", "protocol", "findings", "create_seen"] {
            #expect("\(session[key] ?? "nil")" == "\(twin[key] ?? "nil")", "\(variant): \(key)")
        }
        #expect(session["create_seen"] as? Bool == true)
        let tls = session["tls"] as? [String: Any]
        #expect(tls?["version"] as? String == "TLS \(variant.version)")
        #expect(tls?["cipher_suite"] as? String == variant.expectedSuite)
        #expect(tls?["server_name"] as? String == "bits.loopback.test")
        let codes = { (timeline: [String: Any]) in
            (timeline["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }.sorted()
        }
        #expect(codes(decrypted) == codes(plain))
        #expect(!codes(decrypted).contains { $0.hasPrefix("tls-") })
    }
}
