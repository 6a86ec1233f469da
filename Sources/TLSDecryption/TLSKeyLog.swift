/// The secrets an NSS key log holds for one connection, found by its client random. TLS 1.2 has a
/// master secret; TLS 1.3 has four traffic secrets (the handshake and first application secret of
/// each direction). Early-data and exporter secrets are not kept: nothing here uses them.
public struct TLSKeyLogEntry: Sendable, Equatable {
    /// `CLIENT_RANDOM`: the 48-byte TLS 1.2 master secret.
    public var masterSecret: [UInt8]?
    /// `CLIENT_HANDSHAKE_TRAFFIC_SECRET`.
    public var clientHandshakeTrafficSecret: [UInt8]?
    /// `SERVER_HANDSHAKE_TRAFFIC_SECRET`.
    public var serverHandshakeTrafficSecret: [UInt8]?
    /// `CLIENT_TRAFFIC_SECRET_0`.
    public var clientTrafficSecret0: [UInt8]?
    /// `SERVER_TRAFFIC_SECRET_0`.
    public var serverTrafficSecret0: [UInt8]?

    /// An entry with no secrets yet.
    public init() {}
}

/// What reading key log text met, line by line. Nothing in a key log is fatal: a bad line is
/// counted and skipped.
public struct TLSKeyLogStatistics: Sendable, Equatable {
    /// Lines holding a secret this module uses, stored.
    public var secretLines = 0
    /// Lines with a label this module does not use (`CLIENT_EARLY_TRAFFIC_SECRET`,
    /// `EXPORTER_SECRET`, `RSA`, ...), well formed or not.
    public var ignoredLines = 0
    /// Lines that are not `LABEL <64 hex digits> <hex secret>` with a known label and a secret of
    /// the right length (48 bytes for `CLIENT_RANDOM`, 32 or 48 for the TLS 1.3 secrets).
    public var malformedLines = 0
    /// Lines repeating a secret already stored, byte for byte.
    public var duplicateLines = 0
    /// Lines giving another value for a secret already stored; the first value is kept.
    public var conflictingLines = 0
    /// Secret lines for a new client random while ``TLSDecryptionLimits/maxKeyLogEntries`` were
    /// already stored.
    public var entriesDroppedAtLimit = 0

    /// No lines yet.
    public init() {}
}

/// An NSS key log (the `SSLKEYLOGFILE` format OpenSSL, curl, browsers and Python write), parsed
/// into secrets by client random. Comments (`#`), blank lines, CRLF line ends, hex in either case
/// and runs of spaces or tabs between fields are accepted. Pure: it is handed the text.
public struct TLSKeyLog: Sendable {
    /// Entries by client random, at most ``limit`` of them.
    private var entries: [TLSClientRandom: TLSKeyLogEntry] = [:]
    /// The bound on entries (``TLSDecryptionLimits/maxKeyLogEntries``).
    public let limit: Int
    /// What the lines added so far held.
    public private(set) var statistics = TLSKeyLogStatistics()

    /// An empty key log keeping at most `maxEntries` client randoms.
    public init(maxEntries: Int = TLSDecryptionLimits().maxKeyLogEntries) {
        limit = max(0, maxEntries)
    }

    /// A key log read from `text`.
    public init(text: String, maxEntries: Int = TLSDecryptionLimits().maxKeyLogEntries) {
        self.init(maxEntries: maxEntries)
        add(text: text)
    }

    /// The number of client randoms with at least one secret.
    public var count: Int { entries.count }

    /// The secrets for the connection whose ClientHello carried `clientRandom`.
    public func entry(for clientRandom: TLSClientRandom) -> TLSKeyLogEntry? {
        entries[clientRandom]
    }

    /// Adds every line of `text`.
    public mutating func add(text: String) {
        let utf8 = Array(text.utf8)
        utf8.withUnsafeBytes { add(bytes: $0) }
    }

    /// Adds every line of `bytes` (a whole file; a last line without its newline counts).
    public mutating func add(bytes: UnsafeRawBufferPointer) {
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            add(line: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            start = end + 1
        }
    }

    /// Adds one line (without its `\n`; a trailing `\r` is ignored).
    public mutating func add(line: UnsafeRawBufferPointer) {
        let fields = KeyLogLine.fields(line)
        guard let label = fields.first else { return }  // blank or comment
        guard let kind = KeyLogLine.Label(label) else { statistics.ignoredLines += 1; return }
        guard fields.count == 3, let random = KeyLogLine.hex(fields[1]).flatMap({ TLSClientRandom($0) }),
              let secret = KeyLogLine.hex(fields[2]), kind.accepts(length: secret.count)
        else { statistics.malformedLines += 1; return }
        store(secret, as: kind, for: random)
    }

    private mutating func store(_ secret: [UInt8], as kind: KeyLogLine.Label, for random: TLSClientRandom) {
        if entries[random] == nil, entries.count >= limit {
            statistics.entriesDroppedAtLimit += 1
            return
        }
        var entry = entries[random] ?? TLSKeyLogEntry()
        let slot: WritableKeyPath<TLSKeyLogEntry, [UInt8]?> = switch kind {
        case .clientRandom: \.masterSecret
        case .clientHandshake: \.clientHandshakeTrafficSecret
        case .serverHandshake: \.serverHandshakeTrafficSecret
        case .clientTraffic0: \.clientTrafficSecret0
        case .serverTraffic0: \.serverTrafficSecret0
        }
        if let existing = entry[keyPath: slot] {
            if existing == secret { statistics.duplicateLines += 1 } else { statistics.conflictingLines += 1 }
            return
        }
        entry[keyPath: slot] = secret
        entries[random] = entry
        statistics.secretLines += 1
    }
}
