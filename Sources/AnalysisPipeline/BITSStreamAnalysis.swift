import AnalyzerCore
import BITSAnalyzer
import HTTP1Parser
import TCPReassembly
import TLSDecryption
import TLSRecords

/// Analyses BITS on every TCP connection: each connection's streams feed an HTTP/1.1 parser whose
/// messages feed a ``BITSConnectionAnalyzer``; one ``BITSSessionTracker`` follows sessions across
/// all of them. BITS runs on any port, so every connection is parsed; connections that never speak
/// HTTP cost a bounded resynchronisation scan and report nothing, except TLS, which is recognised
/// by its first bytes and counted in ``tls``. Without a key log it is reported as
/// `tls-not-decrypted`; with one (``decryption``), each TLS connection's records are decrypted and
/// the plaintext goes to the same HTTP parser as a plain connection's bytes.
public final class BITSStreamAnalysis: StreamConsumerFactory {
    /// The sessions and their findings.
    public let tracker: BITSSessionTracker
    private let httpLimits: Limits.HTTP
    /// `reassembly.idleTimeoutSeconds`: how long a connection dropped as idle was silent.
    private let idleSeconds: Int64
    private let findings: any FindingSink
    /// The TLS connections seen (without a key log, none of them is read).
    public let tls = TLSConnectionTally()
    /// The key log and what decryption met, when TLS is decrypted (`--tls-keylog`); `nil` otherwise.
    public let decryption: TLSDecryptionTally?
    private var lastTime: CaptureTimestamp?
    /// Head storage of ended connections for the next ones' parsers (bounded: ``HeadStoragePool/maxKept``).
    private let headStorage = HeadStoragePool()

    /// Creates the analysis; with `keyLog`, TLS connections are decrypted within `tlsLimits`.
    public convenience init(limits: Limits = .init(), findings: any FindingSink, keyLog: TLSKeyLog? = nil,
                            tlsLimits: TLSDecryptionLimits = TLSDecryptionLimits()) {
        self.init(limits: limits, findings: findings, keys: keyLog.map { TLSKeyStore(keyLog: $0) }, tlsLimits: tlsLimits)
    }

    /// Creates the analysis; with `keys` (a key log known up front, or one followed while
    /// capturing), TLS connections are decrypted within `tlsLimits`.
    public init(limits: Limits = .init(), findings: any FindingSink, keys: TLSKeyStore?,
                tlsLimits: TLSDecryptionLimits = TLSDecryptionLimits()) {
        self.decryption = keys.map { TLSDecryptionTally(keys: $0, limits: tlsLimits) }
        self.tracker = BITSSessionTracker(limits: limits.bits, findings: findings)
        self.httpLimits = limits.http
        self.idleSeconds = limits.reassembly.idleTimeoutSeconds
        self.findings = findings
    }

    /// An HTTP parser and BITS analyzer for the connection.
    public func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)? {
        let analyzer = BITSConnectionAnalyzer(
            connection: BITSConnectionInfo(id: connection.id, client: connection.client, server: connection.server),
            tracker: tracker, findings: findings
        )
        return HTTPStreamConsumer(analyzer: analyzer, parser: HTTPConnectionParser(limits: httpLimits, delegate: analyzer, storagePool: headStorage),
                                  connectionID: connection.id, server: connection.server, tls: tls, decryption: decryption,
                                  idleSeconds: idleSeconds)
    }

    /// Notes the time of the latest connection's end, for the end-of-run notices.
    public func connectionClosed(summary: ConnectionSummary) {
        if lastTime.map({ $0 < summary.lastTime }) ?? true { lastTime = summary.lastTime }
    }

    /// Looks again for the keys of the connections waiting for them (a followed key log, `live`):
    /// called now and then, so that a quiet connection's held records need not wait for its next
    /// packet. Nothing to do without waiting connections.
    public func retryKeyWaits() {
        decryption?.retryKeyWaits()
    }

    /// Reports what only the end shows (sessions left open, TLS not decrypted). Call after the
    /// engine finished.
    public func finish() {
        tracker.finish(at: lastTime)
        if let decryption {
            decryption.findings(time: lastTime).forEach(findings.report)
        } else if let notice = tls.finding(time: lastTime) {
            findings.report(notice)
        }
    }
}

/// Adapts the reassembler's stream events to an HTTP connection parser. The first bytes of the
/// connection are looked at first: a TLS connection is counted and not parsed as HTTP; with a key
/// log its records go through a ``TLSConnectionDecryptor`` and their plaintext to the parser.
final class HTTPStreamConsumer: StreamConsumer {
    /// Where the look at the connection's first bytes stands.
    private enum Probe {
        /// No byte yet, or a TLS handshake record still incomplete in `probeBuffer`.
        case undecided
        /// Not TLS: every byte goes to the HTTP parser.
        case http
        /// TLS: counted; decrypted when ``decryption`` is set, otherwise nothing more to do.
        case tls
    }

    /// The connection's analyzer (also the parser's delegate).
    let analyzer: BITSConnectionAnalyzer
    let parser: HTTPConnectionParser
    /// The connection's number, for the TLS facts of its sessions.
    let connectionID: Int
    private let server: Endpoint
    private let tls: TLSConnectionTally
    /// The run's key log and decryption counts, when decrypting.
    let decryption: TLSDecryptionTally?
    /// This connection's decryptor, made when it turns out to be TLS and a key log is configured;
    /// released when the connection closes.
    var decryptor: TLSConnectionDecryptor?
    /// Whether the negotiated version and suite were handed to ``decryption``'s session facts.
    var factsRecorded = false
    /// Whether the connection is in ``decryption``'s list of connections waiting for keys.
    var listedAsWaiting = false
    /// Seconds of silence after which the reassembler drops a connection as idle.
    private let idleSeconds: Int64
    // Read for every segment and the first bytes: `@exclusivity(unchecked)` drops the runtime
    // exclusivity check (a `swift_beginAccess` call each). Sound here: only this consumer's own
    // methods touch them, on the analysing thread, and nothing they call reaches back to it.
    @exclusivity(unchecked) private var probe = Probe.undecided
    /// The first bytes of `probeDirection` while they hold an incomplete TLS handshake record
    /// (bounded by `TLSSniffer.maxProbeBytes`); empty otherwise.
    @exclusivity(unchecked) private var probeBuffer: [UInt8] = []
    private var probeDirection = FlowDirection.clientToServer
    private var probeTime = CaptureTimestamp.zero
    /// Directions whose stream ended (FIN or RST): at two, nothing more can be said on the
    /// connection, and the BITS layer lets it go without waiting for it to leave the table.
    private var directionsEnded = 0
    /// Whether the connection is being removed from the table (its last stream ends are no close).
    private var removing = false

    init(analyzer: BITSConnectionAnalyzer, parser: HTTPConnectionParser, connectionID: Int, server: Endpoint,
         tls: TLSConnectionTally, decryption: TLSDecryptionTally?, idleSeconds: Int64) {
        self.connectionID = connectionID
        self.decryption = decryption
        self.analyzer = analyzer
        self.parser = parser
        self.server = server
        self.tls = tls
        self.idleSeconds = idleSeconds
    }

    func streamData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        switch probe {
        case .http:
            parser.receive(bytes, direction: direction, time: time)
        case .tls:
            decrypt(bytes, direction: direction, time: time)
        case .undecided:
            if !probeBuffer.isEmpty, direction != probeDirection {
                decideWithProbe()
                // Decided now: the other direction's bytes follow the decision.
                streamData(bytes, direction: direction, offset: offset, time: time)
                return
            }
            examine(bytes, direction: direction, time: time)
        }
    }

    func streamGap(length: UInt64, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
        if probe == .undecided, !probeBuffer.isEmpty { decideWithProbe() }
        if probe != .tls {
            parser.receiveGap(length: length, direction: direction, time: time)
        } else {
            decryptGap(length, direction: direction, time: time)
        }
    }

    func streamEnded(direction: FlowDirection, time: CaptureTimestamp) {
        if probe == .undecided, !probeBuffer.isEmpty { decideWithProbe() }
        // Records held for keys still to come belong before the end of the stream.
        finishDecryptionWait()
        parser.end(direction: direction, time: time)
        directionsEnded += 1
        if directionsEnded == 2, !removing {
            // Both sides closed: requests still waiting are unanswered now, and the sessions of the
            // connection need not wait for its linger in the table (`reassembly.closeLingerSeconds`).
            parser.finish(time: time)
            analyzer.streamsEnded()
        }
    }

    func directionNotCaptured(_ direction: FlowDirection, time: CaptureTimestamp) {
        analyzer.directionNotCaptured(direction, time: time)
    }

    func connectionRemoving(reason: ConnectionEnd) {
        removing = true
        // Requests still unanswered when the capture ends were cut off by it, not left unanswered.
        if reason == .captureEnd { analyzer.captureEnding() }
    }

    func connectionClosed(_ summary: ConnectionSummary) {
        if probe == .undecided, !probeBuffer.isEmpty { decideWithProbe() }
        finishDecryptionWait()
        if let decryptor {
            decryption?.record(decryptor.facts)
            // The connection is gone: its record buffers and keys go now, not when the table lets go.
            self.decryptor = nil
        }
        if summary.end == .idleTimeout { analyzer.wentIdle(seconds: idleSeconds, after: summary.lastTime) }
        parser.finish(time: summary.lastTime)
        switch summary.end {
        case .captureEnd: analyzer.connectionClosed(.openAtCaptureEnd)
        case .fin, .reset: analyzer.connectionClosed(.closed)
        default: analyzer.connectionClosed(.dropped)
        }
    }

    /// Looks at the first bytes of a direction; HTTP goes on to the parser at once.
    private func examine(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, time: CaptureTimestamp) {
        guard probeBuffer.isEmpty else {
            let room = max(0, TLSSniffer.maxProbeBytes - probeBuffer.count)
            probeBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes.prefix(room)))
            let full = probeBuffer.count >= TLSSniffer.maxProbeBytes
            let verdict = probeBuffer.withUnsafeBytes { full ? TLSSniffer.classifyFinal($0) : TLSSniffer.classify($0) }
            if verdict != .needMore { settle(verdict) }
            // Bytes past the probe's room: HTTP after a false start, or more records for TLS.
            if probe != .undecided, bytes.count > room {
                streamData(UnsafeRawBufferPointer(rebasing: bytes[room...]), direction: direction, offset: 0, time: time)
            }
            return
        }
        switch TLSSniffer.classify(bytes) {
        case .notTLS:
            probe = .http
            parser.receive(bytes, direction: direction, time: time)
        case .tls(let flight):
            probe = .tls
            tls.record(server: server, serverName: flight.serverName)
            startDecrypting()
            decrypt(bytes, direction: direction, time: time)
        case .needMore:
            // A handshake record continued in the next segment: keep its start (one copy per
            // connection, bounded), decide when it is whole.
            probeDirection = direction
            probeTime = time
            probeBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes.prefix(TLSSniffer.maxProbeBytes)))
        }
    }

    /// Decides with the bytes collected, no more coming to the probe.
    private func decideWithProbe() {
        settle(probeBuffer.withUnsafeBytes { TLSSniffer.classifyFinal($0) })
    }

    /// Acts on a decision about the collected bytes: counts TLS, or hands the bytes to HTTP.
    private func settle(_ verdict: TLSStreamStart) {
        let collected = probeBuffer
        probeBuffer = []
        if case .tls(let flight) = verdict {
            probe = .tls
            tls.record(server: server, serverName: flight.serverName)
            startDecrypting()
            collected.withUnsafeBytes { decrypt($0, direction: probeDirection, time: probeTime) }
        } else {
            probe = .http
            collected.withUnsafeBytes { parser.receive($0, direction: probeDirection, time: probeTime) }
        }
    }
}
