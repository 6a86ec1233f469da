// Codes raised below the application layer: capture reading, decoding and reassembly limits.
// Each is documented in docs/findings.md.
extension FindingCode {
    /// A capture file ended inside a header or record; what came before it was analysed.
    public static let captureTruncated = FindingCode(rawValue: "capture-truncated")
    /// Packets were cut by the capture's snapshot length: the bytes past it are gaps in the streams.
    public static let captureSnaplenCut = FindingCode(rawValue: "capture-snaplen-cut")
    /// Receivers acknowledged bytes that are in no captured packet: the capture dropped packets.
    public static let captureLoss = FindingCode(rawValue: "capture-loss")
    /// A connection of which the capture holds one direction only (the other acknowledged unseen bytes).
    public static let captureOneSided = FindingCode(rawValue: "capture-one-sided")
    /// TLS connections (recognised by content, on any port) whose contents bitsnoop cannot read.
    public static let tlsNotDecrypted = FindingCode(rawValue: "tls-not-decrypted")
    /// TLS records whose authentication failed with the key log's keys: wrong keys, or damaged bytes.
    public static let tlsDecryptFailed = FindingCode(rawValue: "tls-decrypt-failed")
    /// Key log lines that were not used: malformed, conflicting, or past the entry limit.
    public static let tlsKeylogSkipped = FindingCode(rawValue: "tls-keylog-skipped")
    /// The connection table was full; the least recently active connections were ended early.
    public static let limitConnections = FindingCode(rawValue: "limit-connections")
    /// One connection held more out-of-order bytes than allowed; the hole was declared a gap.
    public static let limitReassemblyConnection = FindingCode(rawValue: "limit-reassembly-connection")
    /// All connections together held more out-of-order bytes than allowed; holes were declared gaps.
    public static let limitReassemblyTotal = FindingCode(rawValue: "limit-reassembly-total")
    /// Too many IP datagrams were being reassembled at once, or too many fragment bytes were held.
    public static let limitIPFragments = FindingCode(rawValue: "limit-ip-fragments")
    /// More sessions open at once than `bits.maxOpenSessions`; further sessions are counted, not tracked.
    public static let limitSessions = FindingCode(rawValue: "limit-sessions")
    /// A session with more requests than `bits.maxRequestsPerSession`; later ones are not listed.
    public static let limitSessionRequests = FindingCode(rawValue: "limit-session-requests")
    /// Packets of a link type or encapsulation bitsnoop cannot decode; they were not analysed.
    public static let captureUndecoded = FindingCode(rawValue: "capture-undecoded")
}
