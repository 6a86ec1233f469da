import AnalyzerCore
import TLSDecryption

/// What decrypting a run's TLS connections with a key log met, for its findings: connections not
/// (fully) decrypted by reason (`tls-not-decrypted`), records failing authentication
/// (`tls-decrypt-failed`) and key log lines that were skipped (`tls-keylog-skipped`). Counters only:
/// its size does not grow with the capture.
public final class TLSDecryptionTally {
    /// Distinct reasons named in `tls-not-decrypted` (suites and versions are numbers, so a hostile
    /// capture could name many); further connections are counted together.
    public static let maxReasons = 32

    /// The secrets every connection's decryptor looks up (a key log followed while capturing, in
    /// `live`, grows).
    public let keys: TLSKeyStore
    /// The secrets known so far.
    public var keyLog: TLSKeyLog { keys.keyLog }
    /// The bounds of each connection's decryption.
    public let limits: TLSDecryptionLimits
    /// What each recent decrypted connection negotiated, for its sessions.
    public let sessionFacts = TLSConnectionFactsTable()
    /// TLS connections whose decryption ended (their facts recorded).
    public private(set) var connections = 0
    /// Connections decrypted with nothing left unread: no reason to stop, no record failing.
    public private(set) var decryptedConnections = 0
    /// Connections (partly) not decrypted, with a reason (`tls-not-decrypted`).
    public private(set) var notDecryptedConnections = 0
    /// Records that authenticated and were decrypted, both directions, all connections.
    public private(set) var recordsDecrypted = 0
    /// Records seen without keys to open them.
    public private(set) var recordsNotDecrypted = 0
    /// Records whose authentication failed (wrong keys, or damaged bytes).
    public private(set) var recordsFailedAuthentication = 0
    /// Connections with at least one record failing authentication.
    public private(set) var connectionsFailingAuthentication = 0
    /// Records lost to gaps in the capture.
    public private(set) var recordsLost = 0
    /// The connections waiting for keys (a followed key log), by number: at most
    /// ``TLSDecryptionLimits/maxConnectionsWaitingForKeys``, each listed only while it waits.
    var waitingConnections: [Int: HTTPStreamConsumer] = [:]
    private var reasons: [(text: String, count: Int)] = []
    private var otherReasons = 0

    /// A tally decrypting with `keyLog` within `limits`.
    public convenience init(keyLog: TLSKeyLog, limits: TLSDecryptionLimits = TLSDecryptionLimits()) {
        self.init(keys: TLSKeyStore(keyLog: keyLog), limits: limits)
    }

    /// A tally decrypting with the secrets of `keys` within `limits`.
    public init(keys: TLSKeyStore, limits: TLSDecryptionLimits = TLSDecryptionLimits()) {
        self.keys = keys
        self.limits = limits
    }

    /// Looks again for the keys of every waiting connection.
    func retryKeyWaits() {
        for consumer in Array(waitingConnections.values) { consumer.retryDecryptionWait() }
    }

    /// Adds one connection's facts, when it leaves the table.
    func record(_ facts: TLSConnectionFacts) {
        connections += 1
        recordsDecrypted += facts.client.recordsDecrypted + facts.server.recordsDecrypted
        recordsNotDecrypted += facts.client.recordsNotDecrypted + facts.server.recordsNotDecrypted
        let failed = facts.client.recordsFailedAuthentication + facts.server.recordsFailedAuthentication
        recordsFailedAuthentication += failed
        if failed > 0 { connectionsFailingAuthentication += 1 }
        recordsLost += facts.client.recordsLost + facts.server.recordsLost
        guard let reason = facts.notDecrypted else {
            if failed == 0 { decryptedConnections += 1 }
            return
        }
        notDecryptedConnections += 1
        let text = Self.describe(reason)
        if let index = reasons.firstIndex(where: { $0.text == text }) {
            reasons[index].count += 1
        } else if reasons.count < Self.maxReasons {
            reasons.append((text, 1))
        } else {
            otherReasons += 1
        }
    }

    /// The findings of the run: key log lines skipped, connections not decrypted, records failing
    /// authentication; each only when there is something to say.
    func findings(time: CaptureTimestamp?) -> [Finding] {
        var findings: [Finding] = []
        if let skipped = Self.skippedLines(keyLog.statistics) {
            findings.append(Finding(code: .tlsKeylogSkipped, severity: .notice, time: time,
                                    message: "the TLS key log had lines that were not used: " + skipped))
        }
        let notDecrypted = notDecryptedConnections
        if notDecrypted > 0 {
            var parts = reasons.sorted { $0.count != $1.count ? $0.count > $1.count : $0.text < $1.text }
                .map { "\($0.text) x\($0.count)" }
            if otherReasons > 0 { parts.append("\(otherReasons) for other reasons") }
            findings.append(Finding(
                code: .tlsNotDecrypted, severity: .notice, time: time,
                message: "\(notDecrypted) of \(connections) TLS connection\(connections == 1 ? "" : "s") not (fully) "
                    + "decrypted with the key log: " + parts.joined(separator: ", ")
                    + "; \(recordsNotDecrypted) record\(recordsNotDecrypted == 1 ? "" : "s") could not be read, "
                    + "and BITS in them cannot be seen" + Self.waitsGivenUp(keys.waits, limits: limits)
            ))
        }
        if recordsFailedAuthentication > 0 {
            let count = connectionsFailingAuthentication
            findings.append(Finding(
                code: .tlsDecryptFailed, severity: .warning, time: time,
                message: "\(recordsFailedAuthentication) TLS record\(recordsFailedAuthentication == 1 ? "" : "s") on "
                    + "\(count) connection\(count == 1 ? "" : "s") failed authentication with the key log's keys "
                    + "(wrong keys for the connection, or damaged bytes); their plaintext is missing from the analysis"
            ))
        }
        return findings
    }

    /// What stopped connections from waiting for keys written after their handshake (`live`), as
    /// a clause of the notice; empty when nothing did (always without a followed key log).
    static func waitsGivenUp(_ waits: TLSKeyWaitCounters, limits: TLSDecryptionLimits) -> String {
        var parts: [String] = []
        if waits.heldLimitReached > 0 {
            parts.append("\(waits.heldLimitReached) held \(limits.maxHeldBytesWhileWaitingForKeys >> 10) KiB of records "
                         + "waiting for keys and gave up")
        }
        if waits.refusedAtLimit > 0 {
            parts.append("\(waits.refusedAtLimit) could not wait for keys (\(limits.maxConnectionsWaitingForKeys) "
                         + "connections were waiting already)")
        }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }

    /// The reason in a few words, as the finding names it.
    public static func describe(_ reason: TLSNotDecryptedReason) -> String {
        switch reason {
        case .noKey: "no key in the key log"
        case .unsupportedCipherSuite(let suite): "unsupported cipher suite \(TLSCipherSuite.name(of: suite))"
        case .unsupportedVersion(let version): "unsupported TLS version 0x\(String(version, radix: 16, uppercase: true))"
        case .startedAfterHandshake: "capture started after the handshake"
        case .serverHelloMissing: "no ServerHello captured"
        case .earlyData: "0-RTT early data"
        case .gap: "a gap in the capture"
        case .protocolError: "not readable as TLS"
        case .handshakeMessageTooLong: "a handshake message over the limit"
        }
    }

    /// The key log lines that were not used and matter (`nil` when none): malformed, conflicting,
    /// or past the entry limit. Unused labels and repeats are normal and not named.
    static func skippedLines(_ statistics: TLSKeyLogStatistics) -> String? {
        var parts: [String] = []
        if statistics.malformedLines > 0 { parts.append("\(statistics.malformedLines) malformed") }
        if statistics.conflictingLines > 0 {
            parts.append("\(statistics.conflictingLines) giving a second value for a secret (the first was kept)")
        }
        if statistics.entriesDroppedAtLimit > 0 {
            parts.append("\(statistics.entriesDroppedAtLimit) past the limit of key log entries")
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ") + " (\(statistics.secretLines) secret lines used)"
    }
}
