/// One request the client sent and what the server answered.
struct ManifestRequest: Encodable {
    /// `create-session`, `fragment`, `close-session`, `cancel-session` or `ping`.
    var type: String
    /// HTTP status of the Ack.
    var status: Int
    /// `[first, last, total]` of a Fragment, nil otherwise.
    var range: [Int]?
    /// `BITS-Received-Content-Range` of the Ack, nil when absent.
    var received: Int?

    /// Writes every key, absent values as null.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(status, forKey: .status)
        try container.encode(range, forKey: .range)
        try container.encode(received, forKey: .received)
    }

    private enum CodingKeys: String, CodingKey { case type, status, range, received }
}

/// One session the client ran, with what an analyzer of the capture must conclude about it.
struct ManifestSession: Encodable {
    /// `BITS-Session-Id` the server issued.
    var sessionID: String
    /// Length of the file being uploaded.
    var totalLength: Int
    /// The timeline state the analyzer must report (`completed`, `closed-partial`, `cancelled`,
    /// `orphaned`, `uploaded-not-closed`).
    var expectedState: String
    /// The finding codes the analyzer must report for this session, and no others.
    var expectedFindings: [String]
    /// Every request of the session in order, Pings on its connections included.
    var requests: [ManifestRequest]
    /// TCP connections the session used.
    var connections: Int
    /// Lower-case hex SHA-256 of the whole file.
    var sha256: String

    enum CodingKeys: String, CodingKey {
        case sessionID = "session_id", totalLength = "total_length", expectedState = "expected_state"
        case expectedFindings = "expected_findings", requests, connections, sha256
    }
}

/// What `bits-loopback client` did, written as JSON for tests.
struct UploadManifest: Encodable {
    /// The scenario name given on the command line (`all` for every scenario).
    var scenario: String
    /// Every session, in the order run.
    var sessions: [ManifestSession]
    /// Fragment body bytes sent in total.
    var uploadBytes: Int

    enum CodingKeys: String, CodingKey {
        case scenario, sessions, uploadBytes = "upload_bytes"
    }
}
