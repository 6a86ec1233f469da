import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One TLS 1.2 configuration of `openssl s_server` in the real-stack tests: the suite both sides
/// allow, s_server's switches, and what its ServerHellos must then say.
struct SServerVariant: CustomStringConvertible, Sendable {
    /// How the connections after the first resume the first one's session.
    enum Resumption: String, Sendable {
        /// Every connection makes a full handshake.
        case none
        /// By session ID (s_server runs with `-no_ticket`).
        case sessionID = "session ID"
        /// By session ticket (RFC 5077).
        case ticket
    }

    /// The OpenSSL cipher string of both sides (with `@SECLEVEL=0` where OpenSSL's default level
    /// refuses the suite).
    var ciphers: String
    /// The IANA name the timeline must show.
    var expectedSuite: String
    /// More s_server switches, e.g. `-no_etm`, `-no_ticket`.
    var serverOptions: [String] = []
    /// Lines for s_server's `system_default` OpenSSL config section, e.g. `Options = -ExtendedMasterSecret`
    /// (s_server has no switch for that one).
    var serverConfig: [String] = []
    /// Whether the ServerHellos must accept encrypt_then_mac (RFC 7366).
    var encryptThenMAC: Bool
    /// Whether the ServerHellos must accept the extended master secret (RFC 7627).
    var extendedMasterSecret = true
    /// How later connections resume the first session.
    var resumption = Resumption.none

    var description: String {
        "s_server \(expectedSuite)\(encryptThenMAC ? " EtM" : "")\(extendedMasterSecret ? "" : " no-EMS")"
            + (resumption == .none ? "" : " resumed by \(resumption.rawValue)")
    }
}

/// BITS uploads through `openssl s_server` on loopback (Tests/Fixtures/tls_sserver_bridge.py: a
/// Python ssl client in front, s_server's stdio bridged to the bits-loopback server behind), captured
/// by tcpdump on both legs: s_server's port carries them over TLS, the bits-loopback server's port
/// the same bytes in plain HTTP.
struct SServerRecording {
    /// Both legs; `recording.keyLogPath` is s_server's `-keylogfile`.
    var recording: TLSLoopbackRecording
    /// What s_server's `-trace` said about every handshake.
    var trace: SServerTrace
    /// Per TLS connection, in order: whether the client saw its session reused.
    var reused: [Bool]

    /// The bridge script, beside the test sources.
    static var bridgeScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tls_sserver_bridge.py").path
    }

    /// Records `scenarios` through s_server configured as `variant`. Every process is bounded in
    /// time and ended on every path; the caller removes `recording.folder`.
    static func record(_ variant: SServerVariant, scenarios: [String], seed: UInt64 = 1) throws -> SServerRecording {
        if let reason = TLSLoopbackRecording.unavailableReason { throw LoopbackProcessError(description: reason) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bits-sserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        try TLSLoopbackRecording.makeCertificate(in: folder)
        var bridgeArguments = [
            "python3", bridgeScript, "--cert", path("cert.pem"), "--key", path("key.pem"), "--ciphers", variant.ciphers,
            "--keylog", path("keys.log"), "--client-keylog", path("client-keys.log"), "--trace", path("trace.txt"),
            "--events", path("events.jsonl"), "--ready-file", path("bridge.ready"), "--duration", "120",
        ]
        // `=` keeps argparse from reading a value that starts with "-" as an option.
        bridgeArguments += variant.serverOptions.map { "--server-option=\($0)" }
        if variant.resumption != .none { bridgeArguments.append("--resume") }
        if !variant.serverConfig.isEmpty {
            let config = "openssl_conf = default_conf\n[default_conf]\nssl_conf = ssl_sect\n[ssl_sect]\n"
                + "system_default = system_default_sect\n[system_default_sect]\n"
                + variant.serverConfig.map { $0 + "\n" }.joined()
            try config.write(toFile: path("s_server.cnf"), atomically: true, encoding: .utf8)
            bridgeArguments += ["--server-config", path("s_server.cnf")]
        }

        let server = try LoopbackServer()
        defer { server.terminate() }
        let bridge = try LoopbackProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                         bridgeArguments + ["--target-port", String(server.port)])
        defer { bridge.terminate() }
        let ports = try TLSLoopbackRecording.readyPorts(path("bridge.ready"), of: bridge)
        let pcapPath = path("capture.pcap")
        let capture = try TLSLoopbackRecording.startCapture(pcapPath, ports: [ports[1], server.port])
        defer { capture.terminate() }
        let manifest = try LoopbackCapture.runClients(port: ports[0], scenarios: scenarios, seed: seed)
        LoopbackCapture.waitUntilStopsGrowing(pcapPath)
        try capture.stop(signal: SIGINT)
        _ = try server.stop()
        bridge.terminate()

        let events = ((try? String(contentsOfFile: path("events.jsonl"), encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }
        let recording = TLSLoopbackRecording(
            pcapPath: pcapPath, keyLogPath: path("keys.log"), folder: folder,
            manifest: manifest,
            tlsPort: ports[1], plainPort: server.port)
        let traceText = (try? String(contentsOfFile: path("trace.txt"), encoding: .utf8)) ?? ""
        return SServerRecording(recording: recording, trace: SServerTrace(traceText),
                                reused: events.map { $0["reused"] as? Bool ?? false })
    }
}

/// The handshake messages of s_server's `-trace` output (OpenSSL's own account of what it sent and
/// received), as far as the tests need them: a message starts at a line `    Name, Length=N`
/// and its fields follow, indented deeper.
struct SServerTrace {
    /// One handshake message: its name and its field lines (trimmed).
    struct Message {
        /// `ClientHello`, `ServerHello`, `NewSessionTicket`, ...
        var name: String
        /// The lines describing it.
        var lines: [String]

        /// The extension names it carries (`encrypt_then_mac`, ...), from `extension_type=NAME(N)`.
        var extensions: [String] {
            lines.compactMap { line in
                guard line.hasPrefix("extension_type="), let open = line.firstIndex(of: "(") else { return nil }
                return String(line[line.index(line.startIndex, offsetBy: "extension_type=".count)..<open])
            }
        }

        /// The length of its `session_ticket` extension, nil without one.
        var sessionTicketLength: Int? {
            lines.first { $0.hasPrefix("extension_type=session_ticket(") }
                .flatMap { $0.split(separator: "=").last.flatMap { Int($0) } }
        }

        /// Its `session_id (len=N): HEX` value (empty when the length is 0), nil without one.
        var sessionID: String? {
            lines.first { $0.hasPrefix("session_id (len=") }
                .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        }

        /// The `cipher_suite {..} NAME` a ServerHello chose.
        var cipherSuite: String? {
            lines.first { $0.hasPrefix("cipher_suite {") }.flatMap { $0.split(separator: " ").last.map(String.init) }
        }
    }

    /// Every handshake message, in the order s_server logged them.
    var messages: [Message] = []

    /// Parses `text`, s_server's `-trace -msgfile` output.
    init(_ text: String) {
        var inMessage = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }.count
            let body = line.trimmingCharacters(in: .whitespaces)
            if indent == 4, let comma = body.range(of: ", Length="), Int(body[comma.upperBound...]) != nil {
                messages.append(Message(name: String(body[..<comma.lowerBound]), lines: []))
                inMessage = true
            } else if indent > 4, inMessage, !body.isEmpty {
                messages[messages.count - 1].lines.append(body)
            } else {
                // A record header, a blank line or a record's own field ends the message.
                inMessage = false
            }
        }
    }

    /// The messages named `name`.
    func messages(_ name: String) -> [Message] { messages.filter { $0.name == name } }
}
