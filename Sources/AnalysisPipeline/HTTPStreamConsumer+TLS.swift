import AnalyzerCore
import HTTP1Parser
import TLSDecryption

/// Decryption of a TLS connection, when a key log is configured: records in, plaintext out to the
/// same HTTP parser a plain connection feeds.
extension HTTPStreamConsumer {
    /// Makes the connection's decryptor, when decrypting and not done yet.
    func startDecrypting() {
        guard decryptor == nil, let decryption else { return }
        decryptor = TLSConnectionDecryptor(keyLog: decryption.keyLog, limits: decryption.limits)
    }

    /// Hands one direction's TLS bytes to the decryptor and its plaintext to the parser.
    func decrypt(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, time: CaptureTimestamp) {
        guard let decryptor else { return }
        decryptor.receive(bytes, from: Self.side(direction)) { event in
            deliver(event, direction: direction, time: time)
        }
        // The handshake's outcome, once: read after the ServerHello, before any session needs it.
        if !factsRecorded, let facts = TLSSessionFacts(decryptor.facts) {
            factsRecorded = true
            decryption?.sessionFacts.record(facts, connection: connectionID)
        }
    }

    /// Tells the decryptor that `length` bytes of one direction are missing from the capture.
    func decryptGap(_ length: UInt64, direction: FlowDirection, time: CaptureTimestamp) {
        guard let decryptor else { return }
        decryptor.gap(length, from: Self.side(direction)) { event in
            deliver(event, direction: direction, time: time)
        }
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
}
