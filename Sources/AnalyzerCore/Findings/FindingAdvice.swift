/// What to do about a finding: its likely causes and what to check, in one or two sentences per
/// code. Written for bitsnoop from the BITS, IIS and capture-tool documentation; docs/findings.md
/// repeats each text with its sources, and a test keeps the two in step.
///
/// The table is keyed by the code's string so that codes defined in any module (BITS, HTTP,
/// capture, extraction) can have advice without this module knowing their declarations. Advice
/// that depends on more than the code (a `server-error`'s error code) is chosen by the BITS
/// module (`BITSFindingAdvice`), which falls back on this table.
public enum FindingAdvice {
    /// The advice for `code`, or `nil` for a code without any.
    public static func advice(for code: FindingCode) -> String? { table[code.rawValue] }

    /// Every code that has advice, sorted.
    public static var codes: [FindingCode] { table.keys.sorted().map { FindingCode(rawValue: $0) } }

    /// Code → advice, every group together.
    static let table: [String: String] = Dictionary(
        captureAdvice + bitsAdvice + sessionAdvice + requestAdvice + errorAdvice + httpAdvice + limitAdvice,
        uniquingKeysWith: { first, _ in first })

    /// The capture codes: what the capture lacks and how to capture better.
    static let captureAdvice: [(String, String)] = [
        ("capture-truncated",
         "The capture file was cut or damaged (capture stopped abruptly, disk full, incomplete copy or download). "
            + "Capture again or copy the file again; the analysis covers only what comes before the break."),
        ("capture-snaplen-cut",
         "The capture was taken with a snapshot length shorter than the packets (tcpdump -s, dumpcap -s). "
            + "Capture again with -s 0 (the whole packet) so that headers and bodies are complete."),
        ("capture-loss",
         "The capturing host dropped packets (busy CPU or disk, small capture buffer), not the network. "
            + "Capture with a larger buffer (tcpdump -B), a capture filter for the BITS server's port, and to a fast local disk."),
        ("capture-one-sided",
         "The capture saw one direction of the connection only: a tap or SPAN port mirroring one way, or asymmetric routing. "
            + "Mirror both directions (or capture on the client or server itself) to see requests and Acks together."),
        ("tls-not-decrypted",
         "BITS over HTTPS cannot be read from the wire without the session keys. "
            + "Give bitsnoop the client's key log (--tls-keylog; SSLKEYLOGFILE, see docs/tls.md) and capture from before the handshake, "
            + "or capture where the traffic is plain HTTP (between a TLS-terminating load balancer or proxy and IIS)."),
        ("tls-decrypt-failed",
         "The key log has keys for the connection, but they do not open its records: a key log from another run or host, "
            + "a file mixed from several clients, or bytes damaged in the capture. Use the key log written during this capture."),
        ("tls-keylog-skipped",
         "Some key log lines could not be used: not in the NSS key log format (LABEL, 64 hex digits of client random, hex secret), "
            + "two values for one secret, or more connections than tls.maxKeyLogEntries. Check that the file is the one the TLS library wrote."),
        ("capture-undecoded",
         "The capture uses a link type or tunnel that bitsnoop does not decode, so those packets were not analysed. "
            + "Capture on an interface without the encapsulation (e.g. the host's own interface rather than the tunnel), or strip it first."),
    ]

    /// bitsnoop's own bounds: raise the limit, or narrow the capture.
    static let limitAdvice: [(String, String)] = [
        ("limit-connections",
         "More TCP connections were open at once than reassembly.maxConnections allows. "
            + "Raise the limit, or narrow the capture with a filter for the BITS server (host and port)."),
        ("limit-reassembly-connection",
         "A connection held more out-of-order data than allowed, usually because of heavy packet loss in the capture. "
            + "Check capture-loss, and raise the per-connection reassembly limits if memory allows."),
        ("limit-reassembly-total",
         "All connections together held more out-of-order data than allowed, usually because of capture loss on a busy link. "
            + "Narrow the capture to the BITS server or raise the total reassembly limit."),
        ("limit-ip-fragments",
         "IP fragment reassembly hit its bounds: many fragmented datagrams (a path MTU problem) or fragments lost from the capture. "
            + "Check the path MTU between client and server, and raise the fragment limits if needed."),
        ("limit-sessions",
         "More BITS sessions were open at once than bits.maxOpenSessions. "
            + "Raise the limit, or split the capture by client or by time."),
        ("limit-session-requests",
         "A session had more requests than bits.maxRequestsPerSession (very small fragments, or many retries). "
            + "Raise the limit to list them all; a client resending the same range again and again points at the server's answers."),
        ("limit-extract-file-size",
         "An upload reaches past extract.maxFileBytes, so its extracted file is cut. "
            + "Raise the limit if the file is expected to be that large."),
        ("limit-extract-pending",
         "Too many fragments (or bytes) were waiting for their Ack, often because the Acks are missing from the capture. "
            + "Check capture-loss and capture-one-sided, or raise the extraction limits."),
        ("limit-extract-ranges",
         "The uploaded file is in too many separate pieces, often because of gaps in the capture. "
            + "Check capture-loss, or raise the extraction range limits."),
    ]
}
