import Foundation
import Testing

/// BITS uploads over real TLS stacks (Python's ssl on OpenSSL) on loopback, captured with
/// tcpdump and analysed with `--tls-keylog`: each decrypted timeline must match the client's
/// manifest and the same uploads' plain-HTTP leg of the same capture.
@Suite(.serialized) struct TLSRealStackTests {
    static let variants = [
        TLSVariant(version: "1.3", suites: "TLS_AES_128_GCM_SHA256", expectedSuite: "TLS_AES_128_GCM_SHA256"),
        TLSVariant(version: "1.3", suites: "TLS_CHACHA20_POLY1305_SHA256", expectedSuite: "TLS_CHACHA20_POLY1305_SHA256"),
        TLSVariant(version: "1.2", suites: "ECDHE-RSA-AES128-GCM-SHA256", expectedSuite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
        TLSVariant(version: "1.2", suites: "ECDHE-RSA-AES256-SHA384", expectedSuite: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
    ]

    /// `bitsnoop analyze --json -` on `pcap` with `arguments`; the parsed timeline.
    static func analyse(_ pcap: String, _ arguments: [String]) throws -> [String: Any] {
        let run = try LoopbackProcess(LoopbackProcess.builtExecutable("bitsnoop"),
                                      ["analyze", "--quiet", "--json", "-"] + arguments + [pcap])
        try run.wait(timeout: 120)
        #expect(run.status == 0, "\(run.errorText)")
        return try TimelineComparison.document(run.output)
    }

    /// The timelines of `recording`'s TLS leg, decrypted with `keys`, and of its plain leg (the same
    /// upload), with the one session of each, after checking that each leg holds exactly one.
    static func decryptedAndPlainSession(of recording: TLSLoopbackRecording, keys: String) throws
        -> (decrypted: [String: Any], plain: [String: Any], session: [String: Any], twin: [String: Any])
    {
        let plain = try analyse(recording.pcapPath, ["--filter", "tcp port \(recording.plainPort)"])
        let decrypted = try analyse(recording.pcapPath, ["--filter", "tcp port \(recording.tlsPort)", "--tls-keylog", keys])
        let sessions = decrypted["sessions"] as? [[String: Any]] ?? []
        let twins = plain["sessions"] as? [[String: Any]] ?? []
        #expect(sessions.count == 1 && twins.count == 1)
        return (decrypted, plain, try #require(sessions.first), try #require(twins.first))
    }

    @Test("decrypted uploads match the manifest and the plain-HTTP leg of the same capture",
          .enabled(if: TLSLoopbackRecording.unavailableReason == nil,
                   Comment(rawValue: TLSLoopbackRecording.unavailableReason ?? "")),
          arguments: variants)
    func decryptedMatchesPlain(_ variant: TLSVariant) throws {
        let scenarios = variant.expectedSuite == "TLS_AES_128_GCM_SHA256" ? ["clean", "reconnect", "large"] : ["clean", "reconnect"]
        let recording = try TLSLoopbackRecording.record(variant, scenarios: scenarios)
        defer { try? FileManager.default.removeItem(at: recording.folder) }
        let plain = try Self.analyse(recording.pcapPath, ["--filter", "tcp port \(recording.plainPort)"])
        let decrypted = try Self.analyse(recording.pcapPath, ["--filter", "tcp port \(recording.tlsPort)",
                                                              "--tls-keylog", recording.keyLogPath])
        Self.checkDecrypted(decrypted, matches: plain, manifest: recording.manifest,
                            version: variant.version, suite: variant.expectedSuite, label: "\(variant)")
    }

    /// Checks `decrypted` (a TLS leg analysed with its key log) against `plain` (the same uploads in
    /// plain HTTP) and the client's `manifest`: the same sessions with the same state, bytes,
    /// requests and findings, each carrying TLS `version` (`1.2`, `1.3`), `suite` and the SNI; every TLS
    /// connection decrypted, no record failing authentication.
    static func checkDecrypted(_ decrypted: [String: Any], matches plain: [String: Any], manifest: LoopbackManifest,
                               version: String, suite: String, label: String) {
        TimelineComparison.check(plain, against: manifest, label: "\(label) plain")
        TimelineComparison.check(decrypted, against: manifest, label: "\(label) decrypted")

        let plainSessions = plain["sessions"] as? [[String: Any]] ?? []
        let tlsSessions = decrypted["sessions"] as? [[String: Any]] ?? []
        #expect(tlsSessions.count == manifest.sessions.count)
        for session in tlsSessions {
            let id = session["session_id"] as? String ?? ""
            let tls = session["tls"] as? [String: Any]
            #expect(tls?["version"] as? String == "TLS \(version)", "\(label) \(id)")
            #expect(tls?["cipher_suite"] as? String == suite, "\(label) \(id)")
            #expect(tls?["server_name"] as? String == "bits.loopback.test", "\(label) \(id)")
            guard let twin = plainSessions.first(where: { $0["session_id"] as? String == id }) else {
                Issue.record("\(label): session \(id) not in the plain leg")
                continue
            }
            for key in ["state", "url", "total_length", "bytes_acknowledged", "content_name"] {
                #expect("\(session[key] ?? "nil")" == "\(twin[key] ?? "nil")", "\(label) \(id): \(key)")
            }
            #expect(session["findings"] as? [String] == twin["findings"] as? [String], "\(label) \(id): findings")
            let requests = { (s: [String: Any]) in (s["requests"] as? [[String: Any]] ?? []).map { "\($0["type"] ?? "")/\($0["status"] ?? "")" } }
            #expect(requests(session) == requests(twin), "\(label) \(id): requests")
        }
        let stats = decrypted["stats"] as? [String: Any] ?? [:]
        let connections = stats["tls_connections"] as? Int ?? -1
        #expect(connections > 0)
        #expect(stats["tls_decrypted_connections"] as? Int == connections, "\(label): \(stats)")
        #expect(stats["tls_records_failed_authentication"] as? Int == 0)
        #expect(plain["stats"].flatMap { ($0 as? [String: Any])?["tls_decrypted_connections"] } == nil,
                "no decryption counters without a key log")
    }

    @Test("without the key log, or with wrong keys, the TLS leg says why and shows no session",
          .enabled(if: TLSLoopbackRecording.unavailableReason == nil,
                   Comment(rawValue: TLSLoopbackRecording.unavailableReason ?? "")))
    func withoutOrWrongKeys() throws {
        let recording = try TLSLoopbackRecording.record(Self.variants[0], scenarios: ["clean"])
        defer { try? FileManager.default.removeItem(at: recording.folder) }
        let filter = ["--filter", "tcp port \(recording.tlsPort)"]
        let codes = { (timeline: [String: Any]) in
            (timeline["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        }
        let hidden = try Self.analyse(recording.pcapPath, filter)
        #expect((hidden["sessions"] as? [Any])?.isEmpty == true)
        #expect(codes(hidden) == ["tls-not-decrypted"])

        // Every secret's last byte changed: the records fail authentication.
        let text = try String(contentsOfFile: recording.keyLogPath, encoding: .utf8)
        let wrong = text.split(separator: "\n").map { line -> String in
            guard !line.hasPrefix("#"), let last = line.last else { return String(line) }
            return line.dropLast() + (last == "0" ? "1" : "0")
        }.joined(separator: "\n")
        let wrongPath = recording.folder.appendingPathComponent("wrong.log").path
        try wrong.write(toFile: wrongPath, atomically: true, encoding: .utf8)
        let failed = try Self.analyse(recording.pcapPath, filter + ["--tls-keylog", wrongPath])
        #expect((failed["sessions"] as? [Any])?.isEmpty == true)
        #expect(codes(failed).contains("tls-decrypt-failed"), "\(codes(failed))")

        // A key log of another connection: no key for this one.
        let other = recording.folder.appendingPathComponent("other.log").path
        try ("CLIENT_RANDOM " + String(repeating: "ab", count: 32) + " " + String(repeating: "cd", count: 48) + "\n")
            .write(toFile: other, atomically: true, encoding: .utf8)
        let noKey = try Self.analyse(recording.pcapPath, filter + ["--tls-keylog", other])
        let message = (noKey["findings"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "tls-not-decrypted" }?["message"]
        #expect("\(message ?? "")".contains("no key in the key log x"), "\(noKey["findings"] ?? "")")
    }

    @Test("secrets injected into a pcapng file by editcap decrypt it without --tls-keylog",
          .enabled(if: TLSLoopbackRecording.unavailableReason == nil && TLSLoopbackRecording.executable("editcap") != nil,
                   Comment(rawValue: TLSLoopbackRecording.unavailableReason ?? "editcap (wireshark-common) is not installed")))
    func injectedSecrets() throws {
        let recording = try TLSLoopbackRecording.record(Self.variants[2], scenarios: ["clean"])
        defer { try? FileManager.default.removeItem(at: recording.folder) }
        let injected = recording.folder.appendingPathComponent("with-secrets.pcapng").path
        let editcap = try LoopbackProcess(try #require(TLSLoopbackRecording.executable("editcap")), [
            "--inject-secrets", "tls,\(recording.keyLogPath)", recording.pcapPath, injected,
        ])
        try editcap.wait(timeout: 60)
        #expect(editcap.status == 0, "\(editcap.errorText)")
        let timeline = try Self.analyse(injected, ["--filter", "tcp port \(recording.tlsPort)"])
        TimelineComparison.check(timeline, against: recording.manifest, label: "injected secrets")
        let tls = (timeline["sessions"] as? [[String: Any]])?.first?["tls"] as? [String: Any]
        #expect(tls?["cipher_suite"] as? String == Self.variants[2].expectedSuite)
    }
}
