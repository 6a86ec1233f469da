import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One TLS configuration of the real-stack tests: what Python's ssl (OpenSSL) is made to negotiate.
struct TLSVariant: CustomStringConvertible, Sendable {
    /// `1.2` or `1.3`.
    var version: String
    /// TLS 1.2: the OpenSSL cipher string; TLS 1.3: the `Ciphersuites` line of an OpenSSL config
    /// (the ssl module cannot set TLS 1.3 suites itself).
    var suites: String
    /// The IANA name the timeline must show.
    var expectedSuite: String

    var description: String { "TLS \(version) \(expectedSuite)" }
}

/// BITS uploads relayed through TLS on loopback (Tests/Fixtures/tls_relay.py), captured by tcpdump
/// on both legs: BACK's port carries them over TLS, the bits-loopback server's port the same
/// bytes in plain HTTP, so one capture holds both and its truth.
struct TLSLoopbackRecording {
    /// The pcap file (both legs); the caller removes `folder`.
    var pcapPath: String
    /// The NSS key log the relay's TLS client wrote.
    var keyLogPath: String
    /// The folder holding the capture, key log, certificate and config.
    var folder: URL
    /// What the bits-loopback client did.
    var manifest: LoopbackManifest
    /// The port of the TLS leg.
    var tlsPort: UInt16
    /// The port of the plain leg (the bits-loopback server).
    var plainPort: UInt16

    /// Why a recording is impossible here, or nil.
    static var unavailableReason: String? {
        if let reason = LoopbackCapture.unavailableReason { return reason }
        if executable("python3") == nil { return "python3 is not installed" }
        if executable("openssl") == nil { return "openssl is not installed (it makes the test certificate)" }
        return nil
    }

    /// The relay script, beside the test sources.
    static var relayScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tls_relay.py").path
    }

    /// Records `scenarios` over TLS with `variant` (or, with `client`, whatever it does given the
    /// relay's plain and TLS ports and the folder; the manifest is then empty). Every process is
    /// bounded in time and ended on every path.
    static func record(_ variant: TLSVariant, scenarios: [String], seed: UInt64 = 1,
                       client: ((_ plainPort: UInt16, _ tlsPort: UInt16, _ folder: URL) throws -> Void)? = nil)
        throws -> TLSLoopbackRecording {
        if let reason = unavailableReason { throw LoopbackProcessError(description: reason) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bits-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        try makeCertificate(in: folder)
        let config = "openssl_conf = default_conf\n[default_conf]\nssl_conf = ssl_sect\n[ssl_sect]\n"
            + "system_default = system_default_sect\n[system_default_sect]\n"
            + (variant.version == "1.3" ? "Ciphersuites = \(variant.suites)\n" : "")
        try config.write(toFile: path("openssl.cnf"), atomically: true, encoding: .utf8)

        let server = try LoopbackServer()
        defer { server.terminate() }
        let relay = try LoopbackProcess(URL(fileURLWithPath: "/usr/bin/env"), [
            "OPENSSL_CONF=\(path("openssl.cnf"))", "python3", relayScript, "--target-port", String(server.port),
            "--keylog", path("keys.log"), "--cert", path("cert.pem"), "--key", path("key.pem"),
            "--version", variant.version, "--ciphers", variant.version == "1.2" ? variant.suites : "",
            "--ready-file", path("relay.ready"), "--duration", "120",
        ])
        defer { relay.terminate() }
        let ports = try readyPorts(path("relay.ready"), of: relay)
        let pcapPath = path("capture.pcap")
        let capture = try startCapture(pcapPath, ports: [ports[1], server.port])
        defer { capture.terminate() }
        try client?(ports[0], ports[1], folder)
        let ran = try LoopbackCapture.runClients(port: ports[0], scenarios: client == nil ? scenarios : [], seed: seed)
        LoopbackCapture.waitUntilStopsGrowing(pcapPath)
        try capture.stop(signal: SIGINT)
        _ = try server.stop()
        return TLSLoopbackRecording(
            pcapPath: pcapPath, keyLogPath: path("keys.log"), folder: folder,
            manifest: LoopbackManifest(scenario: scenarios.joined(separator: ","), sessions: ran.sessions,
                                       uploadBytes: ran.uploadBytes),
            tlsPort: ports[1], plainPort: server.port)
    }

    /// Writes a self-signed certificate for bits.loopback.test, `cert.pem` and `key.pem`, into `folder`.
    static func makeCertificate(in folder: URL) throws {
        let openssl = try require2(executable("openssl"), "openssl")
        let certificate = try LoopbackProcess(openssl, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=bits.loopback.test", "-days", "2",
            "-keyout", folder.appendingPathComponent("key.pem").path, "-out", folder.appendingPathComponent("cert.pem").path,
        ])
        try certificate.wait(timeout: 60)
        guard certificate.status == 0 else { throw LoopbackProcessError(description: "openssl req: \(certificate.errorText)") }
    }

    /// The two ports ("FRONT TLS") a relay fixture writes to `readyFile` once it listens, waited
    /// for up to 30 s (or until `relay` exits).
    static func readyPorts(_ readyFile: String, of relay: LoopbackProcess) throws -> [UInt16] {
        _ = LoopbackProcess.poll(for: 30) { FileManager.default.fileExists(atPath: readyFile) || !relay.isRunning }
        let ports = ((try? String(contentsOfFile: readyFile, encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isWhitespace).compactMap { UInt16($0) }
        guard ports.count == 2 else { throw LoopbackProcessError(description: "relay did not start: \(relay.errorText)") }
        return ports
    }

    /// tcpdump on `lo` writing `pcapPath` with the TCP traffic of `ports`, returned once it listens;
    /// the caller stops it (SIGINT) or terminates it.
    static func startCapture(_ pcapPath: String, ports: [UInt16]) throws -> LoopbackProcess {
        let tcpdump = try require2(LoopbackCapture.tcpdumpURL, "tcpdump")
        let capture = try LoopbackProcess(tcpdump, [
            "-i", "lo", "-n", "--immediate-mode", "-U", "-B", "32768", "-Z", "root", "-w", pcapPath,
            ports.map { "tcp port \($0)" }.joined(separator: " or "),
        ])
        guard LoopbackProcess.poll(for: 30, until: { capture.errorText.contains("listening on") || !capture.isRunning }),
              capture.isRunning
        else {
            capture.terminate()
            throw LoopbackProcessError(description: "tcpdump did not start: \(capture.errorText)")
        }
        return capture
    }

    /// `name` found on PATH or in the usual folders.
    static func executable(_ name: String) -> URL? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"]
        return folders.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}

/// `value`, or a thrown error naming `what` as missing.
private func require2<T>(_ value: T?, _ what: String) throws -> T {
    guard let value else { throw LoopbackProcessError(description: "\(what) not found") }
    return value
}
