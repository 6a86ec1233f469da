import AnalyzerCore
@testable import BITSAnalyzer
import Testing

/// The session rules (`Rules/SessionRules.swift`), each shown firing on an exchange made to contain
/// its anomaly and staying quiet on the nearest legal one.
@Suite struct SessionRuleTests {
    static let id = "{A0FF5911-4144-45B3-BF27-27AFC8EC8A67}"

    // MARK: Transcript pieces (the canonical exchange's messages, [MC-BUP] §4.1)

    static func request(_ type: String, id: String? = id, host: String = "frankcao8", range: String? = nil,
                        body: Int = 0) -> String {
        var lines = [">>>", "BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1", "BITS-Packet-Type: \(type)"]
        if type == "Create-Session" { lines.append("BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}") }
        if let id, type != "Create-Session", type != "Ping" { lines.append("BITS-Session-Id: \(id)") }
        if let range { lines.append("Content-Range: bytes \(range)") }
        lines += ["Content-Length: \(body)", "Host: \(host)", ""]
        if body > 0 { lines.append("{BODY \(body)}") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func create(host: String = "frankcao8") -> String { request("Create-Session", host: host) }

    static func fragment(_ first: Int, _ last: Int, _ total: Int, id: String = id, host: String = "frankcao8") -> String {
        request("Fragment", id: id, host: host, range: "\(first)-\(last)/\(total)", body: last - first + 1)
    }

    /// An Ack with `status` and the extra header lines `headers`.
    static func ack(_ status: String = "200 OK", _ headers: [String] = []) -> String {
        (["<<<", "HTTP/1.1 \(status)", "BITS-Packet-Type: Ack"] + headers + ["Content-Length: 0", ""])
            .joined(separator: "\n") + "\n"
    }

    static func createAck(_ status: String = "200 OK", id: String = id, _ headers: [String] = []) -> String {
        ack(status, ["BITS-Protocol: {7df0354d-249b-430f-820d-3d2a9bef4931}", "BITS-Session-Id: \(id)"] + headers)
    }

    static func received(_ offset: Int, _ headers: [String] = []) -> String {
        ack("200 OK", ["BITS-Session-Id: \(id)", "BITS-Received-Content-Range: \(offset)"] + headers)
    }

    static let ok = ack("200 OK", ["BITS-Session-Id: \(id)"])
    static let notFound = ack("500 Internal Server Error", ["BITS-Session-Id: \(id)", "BITS-Error-Code: 0x8020001F",
                                                            "BITS-Error-Context: 0x5"])

    /// Create, one fragment of 100 bytes, acknowledged with the session ID: a complete upload.
    static let uploaded = create() + createAck() + fragment(0, 99, 100) + received(100)

    /// Plays `transcript` on connection 1 (optionally more parts on later connections) and returns the codes.
    /// The finding codes of `transcript`, without `fragment-size-unusual`: these transcripts upload
    /// 100 bytes in 50-byte fragments to stay readable (that rule: FramingFindingTests).
    static func codes(_ transcript: String, then later: [(connection: Int, transcript: String)] = []) -> [String] {
        withoutSmallFragments(run(transcript, then: later).codes)
    }

    /// `codes` without `fragment-size-unusual`.
    static func withoutSmallFragments(_ codes: [String]) -> [String] { codes.filter { $0 != "fragment-size-unusual" } }

    static func run(_ transcript: String, then later: [(connection: Int, transcript: String)] = []) -> TranscriptHarness {
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(transcript), connection: 1, close: !later.isEmpty)
        for part in later { harness.play(TranscriptHarness.blocks(part.transcript), connection: part.connection, close: true) }
        harness.tracker.finish()
        return harness
    }

    // MARK: Create-Session Acks

    @Test("protocol-on-error-ack: a refusal naming a protocol; not a refusal without one")
    func protocolOnErrorAck() {
        let refused = Self.create() + Self.ack("400 Bad Request", ["BITS-Protocol: {7df0354d-249b-430f-820d-3d2a9bef4931}",
                                                                  "BITS-Error-Code: 0x80070057", "BITS-Error-Context: 0x5"])
        #expect(Self.codes(refused) == ["server-error", "protocol-on-error-ack"])
        let plain = Self.create() + Self.ack("400 Bad Request", ["BITS-Error-Code: 0x80070057", "BITS-Error-Context: 0x5"])
        #expect(Self.codes(plain) == ["server-error"])
    }

    @Test("create-session-201: a 201 Create-Session Ack; 200 is quiet")
    func created201() {
        let transcript = Self.create() + Self.createAck("201 Created") + Self.fragment(0, 99, 100) + Self.received(100)
            + Self.request("Close-Session") + Self.ok
        #expect(Self.codes(transcript) == ["create-session-201"])
        #expect(Self.codes(Self.uploaded + Self.request("Close-Session") + Self.ok).isEmpty)
    }

    @Test("host-id-fallback-inconsistent: timeout alone, not a number, on a refusal; both together are fine",
          arguments: [
              (["BITS-Host-Id-Fallback-Timeout: 110"], "200 OK", true),
              (["BITS-Host-Id: frankcao8", "BITS-Host-Id-Fallback-Timeout: soon"], "200 OK", true),
              (["BITS-Host-Id: frankcao8"], "403 Forbidden", true),
              (["BITS-Host-Id: frankcao8", "BITS-Host-Id-Fallback-Timeout: 110"], "200 OK", false),
          ])
    func hostIDHeaders(headers: [String], status: String, fires: Bool) {
        let transcript = Self.create() + Self.createAck(status, headers) + Self.fragment(0, 99, 100) + Self.received(100)
            + Self.request("Close-Session") + Self.ok
        #expect(Self.codes(transcript).contains("host-id-fallback-inconsistent") == fires, "\(headers) \(status)")
    }

    // MARK: BITS-Host-Id use

    /// Create-Session on connection 1 whose Ack names `hostID`, then the fragment (to `fragmentHost`);
    /// 100 s later, on connection 2, a Ping and the Close-Session to `closeHost`.
    static func hostIDRun(timeout: Int?, fragmentHost: String, closeHost: String, hostID: String = "node9") -> [String] {
        var headers = ["BITS-Host-Id: \(hostID)"]
        if let timeout { headers.append("BITS-Host-Id-Fallback-Timeout: \(timeout)") }
        let first = Self.create() + Self.createAck("200 OK", headers) + Self.fragment(0, 99, 100, host: fragmentHost) + Self.received(100)
        let second = Self.request("Ping", host: closeHost) + Self.ack() + Self.request("Close-Session", host: closeHost) + Self.ok
        return Self.codes(first, then: [(2, second)]).filter { $0.hasPrefix("host-id") }
    }

    @Test("host-id-not-honored / host-id-fallback: where the requests after a BITS-Host-Id go, and when")
    func hostIDUse() {
        // Straight back to the original host, no timeout given (never fall back), or within it.
        #expect(Self.hostIDRun(timeout: nil, fragmentHost: "frankcao8", closeHost: "frankcao8") == ["host-id-not-honored"])
        #expect(Self.hostIDRun(timeout: 110, fragmentHost: "frankcao8", closeHost: "frankcao8") == ["host-id-not-honored"])
        // The fragment went to H; 100 s later the Close goes back: within 110 s, or past 50 s.
        #expect(Self.hostIDRun(timeout: 110, fragmentHost: "node9:80", closeHost: "frankcao8") == ["host-id-not-honored"])
        #expect(Self.hostIDRun(timeout: 50, fragmentHost: "NODE9", closeHost: "frankcao8") == ["host-id-fallback"])
        // Never at H, but only after the timeout: a fallback whose failures the capture does not show.
        let given = Self.create() + Self.createAck("200 OK", ["BITS-Host-Id: node9", "BITS-Host-Id-Fallback-Timeout: 50"])
        let later = Self.fragment(0, 99, 100, host: "frankcao8:80") + Self.received(100) + Self.request("Close-Session") + Self.ok
        #expect(Self.codes(given, then: [(2, later)]).filter { $0.hasPrefix("host-id") } == ["host-id-fallback"])
        // Everything at H; or H is the host already used (the spec's example names FRANKCAO8).
        #expect(Self.hostIDRun(timeout: 50, fragmentHost: "node9", closeHost: "node9").isEmpty)
        #expect(Self.hostIDRun(timeout: nil, fragmentHost: "frankcao8", closeHost: "frankcao8", hostID: "FRANKCAO8").isEmpty)
    }

    @Test("host names compare without port, IPv6 brackets and case")
    func hostComparison() {
        #expect(SessionRules.sameHost("Node9.example:8080", "node9.EXAMPLE"))
        #expect(SessionRules.sameHost("[2001:db8::1]:80", "2001:DB8::1"))
        #expect(SessionRules.sameHost("[2001:db8::1]", "[2001:db8::1]"))
        #expect(!SessionRules.sameHost("node9.example.com", "node9.example"))
        #expect(!SessionRules.sameHost("", "node9"))
        #expect(SessionRules.fixed(2.5, digits: 3) == "2.500" && SessionRules.fixed(14.04, digits: 1) == "14.0")
        #expect(SessionRules.fixed(.infinity, digits: 1) == "0.0" && SessionRules.fixed(1e300, digits: 1) == "1000000000000.0")
    }

    // MARK: Answers for dead sessions

    @Test("session-not-found-wrong-code: after a Close or Cancel acknowledged, anything but 500 + 0x8020001F")
    func wrongCode() {
        let closed = Self.uploaded + Self.request("Close-Session") + Self.ok
        #expect(Self.codes(closed + Self.fragment(0, 99, 100) + Self.received(100))
            == ["fragment-after-close", "session-not-found-wrong-code"])
        #expect(Self.codes(closed + Self.fragment(0, 99, 100) + Self.notFound) == ["fragment-after-close", "server-error"])
        let cancelled = Self.create() + Self.createAck() + Self.request("Cancel-Session") + Self.ok
        #expect(Self.codes(cancelled + Self.request("Close-Session") + Self.ack("404 Not Found")).contains("session-not-found-wrong-code"))
        // A Cancel answered 503 is retried (§2.3) and may then succeed: the session was not dead.
        let retried = Self.create() + Self.createAck() + Self.request("Cancel-Session") + Self.ack("503 Service Unavailable")
            + Self.request("Cancel-Session") + Self.ok
        #expect(!Self.codes(retried).contains("session-not-found-wrong-code"))
        #expect(!Self.codes(retried).contains("close-retry-anomaly"))
    }

    @Test("close-retry-anomaly: Close or Cancel again after 200, 1xx-4xx or 0x8020001F; not after another 5xx")
    func closeRetry() {
        let base = Self.uploaded + Self.request("Close-Session")
        #expect(Self.codes(base + Self.ack("400 Bad Request") + Self.request("Close-Session") + Self.ok)
            == ["error-code-missing", "server-error", "close-retry-anomaly"])
        #expect(Self.codes(base + Self.notFound + Self.request("Close-Session") + Self.notFound)
            .contains("close-retry-anomaly"))
        #expect(Self.codes(base + Self.ok + Self.request("Close-Session") + Self.notFound).contains("close-retry-anomaly"))
        #expect(Self.codes(base + Self.ack("500 Internal Server Error") + Self.request("Close-Session") + Self.ok)
            == ["error-code-missing", "server-error"])
        // A fragment in between: not a repetition.
        let resumed = Self.create() + Self.createAck() + Self.fragment(0, 49, 100) + Self.received(50)
            + Self.request("Close-Session") + Self.ack("400 Bad Request") + Self.fragment(50, 99, 100) + Self.received(100)
            + Self.request("Close-Session") + Self.ok
        #expect(!Self.codes(resumed).contains("close-retry-anomaly"))
    }

    @Test("restart-missing: the dead ID used again after 0x8020001F; a new Create-Session is the right way")
    func restartMissing() {
        let lost = Self.create() + Self.createAck() + Self.fragment(0, 49, 100) + Self.notFound
        #expect(Self.codes(lost + Self.fragment(0, 49, 100) + Self.notFound)
            == ["server-error", "unknown-session", "restart-missing", "orphaned-session"])
        let other = "{B1FF5911-4144-45B3-BF27-27AFC8EC8A67}"
        let restarted = lost + Self.create() + Self.createAck(id: other) + Self.fragment(0, 99, 100, id: other)
            + Self.ack("200 OK", ["BITS-Session-Id: \(other)", "BITS-Received-Content-Range: 100"])
            + Self.request("Close-Session", id: other) + Self.ack("200 OK", ["BITS-Session-Id: \(other)"])
        #expect(!Self.codes(restarted).contains("restart-missing"))
    }

    // MARK: Fragments and their Acks

    @Test("fragment-after-complete: a Fragment once every byte is acknowledged; cancel-after-complete likewise")
    func afterComplete() {
        #expect(Self.codes(Self.uploaded + Self.fragment(0, 99, 100) + Self.received(100) + Self.request("Close-Session") + Self.ok)
            == ["fragment-after-complete", "fragment-duplicate"])
        #expect(Self.codes(Self.uploaded + Self.request("Cancel-Session") + Self.ok) == ["cancel-after-complete"])
        let half = Self.create() + Self.createAck() + Self.fragment(0, 49, 100) + Self.received(50)
        #expect(Self.codes(half + Self.request("Cancel-Session") + Self.ok).isEmpty)
        #expect(!Self.codes(half + Self.fragment(50, 99, 100) + Self.received(100) + Self.request("Close-Session") + Self.ok)
            .contains("fragment-after-complete"))
    }

    @Test("received-range-malformed: a received offset past the total; a non-decimal one stays ack-missing-received-range")
    func receivedPastTotal() {
        let past = Self.create() + Self.createAck() + Self.fragment(0, 99, 100) + Self.received(150)
            + Self.request("Close-Session") + Self.ok
        #expect(Self.codes(past) == ["received-range-malformed", "ack-range-mismatch"])
        let range = Self.create() + Self.createAck() + Self.fragment(0, 99, 100)
            + Self.ack("200 OK", ["BITS-Session-Id: \(Self.id)", "BITS-Received-Content-Range: 0-99"])
        let codes = Self.codes(range)
        #expect(codes.contains("ack-missing-received-range") && !codes.contains("received-range-malformed"))
        let exact = Self.create() + Self.createAck() + Self.fragment(0, 99, 100) + Self.received(100)
        #expect(!Self.codes(exact).contains("received-range-malformed"))
    }

    @Test("session-id-echo-mismatch and ack-missing-session-id: the Ack's BITS-Session-Id against the request's")
    func sessionIDEcho() {
        let other = Self.ack("200 OK", ["BITS-Session-Id: {00000000-0000-0000-0000-000000000001}", "BITS-Received-Content-Range: 100"])
        let close = Self.request("Close-Session") + Self.ok
        #expect(Self.codes(Self.create() + Self.createAck() + Self.fragment(0, 99, 100) + other + close)
            == ["session-id-echo-mismatch"])
        let lower = Self.ack("200 OK", ["BITS-Session-Id: \(Self.id.lowercased())", "BITS-Received-Content-Range: 100"])
        #expect(Self.codes(Self.create() + Self.createAck() + Self.fragment(0, 99, 100) + lower + close).isEmpty)
        let bare = Self.ack("200 OK", ["BITS-Received-Content-Range: 100"])
        #expect(Self.codes(Self.create() + Self.createAck() + Self.fragment(0, 99, 100) + bare + close)
            == ["ack-missing-session-id"])
        // Only 200 Acks must carry it; a 416 without it is quiet.
        let resync = Self.ack("416 Requested Range Not Satisfiable", ["BITS-Received-Content-Range: 0"])
        #expect(Self.codes(Self.create() + Self.createAck() + Self.fragment(50, 99, 100) + resync)
            == ["fragment-gap", "out-of-sync-416", "orphaned-session"])
    }

    // MARK: Reply URLs

    static let reply = "BITS-Sessions\\Replies\\{C85B4E0A-9EB9-4114-BFA4-8A43B4710091}\\responsefile.bin"

    @Test("reply-url-on-non-final-ack and reply-url-inconsistent")
    func replyURLs() {
        let start = Self.create() + Self.createAck()
        let final = Self.fragment(50, 99, 100)
        let early = start + Self.fragment(0, 49, 100) + Self.received(50, ["BITS-Reply-URL: \(Self.reply)"])
            + final + Self.received(100, ["BITS-Reply-URL: \(Self.reply)"])
        #expect(Self.codes(early) == ["reply-url-on-non-final-ack", "complete-not-closed"])
        let done = start + Self.fragment(0, 49, 100) + Self.received(50) + final
        let changed = done + Self.received(100, ["BITS-Reply-URL: \(Self.reply)"])
            + final + Self.received(100, ["BITS-Reply-URL: BITS-Sessions\\Replies\\other.bin"])
        #expect(Self.codes(changed).contains("reply-url-inconsistent"))
        let same = done + Self.received(100, ["BITS-Reply-URL: \(Self.reply)"]) + final + Self.received(100, ["BITS-Reply-URL: \(Self.reply)"])
        #expect(!Self.codes(same).contains("reply-url-inconsistent"))
        // A repeated final Ack without it after one with it is not judged; the other way round is.
        let dropped = done + Self.received(100, ["BITS-Reply-URL: \(Self.reply)"]) + final + Self.received(100)
        #expect(!Self.codes(dropped).contains("reply-url-inconsistent"))
        let late = done + Self.received(100) + final + Self.received(100, ["BITS-Reply-URL: \(Self.reply)"])
        #expect(Self.codes(late).contains("reply-url-inconsistent"))
        let long = done + Self.received(100, ["BITS-Reply-URL: " + String(repeating: "x", count: 2_201)])
        #expect(Self.codes(long).contains("reply-url-inconsistent"))
        let limit = done + Self.received(100, ["BITS-Reply-URL: " + String(repeating: "x", count: 2_200)])
        #expect(!Self.codes(limit).contains("reply-url-inconsistent"))
    }

    // MARK: Session identity and time

    @Test("session-id-reuse: a Create-Session Ack giving an ID another session has or had")
    func idReuse() throws {
        let closed = Self.uploaded + Self.request("Close-Session") + Self.ok
        // The first session left the tracker (its connection closed): its retired ID is given again.
        let harness = Self.run(closed, then: [(2, closed)])
        #expect(harness.codes == ["session-id-reuse"])
        #expect(harness.sessions.count == 2 && harness.sessions.allSatisfy { $0.state == .completed })
        let finding = try #require(harness.findings.findings.first)
        #expect(finding.message.contains("(closed)") && finding.sessionID == Self.id)
        // Both open at once on two connections.
        let open = TranscriptHarness()
        open.play(TranscriptHarness.blocks(Self.create() + Self.createAck()), connection: 1, finish: false)
        open.play(TranscriptHarness.blocks(Self.create() + Self.createAck()), connection: 2, finish: false)
        open.tracker.finish()
        #expect(open.codes.filter { $0 == "session-id-reuse" }.count == 1)
        #expect(open.findings.findings.first { $0.code.rawValue == "session-id-reuse" }?.message.contains("still open") == true)
        // Another ID: quiet.
        let other = "{B1FF5911-4144-45B3-BF27-27AFC8EC8A67}"
        let second = Self.create() + Self.createAck(id: other) + Self.request("Close-Session", id: other)
            + Self.ack("200 OK", ["BITS-Session-Id: \(other)"])
        #expect(!Self.codes(closed, then: [(2, second)]).contains("session-id-reuse"))
    }

    @Test("session-timeout-exceeded: over 14 days between two messages of a session, with the server's answer")
    func sessionTimeout() throws {
        let started = Self.create() + Self.createAck() + Self.fragment(0, 49, 100) + Self.received(50)
        // Connection 13,000 starts 1,299,900 s (15 days) after connection 1 (TranscriptHarness clocks).
        let kept = Self.fragment(50, 99, 100) + Self.received(100) + Self.request("Close-Session") + Self.ok
        let harness = Self.run(started, then: [(13_000, kept)])
        #expect(Self.withoutSmallFragments(harness.codes) == ["orphaned-session", "session-timeout-exceeded"])
        let finding = try #require(harness.findings.findings.last)
        #expect(finding.message.contains("15.0 days") && finding.message.contains("kept the session"))
        #expect(harness.sessions.map(\.state) == [.orphaned, .completed])
        let expired = Self.run(started, then: [(13_000, Self.fragment(50, 99, 100) + Self.notFound)])
        #expect(expired.findings.findings.contains {
            $0.code.rawValue == "session-timeout-exceeded" && $0.message.contains("the session expired")
        })
        // A day later is no finding.
        #expect(!Self.codes(started, then: [(900, kept)]).contains("session-timeout-exceeded"))
    }
}
