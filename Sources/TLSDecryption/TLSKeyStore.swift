/// The secrets a run's decryptors share: a key log known up front (`analyze`, `report`,
/// `streams`), or one that grows while capturing (`live`, which follows the key log file as a
/// client appends to it). Pure: the growing kind is handed a `reload` closure, supplied by the
/// caller, that adds what was written since the last look; this module never reads files.
///
/// With a growing key log, a connection whose keys are not there yet waits for them: its records
/// are held (``TLSDecryptionLimits/maxHeldBytesWhileWaitingForKeys``) and the lookup is retried as
/// more arrive. At most ``TLSDecryptionLimits/maxConnectionsWaitingForKeys`` connections wait at
/// once. The outcome of each wait is counted here.
public final class TLSKeyStore {
    /// The secrets known so far.
    public private(set) var keyLog: TLSKeyLog
    /// Adds secrets written since the last call; `urgent` when a connection is about to give up
    /// waiting (the caller may then skip its rate limit). `nil`: the key log is complete.
    private let reload: ((inout TLSKeyLog, _ urgent: Bool) -> Void)?
    /// The bound on connections waiting at once.
    public let maxWaitingConnections: Int
    /// Connections waiting for keys now.
    public private(set) var waitingConnections = 0
    /// What the waits came to.
    public private(set) var waits = TLSKeyWaitCounters()

    /// A store for a key log known up front: a missing key stays missing.
    public init(keyLog: TLSKeyLog) {
        self.keyLog = keyLog
        reload = nil
        maxWaitingConnections = 0
    }

    /// A store for a key log that grows while capturing: `reload` adds what was appended since its
    /// last call, and connections may wait for their keys within `limits`.
    public init(keyLog: TLSKeyLog, limits: TLSDecryptionLimits = TLSDecryptionLimits(),
                reload: @escaping (inout TLSKeyLog, _ urgent: Bool) -> Void) {
        self.keyLog = keyLog
        self.reload = reload
        maxWaitingConnections = max(0, limits.maxConnectionsWaitingForKeys)
    }

    /// Whether keys missing now may still come (the key log is followed).
    public var keysMayArrive: Bool { reload != nil }

    /// The secrets known now for the connection whose ClientHello carried `clientRandom`.
    public func entry(for clientRandom: TLSClientRandom) -> TLSKeyLogEntry? {
        keyLog.entry(for: clientRandom)
    }

    /// Brings in the secrets written since the last look (nothing for a complete key log).
    public func refresh(urgent: Bool) {
        reload?(&keyLog, urgent)
    }

    /// Takes one of the waiting places; `false` (counted) when all are taken or keys cannot come.
    func startWaiting() -> Bool {
        guard keysMayArrive else { return false }
        guard waitingConnections < maxWaitingConnections else {
            waits.refusedAtLimit += 1
            return false
        }
        waitingConnections += 1
        waits.started += 1
        return true
    }

    /// Gives a waiting place back, saying how the wait ended.
    func stopWaiting(_ outcome: TLSKeyWaitOutcome) {
        waitingConnections = max(0, waitingConnections - 1)
        switch outcome {
        case .keysFound: waits.keysFound += 1
        case .heldLimit: waits.heldLimitReached += 1
        case .ended: waits.endedWithoutKeys += 1
        }
    }
}

/// How a connection's wait for its keys ended.
enum TLSKeyWaitOutcome {
    /// The keys came: the held records were decrypted.
    case keysFound
    /// ``TLSDecryptionLimits/maxHeldBytesWhileWaitingForKeys`` was reached without the keys.
    case heldLimit
    /// The connection ended (or lost bytes to a gap) without the keys.
    case ended
}

/// What waits for keys came to, over a run (`live` only: a complete key log never waits).
public struct TLSKeyWaitCounters: Sendable, Equatable {
    /// Connections that waited for keys written after their ServerHello.
    public var started = 0
    /// Waits that ended with the keys found.
    public var keysFound = 0
    /// Waits given up at the held-bytes limit: the connection is not decrypted (no key).
    public var heldLimitReached = 0
    /// Waits that ended with the connection (or a gap) without the keys: not decrypted (no key).
    public var endedWithoutKeys = 0
    /// Connections that could not wait: ``TLSDecryptionLimits/maxConnectionsWaitingForKeys`` were
    /// already waiting. Not decrypted (no key) unless the key was there at once.
    public var refusedAtLimit = 0

    /// All zero.
    public init() {}
}
