extension ExpectedBITSAnalysis {
    /// The expectation as JSON (keys in a fixed order, two-space indentation, trailing newline),
    /// for `samples/expected/*.bits.json`. Files appear as their length and FNV-1a 64 hash.
    public var json: String { JSONText.render(.object(jsonMembers)) }

    /// The members of ``json``'s object, for embedding in a larger document.
    var jsonMembers: [(String, JSONText.Value)] {
        [
            ("sessions", .array(sessions.map(Self.json))),
            ("findings", .array(findings.map { finding in
                .object([("code", .string(finding.code)), ("sessionID", Self.optional(finding.sessionID))])
            })),
            ("clientFile", Self.json(file: clientFile)),
            ("serverFile", Self.json(file: serverFile)),
            ("serverFileEqualsClientFile", .bool(serverFile == clientFile)),
        ]
    }

    /// The 64-bit FNV-1a hash of `bytes` as 16 lower-case hex digits.
    public static func fnv1a64(_ bytes: [UInt8]) -> String { BITSGUID.hex(fnv1a64Value(bytes), width: 16) }

    /// The 64-bit FNV-1a hash of `bytes`.
    static func fnv1a64Value(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        // FNV-1a is defined modulo 2^64.
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    private static func json(_ session: ExpectedBITSSession) -> JSONText.Value {
        .object([
            ("sessionID", optional(session.sessionID)),
            ("state", .string(session.state)),
            ("totalLength", session.totalLength.map { .unsigned($0) } ?? .null),
            ("bytesAcknowledged", session.bytesAcknowledged.map { .unsigned($0) } ?? .null),
            ("connectionCount", .integer(Int64(session.connectionCount))),
            ("requests", .array(session.requests.map { request in
                let status: JSONText.Value = request.status.map { .integer(Int64($0)) } ?? .null
                return .object([("type", .string(request.type)), ("status", status)])
            })),
            ("findings", .array(session.findings.map { .string($0) })),
        ])
    }

    private static func json(file: [UInt8]) -> JSONText.Value {
        .object([("length", .integer(Int64(file.count))), ("fnv1a64", .string(fnv1a64(file)))])
    }

    private static func optional(_ string: String?) -> JSONText.Value { string.map { .string($0) } ?? .null }
}
