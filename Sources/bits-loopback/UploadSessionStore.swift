import Foundation

/// The outcome of one Fragment for the Ack.
enum FragmentOutcome: Equatable {
    /// Stored (possibly only its new tail) or a pure duplicate: 200 with the next expected offset.
    case acknowledged(next: Int)
    /// Starts past the next expected offset: 416 with that offset.
    case outOfSync(next: Int)
    /// No such open session: 500 + BG_E_SESSION_NOT_FOUND.
    case sessionNotFound
    /// Range does not fit the body or the session's total: 400 + E_INVALIDARG.
    case invalidRange
    /// The upload exceeds the server's bounds: 500 + BG_E_TOO_LARGE.
    case tooLarge
}

/// The server's sessions, shared by every connection (a client may resume on a new connection).
/// All access goes through one lock.
final class UploadSessionStore: @unchecked Sendable {
    /// Most sessions kept; Create-Session beyond it fails.
    static let maxSessions = 1024
    /// Largest total length accepted for one upload.
    static let maxUploadBytes = 64 * 1024 * 1024
    /// Most bytes stored across all sessions.
    static let maxStoredBytes = 256 * 1024 * 1024

    private let lock = NSLock()
    private var sessions: [String: UploadSession] = [:]
    private var creationOrder: [String] = []
    private var storedBytes = 0

    /// An empty store.
    init() {}

    /// Creates a session and returns its ID, or nil when `maxSessions` is reached.
    func createSession(connection: Int) -> String? {
        lock.withLock {
            guard sessions.count < Self.maxSessions else { return nil }
            let id = "{\(UUID().uuidString.uppercased())}"
            let session = UploadSession(id: id)
            session.connections.insert(connection)
            sessions[id] = session
            creationOrder.append(id)
            return id
        }
    }

    /// Applies a Fragment `first-last/total` with `body` to session `id` (BITS fragment rules, §3.4 of
    /// the protocol reference): only bytes past the next expected offset E are stored.
    func storeFragment(id: String, first: Int, last: Int, total: Int, body: [UInt8], connection: Int)
        -> FragmentOutcome {
        lock.withLock {
            guard let session = sessions[id], session.state == .receiving else { return .sessionNotFound }
            session.connections.insert(connection)
            // Checked in this order, last < total <= Int.max keeps last - first + 1 from overflowing.
            guard first >= 0, first <= last, last < total, body.count == last - first + 1 else { return .invalidRange }
            if let known = session.totalLength, known != total { return .invalidRange }
            guard total <= Self.maxUploadBytes else { return .tooLarge }
            session.totalLength = total
            let expected = session.data.count
            if first > expected { return .outOfSync(next: expected) }
            if last < expected { return .acknowledged(next: expected) }
            let newBytes = body[(expected - first)...]
            guard storedBytes + newBytes.count <= Self.maxStoredBytes else { return .tooLarge }
            session.data.append(contentsOf: newBytes)
            storedBytes += newBytes.count
            return .acknowledged(next: session.data.count)
        }
    }

    /// Moves open session `id` to `state` (closed or cancelled); false if there is no open session `id`.
    func finish(id: String, as state: UploadSessionState, connection: Int) -> Bool {
        lock.withLock {
            guard let session = sessions[id], session.state == .receiving else { return false }
            session.connections.insert(connection)
            session.state = state
            return true
        }
    }

    /// Every session in creation order, with digests of the stored bytes.
    func summaries() -> [ServerSessionSummary] {
        lock.withLock {
            creationOrder.compactMap { sessions[$0] }.map { session in
                ServerSessionSummary(
                    sessionID: session.id, state: session.state, totalLength: session.totalLength,
                    storedBytes: session.data.count, sha256: SHA256.hex(of: session.data),
                    connections: session.connections.count)
            }
        }
    }
}
