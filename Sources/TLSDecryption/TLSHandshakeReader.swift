/// Handshake message types this module acts on (RFC 8446 §4, RFC 5246 §7.4).
enum TLSHandshakeType {
    /// ClientHello: the client random, the session ID, the extensions offered.
    static let clientHello: UInt8 = 1
    /// ServerHello (or HelloRetryRequest): version, suite, server random.
    static let serverHello: UInt8 = 2
    /// NewSessionTicket (TLS 1.2 before ChangeCipherSpec; TLS 1.3 after the handshake).
    static let newSessionTicket: UInt8 = 4
    /// ClientKeyExchange: its presence tells a full TLS 1.2 handshake from a resumption.
    static let clientKeyExchange: UInt8 = 16
    /// Finished: in TLS 1.3 the end of the sender's handshake epoch.
    static let finished: UInt8 = 20
    /// KeyUpdate (TLS 1.3): the sender's next records use its next traffic secret.
    static let keyUpdate: UInt8 = 24

    /// Messages whose bodies are read; every other one (certificates above all) is skipped by its
    /// length, never buffered.
    static func isRead(_ type: UInt8) -> Bool {
        type == clientHello || type == serverHello || type == newSessionTicket || type == keyUpdate
    }
}

/// Reassembles one direction's handshake messages from the handshake content of its records
/// (plaintext or decrypted), which may split or pack messages at any byte. Bounded: only messages
/// that are read are buffered, each up to ``TLSDecryptionLimits/maxHandshakeMessageBytes``.
final class TLSHandshakeReader {
    /// The longest message body buffered.
    let maxMessageBytes: Int
    /// The 4-byte header of the message in progress (type, 24-bit length).
    private var header: [UInt8] = []
    /// The body so far, for a message that is read.
    private var body: [UInt8] = []
    /// Body bytes still to come of the message in progress.
    private var remaining = 0
    /// Set when a message that is read is longer than the limit: the direction's handshake can no
    /// longer be followed.
    private(set) var overLimit = false

    /// A reader buffering bodies up to `maxMessageBytes`.
    init(maxMessageBytes: Int) {
        self.maxMessageBytes = max(0, maxMessageBytes)
    }

    /// Whether a message is in progress (a record boundary inside a message is normal in TLS 1.2,
    /// but a key change must not fall inside one).
    var isMidMessage: Bool { !header.isEmpty }

    /// Feeds handshake bytes; `handle` gets each complete message's type and body (empty for
    /// messages that are skipped).
    func feed(_ bytes: some Collection<UInt8>, _ handle: (UInt8, [UInt8]) -> Void) {
        var index = bytes.startIndex
        while index != bytes.endIndex, !overLimit {
            if header.count < 4 {
                header.append(bytes[index])
                index = bytes.index(after: index)
                guard header.count == 4 else { continue }
                remaining = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
                if TLSHandshakeType.isRead(header[0]), remaining > maxMessageBytes {
                    overLimit = true
                    return
                }
                body.removeAll(keepingCapacity: true)
            } else {
                let available = bytes.distance(from: index, to: bytes.endIndex)
                let take = min(remaining, available)
                let end = bytes.index(index, offsetBy: take)
                if TLSHandshakeType.isRead(header[0]) { body.append(contentsOf: bytes[index..<end]) }
                index = end
                remaining -= take
            }
            if header.count == 4, remaining == 0 {
                let type = header[0]
                header.removeAll(keepingCapacity: true)
                handle(type, body)
            }
        }
    }
}
