/// The bounds of file extraction (`analyze --extract`). Hitting one never stops the analysis: it
/// raises a `limit-extract-*` finding once per run and degrades as each bound says (`docs/limits.md`).
public struct ExtractionLimits: Sendable {
    /// Length at which an extracted file is cut (default 64 GiB). The server may acknowledge more;
    /// the rest is listed as missing and the file is partial (`limit-extract-file-size`).
    public var maxFileBytes: UInt64 = 64 << 30
    /// Ranges kept per set: a session's stored and known offsets, a fragment's captured pieces
    /// (default 4,096). Past it, further pieces count as not captured (`limit-extract-ranges`).
    public var maxRangesPerSet = 4_096
    /// Ranges kept by all sets together (default 1,000,000, 16 MB), so that many sessions cannot add
    /// up to unbounded memory. Past it, as above.
    public var maxRangesTotal = 1_000_000
    /// Bytes of one write buffer (default 256 KiB): body pieces are gathered into buffers so that
    /// files are written in large blocks, not packet by packet.
    public var writeBufferBytes = 256 << 10
    /// Memory all write buffers may take together (default 16 MiB). Fragments arriving when it is
    /// all in use are written piece by piece instead: slower, never larger.
    public var maxBufferedBytes = 16 << 20
    /// Extraction files kept open at once (default 64); others are closed and reopened as needed.
    public var maxOpenFiles = 64
    /// Fragments between their head and the server's verdict at once (default 1,024). A fragment
    /// starting when this many are pending is not extracted: its bytes count as not captured
    /// (`limit-extract-pending`).
    public var maxPendingFragments = 1_024
    /// Bytes spooled (fragments waiting for a verdict while another fragment of their session writes
    /// straight into its file, or whose session is not known yet) over all pending fragments
    /// (default 1 GiB of disk). Past it, further body bytes count as not captured
    /// (`limit-extract-pending`).
    public var maxSpooledBytes: UInt64 = 1 << 30
    /// Names tried when the first choice exists already (`-1`, `-2`, … appended; default 10,000).
    public var maxNameAttempts = 10_000

    /// The defaults.
    public init() {}
}
