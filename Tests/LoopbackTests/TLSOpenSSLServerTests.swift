import Foundation
import Testing

/// BITS uploads to `openssl s_server` (its `-keylogfile` is the key log) over every TLS 1.2 family:
/// DHE and RSA key exchange, AES-GCM, ChaCha20-Poly1305, AES-CBC with HMAC-SHA1 and -SHA256 with
/// and without encrypt-then-MAC, with and without the extended master secret, and sessions resumed
/// by ID and by ticket. Each decrypted timeline must match the plain-HTTP leg of the same capture,
/// and s_server's own trace must show that the handshakes negotiated what the variant claims.
@Suite(.serialized) struct TLSOpenSSLServerTests {
    static let variants = [
        SServerVariant(ciphers: "DHE-RSA-AES128-GCM-SHA256", expectedSuite: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                       encryptThenMAC: false),
        SServerVariant(ciphers: "DHE-RSA-CHACHA20-POLY1305", expectedSuite: "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                       encryptThenMAC: false),
        SServerVariant(ciphers: "AES128-GCM-SHA256:@SECLEVEL=0", expectedSuite: "TLS_RSA_WITH_AES_128_GCM_SHA256",
                       serverConfig: ["Options = -ExtendedMasterSecret"], encryptThenMAC: false, extendedMasterSecret: false),
        SServerVariant(ciphers: "AES256-SHA256:@SECLEVEL=0", expectedSuite: "TLS_RSA_WITH_AES_256_CBC_SHA256",
                       encryptThenMAC: true),
        SServerVariant(ciphers: "AES256-SHA256:@SECLEVEL=0", expectedSuite: "TLS_RSA_WITH_AES_256_CBC_SHA256",
                       serverOptions: ["-no_etm"], encryptThenMAC: false),
        SServerVariant(ciphers: "AES128-SHA:@SECLEVEL=0", expectedSuite: "TLS_RSA_WITH_AES_128_CBC_SHA",
                       serverConfig: ["Options = -ExtendedMasterSecret"], encryptThenMAC: true, extendedMasterSecret: false),
        SServerVariant(ciphers: "DHE-RSA-AES256-SHA:@SECLEVEL=0", expectedSuite: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
                       serverOptions: ["-no_etm"], encryptThenMAC: false),
        SServerVariant(ciphers: "AES128-SHA256:@SECLEVEL=0", expectedSuite: "TLS_RSA_WITH_AES_128_CBC_SHA256",
                       serverOptions: ["-no_ticket"], encryptThenMAC: true, resumption: .sessionID),
        SServerVariant(ciphers: "ECDHE-RSA-AES256-GCM-SHA384", expectedSuite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                       encryptThenMAC: false, resumption: .ticket),
        SServerVariant(ciphers: "ECDHE-RSA-AES128-SHA:@SECLEVEL=0", expectedSuite: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                       serverOptions: ["-no_etm"], serverConfig: ["Options = -ExtendedMasterSecret"],
                       encryptThenMAC: false, extendedMasterSecret: false, resumption: .ticket),
    ]

    @Test("uploads through s_server, decrypted with its -keylogfile, match the plain leg; the handshakes are as claimed",
          .enabled(if: TLSLoopbackRecording.unavailableReason == nil,
                   Comment(rawValue: TLSLoopbackRecording.unavailableReason ?? "")),
          arguments: variants)
    func sServerUploads(_ variant: SServerVariant) throws {
        // A resumption needs connections after the first: "reconnect" alone has two.
        let scenarios = variant.resumption == .none ? ["reconnect"] : ["clean", "reconnect"]
        let recorded = try SServerRecording.record(variant, scenarios: scenarios)
        let recording = recorded.recording
        defer { try? FileManager.default.removeItem(at: recording.folder) }
        let plain = try TLSRealStackTests.analyse(recording.pcapPath, ["--filter", "tcp port \(recording.plainPort)"])
        let decrypted = try TLSRealStackTests.analyse(recording.pcapPath, ["--filter", "tcp port \(recording.tlsPort)",
                                                                           "--tls-keylog", recording.keyLogPath])
        TLSRealStackTests.checkDecrypted(decrypted, matches: plain, manifest: recording.manifest,
                                         version: "1.2", suite: variant.expectedSuite, label: "\(variant)")
        let connections = recording.manifest.sessions.reduce(0) { $0 + $1.connections }
        let stats = decrypted["stats"] as? [String: Any] ?? [:]
        #expect(stats["tls_connections"] as? Int == connections, "\(variant): \(stats)")
        #expect(recorded.reused.count == connections, "\(variant): the bridge's connections")

        // What s_server itself negotiated, from its -trace.
        let hellos = recorded.trace.messages("ServerHello")
        #expect(hellos.count == connections, "\(variant): ServerHellos")
        for hello in hellos {
            #expect(hello.cipherSuite == variant.expectedSuite, "\(variant): \(hello.lines)")
            #expect(hello.extensions.contains("encrypt_then_mac") == variant.encryptThenMAC, "\(variant): \(hello.extensions)")
            #expect(hello.extensions.contains("extended_master_secret") == variant.extendedMasterSecret,
                    "\(variant): \(hello.extensions)")
        }
        let masterSecrets = try String(contentsOfFile: recording.keyLogPath, encoding: .utf8)
            .split(separator: "\n").filter { $0.hasPrefix("CLIENT_RANDOM ") }.compactMap { $0.split(separator: " ").last }
        #expect(masterSecrets.count == connections, "\(variant): one key log line per connection")
        Self.checkResumption(recorded, variant, masterSecrets: masterSecrets.map(String.init), connections: connections)
    }

    /// Without resumption every handshake is full; with it, every connection after the first
    /// resumed the first session (the client says so, s_server saw one ClientKeyExchange, the
    /// key log repeats one master secret) by the variant's means.
    static func checkResumption(_ recorded: SServerRecording, _ variant: SServerVariant, masterSecrets: [String],
                                connections: Int) {
        let trace = recorded.trace
        guard variant.resumption != .none else {
            #expect(recorded.reused.allSatisfy { !$0 }, "\(variant): \(recorded.reused)")
            #expect(trace.messages("ClientKeyExchange").count == connections, "\(variant)")
            #expect(Set(masterSecrets).count == connections, "\(variant)")
            return
        }
        #expect(connections >= 2)
        #expect(recorded.reused == [false] + Array(repeating: true, count: max(connections - 1, 0)), "\(variant): \(recorded.reused)")
        #expect(trace.messages("ClientKeyExchange").count == 1, "\(variant): one full handshake")
        #expect(Set(masterSecrets).count == 1, "\(variant): one master secret")
        let clientHellos = trace.messages("ClientHello")
        let serverHellos = trace.messages("ServerHello")
        switch variant.resumption {
        case .sessionID:
            #expect(trace.messages("NewSessionTicket").isEmpty, "\(variant): no tickets")
            let first = serverHellos.first?.sessionID ?? ""
            #expect(!first.isEmpty)
            #expect(serverHellos.dropFirst().allSatisfy { $0.sessionID == first }, "\(variant): the first session's ID")
            #expect(clientHellos.dropFirst().allSatisfy { ($0.sessionTicketLength ?? 0) == 0 }, "\(variant)")
        case .ticket:
            #expect(!trace.messages("NewSessionTicket").isEmpty, "\(variant): a ticket was issued")
            #expect(clientHellos.dropFirst().allSatisfy { ($0.sessionTicketLength ?? 0) > 0 }, "\(variant): resumed with the ticket")
        case .none:
            break
        }
    }
}
