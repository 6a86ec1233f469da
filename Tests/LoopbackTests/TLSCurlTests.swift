import Foundation
import Testing

/// A BITS upload made by curl over TLS (OpenSSL, `SSLKEYLOGFILE`), one request per connection, to
/// the relay's TLS side: the decrypted leg must show the same session as the plain leg behind it.
@Suite(.serialized) struct TLSCurlTests {
    static let curlVariants = [
        TLSVariant(version: "1.3", suites: "TLS_AES_256_GCM_SHA384", expectedSuite: "TLS_AES_256_GCM_SHA384"),
        TLSVariant(version: "1.2", suites: "ECDHE-RSA-AES128-SHA", expectedSuite: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
    ]

    /// Runs curl for one BITS request to `port` with `headers` (and `body`); the Ack's headers.
    static func bitsRequest(port: UInt16, folder: URL, headers: [String], body: String? = nil) throws -> String {
        let headerFile = folder.appendingPathComponent("ack-\(UUID().uuidString).txt").path
        var arguments = [
            "SSLKEYLOGFILE=\(folder.appendingPathComponent("curl-keys.log").path)", "curl", "--silent", "--insecure",
            "--resolve", "bits.loopback.test:\(port):127.0.0.1", "--request", "BITS_POST", "--dump-header", headerFile,
            "--output", "/dev/null", "--max-time", "30",
        ]
        for header in headers { arguments += ["--header", header] }
        if let body { arguments += ["--data-binary", "@" + body] } else { arguments += ["--header", "Content-Length: 0"] }
        arguments.append("https://bits.loopback.test:\(port)/upload/curl.bin")
        let curl = try LoopbackProcess(URL(fileURLWithPath: "/usr/bin/env"), arguments)
        try curl.wait(timeout: 60)
        guard curl.status == 0 else { throw LoopbackProcessError(description: "curl: \(curl.errorText)") }
        return try String(contentsOfFile: headerFile, encoding: .utf8)
    }

    @Test("curl's upload over TLS, decrypted with its SSLKEYLOGFILE, matches the plain leg",
          .enabled(if: TLSLoopbackRecording.unavailableReason == nil && TLSLoopbackRecording.executable("curl") != nil,
                   Comment(rawValue: TLSLoopbackRecording.unavailableReason ?? "curl is not installed")),
          arguments: curlVariants)
    func curlUpload(_ variant: TLSVariant) throws {
        var sessionID = ""
        let recording = try TLSLoopbackRecording.record(variant, scenarios: []) { _, tlsPort, folder in
            let fragment = folder.appendingPathComponent("fragment.bin")
            try Data((0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: fragment)
            let created = try Self.bitsRequest(port: tlsPort, folder: folder, headers: [
                "BITS-Packet-Type: Create-Session", "BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}",
            ])
            sessionID = created.split(whereSeparator: \.isNewline)
                .first { $0.lowercased().hasPrefix("bits-session-id:") }
                .map { $0.dropFirst("bits-session-id:".count).trimmingCharacters(in: .whitespaces) } ?? ""
            _ = try Self.bitsRequest(port: tlsPort, folder: folder, headers: [
                "BITS-Packet-Type: Fragment", "BITS-Session-Id: \(sessionID)", "Content-Range: bytes 0-4999/5000",
                "Content-Type: application/octet-stream",
            ], body: fragment.path)
            _ = try Self.bitsRequest(port: tlsPort, folder: folder, headers: [
                "BITS-Packet-Type: Close-Session", "BITS-Session-Id: \(sessionID)",
            ])
        }
        defer { try? FileManager.default.removeItem(at: recording.folder) }
        #expect(!sessionID.isEmpty)
        let keys = recording.folder.appendingPathComponent("curl-keys.log").path
        let (decrypted, plain, session, twin) = try TLSRealStackTests.decryptedAndPlainSession(of: recording, keys: keys)
        #expect(session["session_id"] as? String == sessionID)
        for key in ["session_id", "state", "total_length", "bytes_acknowledged", "findings", "url"] {
            #expect("\(session[key] ?? "nil")" == "\(twin[key] ?? "nil")", "\(variant): \(key)")
        }
        #expect(session["state"] as? String == "completed")
        #expect((session["connections"] as? [Int])?.count == 3)
        let tls = session["tls"] as? [String: Any]
        #expect(tls?["version"] as? String == "TLS \(variant.version)")
        #expect(tls?["cipher_suite"] as? String == variant.expectedSuite)
        #expect(tls?["server_name"] as? String == "bits.loopback.test")
        // curl is no Windows client, and each request had its own connection: the same findings on both legs.
        let codes = { (timeline: [String: Any]) in
            (timeline["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }.sorted()
        }
        #expect(codes(decrypted) == codes(plain))
        #expect(codes(decrypted) == ["non-windows-client", "session-multi-connection"], "\(codes(decrypted))")

        // The readable summary names the session's TLS under its table.
        let text = try LoopbackProcess(LoopbackProcess.builtExecutable("bitsnoop"), [
            "analyze", "--quiet", "--color", "never", "--filter", "tcp port \(recording.tlsPort)", "--tls-keylog", keys,
            recording.pcapPath,
        ])
        try text.wait(timeout: 60)
        let summary = String(decoding: text.output, as: UTF8.self)
        #expect(summary.contains("\nover TLS \(variant.version) \(variant.expectedSuite), SNI bits.loopback.test: 1 session\n"),
                "\(summary)")
    }
}
