import AnalyzerCore
import HTTP1Parser
import TLSDecryption

/// Decryption of a TLS connection, when a key log is configured: records in, plaintext out to the
/// same HTTP parser a plain connection feeds.
extension HTTPStreamConsumer {
    /// Makes the connection's decryptor, when decrypting and not done yet.
    func startDecrypting() {
        guard decryptor == nil, let decryption else { return }
        decryptor = TLSConnectionDecryptor(keys: decryption.keys, limits: decryption.limits)
    }

    /// Hands one direction's TLS bytes to the decryptor and its plaintext to the parser.
    func decrypt(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, time: CaptureTimestamp) {
        guard let decryptor else { return }
        // A connection that waited for its keys hands out both sides' held records at once.
        decryptor.receive(bytes, from: Self.side(direction), at: time) { side, time, event in
            deliver(event, direction: Self.direction(side), time: time)
        }
        noteKeyWait()
        // The handshake's outcome, once: read after the ServerHello, before any session needs it.
        if !factsRecorded, let facts = TLSSessionFacts(decryptor.facts) {
            factsRecorded = true
            decryption?.sessionFacts.record(facts, connection: connectionID)
        }
    }

    /// Tells the decryptor that `length` bytes of one direction are missing from the capture.
    func decryptGap(_ length: UInt64, direction: FlowDirection, time: CaptureTimestamp) {
        guard let decryptor else { return }
        decryptor.gap(length, from: Self.side(direction), at: time) { side, time, event in
            deliver(event, direction: Self.direction(side), time: time)
        }
        noteKeyWait()
    }

    /// Looks for the keys of a connection waiting for them again (``TLSDecryptionTally/retryKeyWaits()``).
    func retryDecryptionWait() {
        decryptor?.retryWaiting { side, time, event in
            deliver(event, direction: Self.direction(side), time: time)
        }
        noteKeyWait()
    }

    /// Keeps ``decryption``'s list of waiting connections in step with the decryptor (a followed
    /// key log only: a complete one never waits, and costs one test here).
    private func noteKeyWait() {
        guard let decryption, decryption.keys.keysMayArrive else { return }
        let waiting = decryptor?.isWaitingForKeys ?? false
        guard waiting != listedAsWaiting else { return }
        listedAsWaiting = waiting
        if waiting { decryption.waitingConnections[connectionID] = self } else { decryption.waitingConnections[connectionID] = nil }
    }

    /// Ends the decryptor's wait for keys (a followed key log), if it waits: one last look, then
    /// the held records' plaintext goes to the parser, before any end of stream.
    func finishDecryptionWait() {
        guard let decryptor, decryptor.isWaitingForKeys else { return }
        decryptor.finishWaiting { side, time, event in
            deliver(event, direction: Self.direction(side), time: time)
        }
        noteKeyWait()
    }

    private func deliver(_ event: TLSPlaintextEvent, direction: FlowDirection, time: CaptureTimestamp) {
        switch event {
        case .data(let plaintext):
            parser.receive(plaintext, direction: direction, time: time)
        case .lost:
            // Plaintext lost inside the TLS stream (records cut by a capture gap or failing
            // authentication): how many bytes is unknown, so the parser gives up the message in
            // progress and looks for the next head; no later byte is placed at a guessed offset (an
            // upload rebuilt from the plaintext keeps the lost range missing rather than shifted).
            parser.receiveLoss(direction: direction, time: time)
        }
    }

    /// The TLS side that sends in `direction` (the connection's client sends the ClientHello).
    private static func side(_ direction: FlowDirection) -> TLSSide {
        direction == .clientToServer ? .client : .server
    }

    /// The direction `side` sends in.
    private static func direction(_ side: TLSSide) -> FlowDirection {
        side == .client ? .clientToServer : .serverToClient
    }
}
