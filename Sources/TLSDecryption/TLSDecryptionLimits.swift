/// The bounds of TLS decryption (`tls.*` in docs/limits.md). Hostile captures and key logs must not
/// grow any table or buffer past these; each hit is counted, never fatal.
public struct TLSDecryptionLimits: Sendable, Equatable {
    /// Key log entries (distinct client randoms) kept. About 300 bytes each with every secret, so
    /// the default holds a day of a busy client's handshakes in about 30 MB. Lines for further
    /// randoms are counted in ``TLSKeyLogStatistics/entriesDroppedAtLimit``.
    public var maxKeyLogEntries = 100_000
    /// The largest record body accepted (RFC 8446 §5.2 and RFC 5246 §6.2.3: 2^14 plaintext plus
    /// 2,048 of expansion). A longer length ends decryption of that direction as a protocol error.
    public var maxRecordBodyBytes = (1 << 14) + 2_048
    /// The largest handshake message buffered for parsing (ClientHello, ServerHello,
    /// NewSessionTicket, KeyUpdate). Other messages (certificates) are skipped, never buffered. A
    /// longer message of interest ends the connection's decryption as a protocol error.
    public var maxHandshakeMessageBytes = 64 << 10
    /// Sequence numbers tried per candidate record when a direction lost its record boundaries to a
    /// gap (see ``TLSRecordSplitter``): a candidate is accepted only when it authenticates.
    public var maxResyncTrialsPerCandidate = 256
    /// Bytes scanned for a record that authenticates after a gap before the direction gives up.
    public var maxResyncScanBytes = 1 << 20
    /// Bytes of records one connection holds while it waits for keys a followed key log does not
    /// have yet (`live`: a client writes its secrets after the ServerHello the capture already
    /// saw), each record counted with 64 bytes of bookkeeping on top of its own. Past it, after one
    /// last look at the key log, the connection is not decrypted (no key).
    public var maxHeldBytesWhileWaitingForKeys = 256 << 10
    /// Connections waiting for keys at once (so at most this many times the held bytes above, 64
    /// MiB by default); a further connection missing its keys is not decrypted (no key), counted.
    public var maxConnectionsWaitingForKeys = 256

    /// The defaults above.
    public init() {}
}
