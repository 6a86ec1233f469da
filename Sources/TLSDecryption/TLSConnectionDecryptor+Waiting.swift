import AnalyzerCore

/// The keys a connection's handshake needs and the key log did not have when it needed them.
enum TLSPendingKeys: Equatable {
    /// TLS 1.3: the four traffic secrets, needed from the ServerHello on.
    case tls13
    /// TLS 1.2: the master secret, needed from the first ChangeCipherSpec on.
    case tls12
}

/// A record held while its connection waits for keys: a copy, with its side and capture time.
struct TLSHeldRecord {
    /// Bytes counted for each held record on top of its own against
    /// ``TLSDecryptionLimits/maxHeldBytesWhileWaitingForKeys``: about what holding one costs (the
    /// entry and its array's header), so that a flood of empty records cannot hold more memory
    /// than the limit says.
    static let bookkeepingBytes = 64

    /// Who sent it.
    let side: TLSSide
    /// When the bytes that completed it were captured.
    let time: CaptureTimestamp
    /// Header and body.
    let bytes: [UInt8]
}

/// Waiting for keys a growing key log does not have yet (`live`: the client writes its secrets
/// after the ServerHello, which the capture saw before they were written).
///
/// TLS 1.3 needs them at the ServerHello, TLS 1.2 at the first ChangeCipherSpec. When they are
/// missing there and ``TLSKeyStore/keysMayArrive``, the connection takes one of the store's
/// waiting places and holds every later record of both sides, in order, up to
/// ``TLSDecryptionLimits/maxHeldBytesWhileWaitingForKeys``. Each time more bytes come the key log
/// is looked at again (the store's `reload` decides how often it really reads). When the keys are
/// there, the held records go through the decryption as if they had just come, and the connection
/// goes on as usual. When the limit is hit, a gap comes, or the connection ends
/// (``finishWaiting(_:)``), the key log gets one last, urgent look; without the keys the held
/// records are then counted as not decrypted, reason no key, exactly as without waiting.
extension TLSConnectionDecryptor {
    /// Ends a wait for keys, if any, because the connection ends: one last look at the key log,
    /// then the held records are decrypted, or counted as not decrypted (no key). Call before the
    /// last ``facts`` are read.
    public func finishWaiting(_ output: TLSPlaintextOutput) {
        if pendingKeys != nil { settleWait(giveUp: .ended, output) }
    }

    /// Whether records are held waiting for keys.
    public var isWaitingForKeys: Bool { waiting }

    /// Looks for the keys of a waiting connection again though no record came (a live capture's
    /// housekeeping: a quiet connection's held records need not wait for its next packet).
    public func retryWaiting(_ output: TLSPlaintextOutput) {
        if waiting { settleWait(giveUp: nil, output) }
    }

    /// The secrets for `random` that `ready` accepts, looking at a growing key log again (urgently
    /// when `urgent`) when the ones known lack something; otherwise whatever is known.
    func lookUp(_ random: TLSClientRandom, urgent: Bool = false, ready: (TLSKeyLogEntry) -> Bool) -> TLSKeyLogEntry? {
        if let entry = keys.entry(for: random), ready(entry) { return entry }
        guard keys.keysMayArrive else { return keys.entry(for: random) }
        keys.refresh(urgent: urgent)
        return keys.entry(for: random)
    }

    /// Starts holding records until the `pending` keys come; `false` when the connection cannot
    /// wait (a complete key log, a second wait, no held bytes allowed, or all places taken).
    func beginWaiting(_ pending: TLSPendingKeys) -> Bool {
        guard !waited, maxHeldBytes > 0, keys.startWaiting() else { return false }
        waited = true
        waiting = true
        pendingKeys = pending
        return true
    }

    /// TLS 1.2 at the first ChangeCipherSpec: the master secret, from a look at the key log, or a
    /// wait for it (the ChangeCipherSpec is then the first record held).
    func tls12KeysNeeded() {
        guard let random = clientHello?.random else { return }
        let entry = lookUp(random) { $0.masterSecret != nil }
        if entry?.masterSecret == nil, beginWaiting(.tls12) { return }
        pendingKeys = nil
        keyTLS12(entry)
    }

    /// Holds one record; at the limit, gives the wait up.
    func hold(_ record: TLSRecord, _ side: TLSSide, _ output: TLSPlaintextOutput) {
        var bytes = [UInt8](record.header)
        bytes.append(contentsOf: record.body)
        heldBytes += bytes.count + TLSHeldRecord.bookkeepingBytes
        held.append(TLSHeldRecord(side: side, time: now, bytes: bytes))
        if heldBytes >= maxHeldBytes { settleWait(giveUp: .heldLimit, output) }
    }

    /// Looks for the pending keys. Found: keys the connection and replays the held records. Not
    /// found: with `giveUp` set, goes on without them (the held records are counted as not
    /// decrypted); otherwise keeps waiting.
    func settleWait(giveUp: TLSKeyWaitOutcome?, _ output: TLSPlaintextOutput) {
        guard let pending = pendingKeys else { return }
        guard let random = clientHello?.random, let suite else {
            pendingKeys = nil
            endWait(.ended, output)
            return
        }
        let ready: (TLSKeyLogEntry) -> Bool = { entry in
            pending == .tls13 ? Self.tls13Ready(entry, suite) : entry.masterSecret != nil
        }
        let entry = lookUp(random, urgent: giveUp != nil, ready: ready)
        let found = entry.map(ready) ?? false
        guard found || giveUp != nil else { return }
        pendingKeys = nil
        switch pending {
        case .tls13: keyTLS13(entry)
        case .tls12: keyTLS12(entry)
        }
        endWait(found ? .keysFound : giveUp ?? .ended, output)
    }

    /// Frees the waiting place and puts the held records through decryption, in order, at their
    /// own capture times.
    private func endWait(_ outcome: TLSKeyWaitOutcome, _ output: TLSPlaintextOutput) {
        guard waiting else { return }
        waiting = false
        keys.stopWaiting(outcome)
        let records = held
        held = []
        heldBytes = 0
        let time = now
        for record in records {
            now = record.time
            record.bytes.withUnsafeBytes { bytes in
                _ = handle(TLSRecord(header: UnsafeRawBufferPointer(rebasing: bytes[0..<5]),
                                 body: UnsafeRawBufferPointer(rebasing: bytes[5...])), record.side, output)
            }
        }
        now = time
        settle(clientSide)
        settle(serverSide)
    }
}
