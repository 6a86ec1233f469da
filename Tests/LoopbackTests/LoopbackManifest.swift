/// The JSON manifest `bits-loopback client` writes: what the client did, per session.
struct LoopbackManifest: Decodable {
    /// One request of a session and its Ack.
    struct Request: Decodable {
        /// `create-session`, `fragment`, `close-session`, `cancel-session` or `ping`.
        var type: String
        /// HTTP status of the Ack.
        var status: Int
        /// `[first, last, total]` of a fragment, nil otherwise.
        var range: [Int]?
        /// `BITS-Received-Content-Range` of the Ack, nil when absent.
        var received: Int?
    }

    /// One session the client ran.
    struct Session: Decodable {
        /// `BITS-Session-Id`.
        var sessionID: String
        /// Length of the client's file.
        var totalLength: Int
        /// The state the analyzer must report for it.
        var expectedState: String
        /// The finding codes the analyzer must report for it, and no others.
        var expectedFindings: [String]
        /// Requests in order.
        var requests: [Request]
        /// TCP connections used.
        var connections: Int
        /// SHA-256 (hex) of the client's whole file.
        var sha256: String

        enum CodingKeys: String, CodingKey {
            case sessionID = "session_id", totalLength = "total_length", expectedState = "expected_state"
            case expectedFindings = "expected_findings", requests, connections, sha256
        }
    }

    /// The scenario argument (`all`, a name, or several names joined by commas when merged).
    var scenario: String
    /// Every session in the order run.
    var sessions: [Session]
    /// Fragment body bytes sent.
    var uploadBytes: Int

    enum CodingKeys: String, CodingKey { case scenario, sessions, uploadBytes = "upload_bytes" }
}

/// The JSON summary `bits-loopback server` prints when it stops.
struct LoopbackServerReport: Decodable {
    /// One session as the server holds it.
    struct Session: Decodable {
        /// `BITS-Session-Id`.
        var sessionID: String
        /// `receiving`, `closed` or `cancelled`.
        var state: String
        /// Total length from the fragments, nil if none arrived.
        var totalLength: Int?
        /// Bytes stored (the server's next expected offset).
        var storedBytes: Int
        /// SHA-256 (hex) of the stored bytes.
        var sha256: String
        /// TCP connections that carried the session's requests.
        var connections: Int

        enum CodingKeys: String, CodingKey {
            case sessionID = "session_id", state, totalLength = "total_length", storedBytes = "stored_bytes"
            case sha256, connections
        }
    }

    /// Sessions in creation order.
    var sessions: [Session]

    /// The session with `id`, or nil.
    func session(_ id: String) -> Session? { sessions.first { $0.sessionID == id } }
}
