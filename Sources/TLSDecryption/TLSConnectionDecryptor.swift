import AnalyzerCore
import Foundation

/// Where a decryptor hands plaintext: the side that sent it, the capture time of the bytes that
/// carried it, and the event (borrowed for the call).
public typealias TLSPlaintextOutput = (TLSSide, CaptureTimestamp, TLSPlaintextEvent) -> Void

/// Decrypts one TCP connection's TLS with secrets from a key log. The pipeline hands it each
/// direction's reassembled bytes in capture order (``receive(_:from:_:)``) and each gap
/// (``gap(_:from:_:)``); it follows the handshake, finds the keys by the ClientHello's random, and
/// hands back each direction's application data in order, through a closure that borrows it.
/// ``facts`` says what was negotiated and counts what was decrypted, what failed authentication
/// (`tls-decrypt-failed`) and what could not be decrypted and why (`tls-not-decrypted`).
///
/// Supported: TLS 1.3 (AES-GCM, ChaCha20-Poly1305; HelloRetryRequest, KeyUpdate, resumption by
/// PSK when the key log has the resumed handshake's secrets) and TLS 1.2 (AES-GCM,
/// ChaCha20-Poly1305, AES-CBC with HMAC-SHA1/256/384, encrypt-then-MAC; any key exchange, the
/// extended master secret and resumption: the key log's `CLIENT_RANDOM` line for the resuming
/// handshake's random gives its master secret). Not: TLS 1.0/1.1, 0-RTT early data, renegotiation.
/// With a key log that grows while capturing (``TLSKeyStore/keysMayArrive``), a connection whose
/// keys are missing when the handshake needs them waits for them: see
/// TLSConnectionDecryptor+Waiting.swift.
///
/// Not thread-safe; one per connection. Pure: no I/O.
public final class TLSConnectionDecryptor {
    /// Where secrets are looked up.
    let keys: TLSKeyStore
    /// Client-to-server records.
    let clientSide: TLSDirection
    /// Server-to-client records.
    let serverSide: TLSDirection
    /// What was negotiated, and the first reason decryption stopped, as recorded.
    var recorded = TLSConnectionFacts()
    /// The ClientHello, once read.
    var clientHello: TLSClientHelloFacts?
    /// The ServerHello (not a HelloRetryRequest), once read.
    var serverHello: TLSServerHelloFacts?
    /// The suite, when supported and negotiated.
    var suite: TLSCipherSuite?
    /// The key log's secrets for this connection.
    var secrets: TLSKeyLogEntry?
    /// TLS 1.2: the client's ClientKeyExchange was seen (a full handshake, not a resumption).
    var sawClientKeyExchange = false
    /// The capture time of the bytes being read (of a held record's bytes while they are replayed).
    var now = CaptureTimestamp.zero
    /// Keys the handshake needs and the key log did not have yet (a growing key log only).
    var pendingKeys: TLSPendingKeys?
    /// Whether records are being held until the keys come.
    var waiting = false
    /// Whether the connection waited already (it waits once at most).
    var waited = false
    /// The records held while waiting, both directions, in the order they came.
    var held: [TLSHeldRecord] = []
    /// Their bytes (headers included).
    var heldBytes = 0
    /// ``TLSDecryptionLimits/maxHeldBytesWhileWaitingForKeys``.
    let maxHeldBytes: Int

    /// A decryptor for one connection, with the secrets of `keyLog` and the bounds of `limits`.
    public convenience init(keyLog: TLSKeyLog, limits: TLSDecryptionLimits = TLSDecryptionLimits()) {
        self.init(keys: TLSKeyStore(keyLog: keyLog), limits: limits)
    }

    /// A decryptor for one connection, with the secrets of `keys` (shared by a run's connections)
    /// and the bounds of `limits`.
    public init(keys: TLSKeyStore, limits: TLSDecryptionLimits = TLSDecryptionLimits()) {
        self.keys = keys
        clientSide = TLSDirection(limits: limits)
        serverSide = TLSDirection(limits: limits)
        maxHeldBytes = max(0, limits.maxHeldBytesWhileWaitingForKeys)
    }

    /// The direction `side` sends.
    func direction(_ side: TLSSide) -> TLSDirection { side == .client ? clientSide : serverSide }

    /// What was negotiated and what was decrypted so far. When records went undecrypted without a
    /// reason recorded, the reason is what was missing when they came: the ClientHello (a capture
    /// that began after the handshake), the ServerHello, or, with both read, the keys' start (0-RTT
    /// early data).
    public var facts: TLSConnectionFacts {
        var facts = recorded
        facts.client = clientSide.counters
        facts.server = serverSide.counters
        if facts.notDecrypted == nil, pendingKeys != nil {
            // Still waiting for keys (or a TLS 1.2 handshake that never got them): none so far.
            facts.notDecrypted = .noKey
        }
        if facts.notDecrypted == nil, facts.client.recordsNotDecrypted + facts.server.recordsNotDecrypted > 0 {
            facts.notDecrypted = clientHello == nil ? .startedAfterHandshake : serverHello == nil ? .serverHelloMissing : .earlyData
        }
        return facts
    }

    /// Feeds the next reassembled bytes sent by `side`. `output` gets that side's application
    /// data (borrowed for the call) and losses, in order. For a key log known up front; a decryptor
    /// that may wait for keys uses ``receive(_:from:at:_:)``, which can hand out both sides' data.
    public func receive(_ bytes: UnsafeRawBufferPointer, from side: TLSSide, _ output: (TLSPlaintextEvent) -> Void) {
        receive(bytes, from: side, at: now) { _, _, event in output(event) }
    }

    /// Feeds the next reassembled bytes sent by `side`, captured at `time`. `output` gets
    /// application data and losses in order, with the side that sent them and their capture time:
    /// when keys that were waited for come, the records held meanwhile (both sides) are handed
    /// out at once.
    public func receive(_ bytes: UnsafeRawBufferPointer, from side: TLSSide, at time: CaptureTimestamp,
                        _ output: TLSPlaintextOutput) {
        now = time
        let direction = direction(side)
        direction.splitter.feed(bytes) { record, resync in
            resync ? resynchronise(record, side, output) : handle(record, side, output)
        }
        settle(direction)
        // More records came for a connection waiting for keys: look again.
        if waiting { settleWait(giveUp: nil, output) }
    }

    /// `count` bytes sent by `side` are missing from the capture. A gap inside a record costs that
    /// record; one that hides record boundaries costs the records until one authenticates again.
    /// A gap in a direction's plaintext handshake ends its decryption (reason `gap`).
    public func gap(_ count: UInt64, from side: TLSSide, _ output: (TLSPlaintextEvent) -> Void) {
        gap(count, from: side, at: now) { _, _, event in output(event) }
    }

    /// `count` bytes sent by `side` are missing from the capture, noticed at `time`; `output` as
    /// for ``receive(_:from:at:_:)``. A connection waiting for keys stops waiting first (records
    /// after a gap cannot be held in order): decrypted if the key log has its keys by now.
    public func gap(_ count: UInt64, from side: TLSSide, at time: CaptureTimestamp, _ output: TLSPlaintextOutput) {
        guard count > 0 else { return }
        now = time
        if waiting { settleWait(giveUp: .ended, output) }
        let direction = direction(side)
        direction.counters.bytesLost &+= count
        let before = direction.splitter.state
        direction.splitter.gap(count)
        let after = direction.splitter.state
        if before == .inSync, after == .skippingRecord || after == .inSync {
            // One record cut: its sequence number is spent.
            direction.counters.recordsLost += 1
            if direction.current != nil {
                direction.sequence &+= 1
                output(side, now, .lost(records: 1))
            }
        }
        if after == .searching, direction.current == nil, direction.next == nil {
            // Plaintext cannot prove a boundary: nothing after this gap can be followed.
            direction.splitter.giveUp()
            stop(.gap)
        }
        settle(direction)
    }

    /// Collects what a direction's handshake reader or splitter ran into.
    func settle(_ direction: TLSDirection) {
        if direction.handshake.overLimit { stop(.handshakeMessageTooLong) }
        if direction.splitter.state == .failed { stop(direction.encrypted ? .gap : .protocolError) }
    }

    /// Records the first reason decryption stops; later ones do not replace it.
    func stop(_ reason: TLSNotDecryptedReason) {
        if recorded.notDecrypted == nil { recorded.notDecrypted = reason }
    }

    /// One record in sync (or replayed after a wait for keys).
    @discardableResult
    func handle(_ record: TLSRecord, _ side: TLSSide, _ output: TLSPlaintextOutput) -> Bool {
        // TLS 1.2 needs its keys at the first ChangeCipherSpec: look again, wait if still missing.
        if pendingKeys == .tls12, !waiting, record.contentType == TLSContentType.changeCipherSpec { tls12KeysNeeded() }
        if waiting {
            hold(record, side, output)
            return true
        }
        let direction = direction(side)
        if record.contentType == TLSContentType.changeCipherSpec {
            changeCipherSpec(side)
            return true
        }
        guard direction.encrypted else {
            if record.contentType == TLSContentType.handshake {
                direction.handshake.feed(record.body) { type, body in message(type, body, from: side) }
            } else if record.contentType == TLSContentType.applicationData {
                direction.counters.recordsNotDecrypted += 1
            }
            return true
        }
        switch direction.open(record) {
        case nil:
            direction.counters.recordsNotDecrypted += 1
        case .authenticationFailed?, .malformed?:
            direction.counters.recordsFailedAuthentication += 1
            output(side, now, .lost(records: 1))
        case let .plaintext(type, plaintext)?:
            direction.counters.recordsDecrypted += 1
            deliver(type, plaintext, side, output)
        }
        return true
    }

    /// A search candidate after a gap: accepted only when it authenticates.
    private func resynchronise(_ record: TLSRecord, _ side: TLSSide, _ output: TLSPlaintextOutput) -> Bool {
        let direction = direction(side)
        guard let found = direction.resynchronise(record) else { return false }
        if found.lost > 0 { output(side, now, .lost(records: found.lost)) }
        direction.counters.recordsDecrypted += 1
        deliver(found.contentType, found.plaintext, side, output)
        return true
    }

    /// Routes decrypted content by its real type.
    private func deliver(_ type: UInt8, _ plaintext: Data, _ side: TLSSide, _ output: TLSPlaintextOutput) {
        let direction = direction(side)
        switch type {
        case TLSContentType.applicationData:
            direction.counters.applicationBytes &+= UInt64(plaintext.count)
            guard !plaintext.isEmpty else { return }
            plaintext.withUnsafeBytes { output(side, now, .data($0)) }
        case TLSContentType.handshake:
            direction.handshake.feed(plaintext) { type, body in message(type, body, from: side) }
        default:
            break  // alerts, and anything else, carry no application data
        }
    }
}
