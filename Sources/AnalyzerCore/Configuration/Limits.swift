/// Every bound on memory and tables, with its default. Hitting one raises a `limit-*` finding and
/// degrades in the documented way; nothing grows without bound and nothing is dropped silently.
/// The same list, with consequences, is in `docs/limits.md`.
public struct Limits: Sendable {
    /// Bounds of TCP reassembly.
    public var reassembly = Reassembly()
    /// Bounds of IP fragment reassembly.
    public var ipFragments = IPFragments()
    /// Bounds of HTTP parsing.
    public var http = HTTP()
    /// Bounds of BITS session tracking.
    public var bits = BITS()

    /// The defaults.
    public init() {}

    /// Bounds of TCP reassembly.
    public struct Reassembly: Sendable {
        /// Connections tracked at once (default 65,536). When full, the least recently active
        /// eighth of the table is ended (as at capture end) to make room.
        public var maxConnections = 65_536
        /// Out-of-order bytes one connection may hold, both directions together (default 2 MiB).
        /// Past it, the earliest hole is declared a gap and the held bytes are delivered.
        public var maxHeldBytesPerConnection = 2 << 20
        /// Out-of-order segments one connection may hold (default 4,096), so that floods of tiny
        /// segments cannot cost more bookkeeping than bytes.
        public var maxHeldSegmentsPerConnection = 4_096
        /// Out-of-order bytes all connections together may hold (default 32 MiB). Past it, the
        /// connection that is adding data has its holes declared gaps.
        public var maxHeldBytesTotal = 32 << 20
        /// Seconds of capture time without a packet after which a connection is ended (default 300,
        /// as Zeek's `tcp_inactivity_timeout`).
        public var idleTimeoutSeconds: Int64 = 300
        /// Seconds of capture time after both FINs (or a RST) during which late packets still count
        /// to the old connection rather than opening a new one (default 5).
        public var closeLingerSeconds: Int64 = 5
        /// The defaults.
        public init() {}
    }

    /// Bounds of IP fragment reassembly.
    public struct IPFragments: Sendable {
        /// Datagrams being reassembled at once (default 1,024). When full, the oldest is dropped.
        public var maxDatagramsInProgress = 1_024
        /// Fragment bytes held across all datagrams in progress (default 8 MiB). When full, the
        /// oldest datagrams are dropped.
        public var maxBytesHeld = 8 << 20
        /// Fragments one datagram may have (default 256); more drops the datagram.
        public var maxFragmentsPerDatagram = 256
        /// Seconds of capture time a datagram may wait for its missing fragments (default 30, the
        /// Linux `ipfrag_time`).
        public var timeoutSeconds: Int64 = 30
        /// The defaults.
        public init() {}
    }

    /// Bounds of HTTP/1.1 parsing, per connection direction.
    public struct HTTP: Sendable {
        /// Bytes of one message's start line and header block together (default 64 KiB; the BITS
        /// reference says header values should stay under 4 KB, IIS rejects longer ones). Past it the
        /// message is abandoned and the direction resynchronises on the next start line.
        public var maxHeaderBlockBytes = 64 << 10
        /// Header fields in one message (default 256).
        public var maxHeaderCount = 256
        /// Requests waiting for their response on one connection (default 100, as Zeek's
        /// `HTTP::max_pending_requests`). Past it the oldest is given up as unanswered.
        public var maxPendingRequests = 100
        /// Bytes scanned while looking for the next start line after a loss of sync before the
        /// search is abandoned for that direction until the next gap or end (default 1 MiB).
        public var maxResyncScanBytes = 1 << 20
        /// The defaults.
        public init() {}
    }

    /// Bounds of BITS session tracking.
    public struct BITS: Sendable {
        /// Sessions followed at once (default 100,000): sessions leave the tracker when they end,
        /// so this bounds the sessions open together, not the sessions of the capture. Requests of
        /// sessions beyond it are counted but not tracked, and `limit-sessions` is reported once.
        public var maxOpenSessions = 100_000
        /// Seconds of capture time a session may stay silent before it is ended as at the end of
        /// the capture (`orphaned-session` or `complete-not-closed`) and leaves memory (default
        /// 1,800: well above the 600 s a BITS job waits by default before it retries after an error,
        /// so a job that retries keeps its session).
        public var idleTimeoutSeconds: Int64 = 1_800
        /// Seconds of capture time an ended session waits for its connections to close before it
        /// leaves memory anyway (default 30). Requests on those connections until then (a Fragment
        /// after the Close-Session) still count to it.
        public var endedLingerSeconds: Int64 = 30
        /// IDs of sessions that left memory remembered, so that a request naming one is known as
        /// late rather than as a session never created (default 65,536; the oldest is forgotten).
        public var maxRetiredIDs = 65_536
        /// Requests kept per session in the timeline (default 10,000). Later requests still update
        /// the session's state and findings but are not listed; `limit-session-requests` is
        /// reported once per session.
        public var maxRequestsPerSession = 10_000
        /// The defaults.
        public init() {}
    }
}
