import AnalyzerCore
import TrafficSynthesis

/// One request of a generated capture as the bytes show it, with its answer.
struct CapturedExchange {
    /// Index of the conversation in the scenario.
    var conversation: Int
    /// The server endpoint of that conversation.
    var server: Endpoint
    var request: HTTPTestParser.Message
    var response: HTTPTestParser.Message?
    /// Capture time of the earliest packet carrying the request's first byte.
    var time: CaptureTimestamp

    /// The lower-cased BITS-Packet-Type of a BITS_POST (or of another method carrying it, as the
    /// analyzer counts it), or `nil` for any other request.
    var bitsType: String? {
        request.method == "BITS_POST" || request.value("BITS-Packet-Type") != nil
            ? request.value("BITS-Packet-Type")?.lowercased() : nil
    }
}

/// The scenarios' expected states and finding codes exactly as the task lists them.
enum BriefTable {
    static let rows: [(name: String, state: String, findings: [String])] = [
        ("clean-upload", "completed", []),
        ("clean-upload-ping", "completed", []),
        ("orphaned-half", "orphaned", ["orphaned-session"]),
        ("uploaded-not-closed", "uploaded-not-closed", ["complete-not-closed"]),
        ("close-halfway", "closed-partial", ["partial-file-close"]),
        ("close-no-fragment", "closed-partial", ["partial-file-close"]),
        ("cancel", "cancelled", []),
        ("gap-416-fixed", "completed", ["fragment-gap", "out-of-sync-416"]),
        ("ignored-416", "completed", ["client-ignored-resync", "fragment-gap", "out-of-sync-416"]),
        ("overlap", "completed", ["fragment-overlap"]),
        ("duplicate-after-lost-ack", "completed", ["fragment-duplicate", "session-multi-connection"]),
        ("fragment-after-close", "completed", ["fragment-after-close", "server-error"]),
        ("midstream-capture", "completed", ["unknown-session"]),
        ("create-refused", "rejected", ["access-denied"]),
        ("reply-not-fetched", "completed", ["reply-not-fetched"]),
        ("reply-fetched", "completed", []),
        ("three-connections", "completed", ["session-multi-connection"]),
        ("host-id-moved", "completed", ["session-moved-server", "session-multi-connection"]),
        ("total-length-changed", "orphaned", ["orphaned-session", "server-error", "total-length-changed"]),
        ("body-shorter-than-range", "orphaned", ["orphaned-session", "range-mismatch", "server-error"]),
        ("range-past-total", "orphaned", ["orphaned-session", "range-beyond-total", "server-error"]),
        ("malformed-range", "orphaned", ["malformed-content-range", "orphaned-session", "server-error"]),
        ("protocol-mismatch", "completed", ["protocol-mismatch"]),
        ("auth-challenge-ping", "completed", ["auth-challenge"]),
        ("short-ack-resumed", "completed", ["ack-range-mismatch"]),
        ("never-answered", "orphaned", ["missing-ack", "orphaned-session"]),
        ("pipelined", "completed", ["pipelined-request"]),
        ("upper-case-types", "completed", []),
        ("bits-error-header", "rejected", ["error-header-name-variant", "error-status-mismatch", "server-error"]),
        ("missing-session-id", "completed", ["missing-session-id", "server-error"]),
        ("server-unknown-session", "orphaned", ["orphaned-session", "server-error", "unknown-session"]),
        ("auth-challenge-create", "completed", ["auth-challenge"]),
        ("auth-ntlm-three-legs", "completed", ["auth-challenge"]),
        ("auth-basic", "completed", ["auth-challenge", "basic-auth-cleartext"]),
        ("auth-proxy-407", "completed", ["auth-challenge"]),
        ("auth-new-connection", "completed", ["auth-challenge"]),
        ("auth-challenge-fragment-close", "completed", ["auth-challenge"]),
        ("auth-challenge-refused", "rejected", ["auth-challenge"]),
        ("error-header-on-success", "completed", ["error-header-on-success"]),
        ("error-context-orphan", "rejected", ["error-context-orphan", "server-error"]),
        ("invalid-error-context", "rejected", ["invalid-error-context", "server-error"]),
        ("error-context-mismatch", "rejected", ["error-context-mismatch", "server-error"]),
        ("error-status-mismatch", "rejected", ["error-status-mismatch", "server-error"]),
        ("error-code-missing", "rejected", ["error-code-missing", "server-error"]),
        ("client-server-http-error-codes", "rejected", ["client-server-http-error-codes", "server-error"]),
        ("uploads-disabled", "rejected", ["uploads-disabled"]),
        ("destination-conflict", "rejected", ["destination-conflict"]),
        ("upload-too-large", "cancelled", ["upload-too-large"]),
        ("fragment-413-smaller", "completed", ["error-code-missing", "upload-too-large"]),
        ("server-disk-full", "orphaned", ["orphaned-session", "server-disk-full"]),
        ("server-application-error", "orphaned", ["orphaned-session", "server-application-error"]),
        ("notification-missing-original-url", "completed", []),
        ("notification-reference-headers-inconsistent", "completed", []),
        ("notification-slow", "completed", []),
        ("non-bits-post-method", "completed", ["non-bits-post-method"]),
        ("ack-without-content-length", "completed", ["ack-missing-content-length"]),
        ("ack-with-body", "completed", ["ack-has-body"]),
        ("missing-content-length", "completed", ["missing-content-length"]),
        ("oversized-header", "completed", ["oversized-header"]),
        ("slow-ack", "completed", ["slow-ack"]),
        ("missing-supported-protocols", "completed", ["missing-supported-protocols", "protocol-mismatch"]),
        ("unknown-protocol-offer", "rejected", ["server-error", "unknown-protocol-offer"]),
        ("numeric-session-id", "completed", ["malformed-session-id"]),
        ("impersonated-iis", "completed", ["impersonated-iis-server", "malformed-session-id"]),
        ("unsupported-encoding", "completed", ["unsupported-encoding"]),
        ("missing-content-range", "orphaned", ["missing-content-range", "orphaned-session", "server-error"]),
        ("413-not-shrunk", "completed", ["413-not-shrunk", "error-code-missing", "upload-too-large"]),
        ("fragment-size-unusual", "completed", ["fragment-size-unusual"]),
        ("content-name-anomaly", "completed", ["content-name-anomaly"]),
        ("ntlm-without-ping", "completed", ["auth-challenge", "ntlm-without-ping", "session-multi-connection"]),
        ("non-windows-client", "completed", ["non-windows-client"]),
        ("create-refused-with-protocol", "rejected", ["protocol-on-error-ack", "server-error"]),
        ("create-session-201", "completed", ["create-session-201"]),
        ("host-id-timeout-alone", "completed", ["host-id-fallback-inconsistent"]),
        ("host-id-not-honored", "completed", ["host-id-not-honored"]),
        ("host-id-fallback", "completed", ["host-id-fallback", "session-moved-server", "session-multi-connection"]),
        ("session-not-found-wrong-code", "completed", ["fragment-after-close", "server-error", "session-not-found-wrong-code"]),
        ("fragment-after-complete", "completed", ["fragment-after-complete", "fragment-duplicate"]),
        ("received-range-past-total", "completed",
         ["ack-range-mismatch", "ack-range-regression", "fragment-after-complete", "fragment-duplicate", "received-range-malformed"]),
        ("session-id-echo-mismatch", "completed", ["session-id-echo-mismatch"]),
        ("ack-missing-session-id", "completed", ["ack-missing-session-id"]),
        ("reply-url-on-non-final-ack", "completed", ["reply-url-on-non-final-ack"]),
        ("reply-url-too-long", "completed", ["reply-url-inconsistent"]),
        ("cancel-after-complete", "cancelled", ["cancel-after-complete"]),
        ("close-retry-after-400", "completed", ["close-retry-anomaly", "server-error"]),
        ("restart-missing", "orphaned", ["orphaned-session", "restart-missing", "server-error", "unknown-session"]),
    ]

    /// Findings of a scenario that belong to no session (the notification connection's).
    static let sessionlessFindings: [String: [String]] = [
        "notification-missing-original-url": ["notification-missing-original-url"],
        "notification-reference-headers-inconsistent": ["notification-reference-headers-inconsistent"],
        "notification-slow": ["notification-slow"],
    ]
}

extension BITSScenario {
    /// Every captured request of every conversation with its answer (HTTP pairing: the n-th
    /// response answers the n-th request), ordered by capture time; throws when a stream does
    /// not parse as HTTP messages.
    func capturedExchanges() throws -> [CapturedExchange] {
        var exchanges: [CapturedExchange] = []
        for (index, conversation) in conversations.enumerated() {
            let client = conversation.expectedClient
            let requests = try HTTPTestParser.messages(client.deliveredBytes).get()
            let responses = try HTTPTestParser.messages(conversation.expectedServer.deliveredBytes).get()
            for (position, request) in requests.enumerated() {
                let offset = request.offset + client.skippedLeadingBytes
                let times = zip(conversation.packets, conversation.packetInfo).filter {
                    $0.1.direction == .clientToServer && $0.1.payloadOffsets.contains(offset)
                }.map(\.0.timestamp)
                exchanges.append(CapturedExchange(
                    conversation: index, server: conversation.server, request: request,
                    response: position < responses.count ? responses[position] : nil,
                    time: times.min() ?? .zero
                ))
            }
        }
        return exchanges.sorted { $0.time < $1.time }
    }
}
