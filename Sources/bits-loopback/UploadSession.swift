/// Where a server-side upload session stands.
enum UploadSessionState: String, Codable {
    /// Created; fragments accepted.
    case receiving
    /// Close-Session acknowledged (complete or not); further requests get BG_E_SESSION_NOT_FOUND.
    case closed
    /// Cancel-Session acknowledged; further requests get BG_E_SESSION_NOT_FOUND.
    case cancelled
}

/// One upload as the server holds it: the bytes stored so far (always the prefix 0..<E).
final class UploadSession {
    /// `BITS-Session-Id` as issued, `{GUID}` in upper case.
    let id: String
    /// Current state.
    var state = UploadSessionState.receiving
    /// The total length, fixed by the first fragment; nil before it.
    var totalLength: Int?
    /// Stored bytes; `data.count` is the next expected offset E.
    var data: [UInt8] = []
    /// Numbers of the TCP connections that carried requests of this session.
    var connections: Set<Int> = []

    /// A new, empty session.
    init(id: String) { self.id = id }
}

/// What the server reports about one session when it stops.
struct ServerSessionSummary: Codable {
    /// `BITS-Session-Id`.
    var sessionID: String
    /// Final state.
    var state: UploadSessionState
    /// Total length from the fragments, nil if none arrived.
    var totalLength: Int?
    /// Bytes stored (the next expected offset).
    var storedBytes: Int
    /// Lower-case hex SHA-256 of the stored bytes.
    var sha256: String
    /// How many TCP connections carried the session's requests.
    var connections: Int

    enum CodingKeys: String, CodingKey {
        case sessionID = "session_id", state, totalLength = "total_length", storedBytes = "stored_bytes"
        case sha256, connections
    }

    /// Writes every key, `total_length` as null when unknown.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(state, forKey: .state)
        try container.encode(totalLength, forKey: .totalLength)
        try container.encode(storedBytes, forKey: .storedBytes)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(connections, forKey: .connections)
    }
}
