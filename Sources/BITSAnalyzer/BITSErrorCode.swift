/// A `BITS-Error-Code` (or older `BITS-Error`) value: an HRESULT written in hex.
public struct BITSErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The HRESULT.
    public var value: UInt32

    /// Wraps an HRESULT.
    public init(_ value: UInt32) { self.value = value }

    /// Parses leniently, as the reference §4.5 advises: optional `0x` or `x` prefix, any case,
    /// surrounding spaces. Returns `nil` for anything that is not 1 to 8 hex digits.
    public init?(headerValue: String) {
        var text = Substring(headerValue.trimmingASCIIWhitespace().lowercased())
        if text.hasPrefix("0x") { text = text.dropFirst(2) } else if text.hasPrefix("x") { text = text.dropFirst() }
        guard !text.isEmpty, text.count <= 8, let parsed = UInt32(text, radix: 16) else { return nil }
        value = parsed
    }

    /// `0x8020001F`: eight upper-case hex digits.
    public var description: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The HRESULT's symbolic name where known (reference §4.1–4.2), e.g. `BG_E_SESSION_NOT_FOUND`.
    public var name: String? {
        if let known = Self.names[value] { return known }
        // BG_E_HTTP_ERROR_<status> is 0x80190000 plus the HTTP status (reference §4.2).
        if value >= 0x8019_0064, value <= 0x8019_0257 { return "BG_E_HTTP_ERROR_\(value - 0x8019_0000)" }
        return nil
    }

    /// Whether the value means "no error" (`0`).
    public var isNoError: Bool { value == 0 }

    /// BG_E_SESSION_NOT_FOUND, the code that makes a client start over.
    public static let sessionNotFound = BITSErrorCode(0x8020_001F)

    private static let names: [UInt32: String] = [
        0x8020_001F: "BG_E_SESSION_NOT_FOUND",
        0x8007_0005: "E_ACCESSDENIED",
        0x8007_0057: "E_INVALIDARG",
        0x8020_0020: "BG_E_TOO_LARGE",
        0x8007_0070: "ERROR_DISK_FULL",
        0x8007_0112: "ERROR_DISK_FULL (as the spec prints it)",
        0x8020_001B: "BG_E_INVALID_SERVER_RESPONSE",
        0x8020_001C: "BG_E_TOO_MANY_FILES",
        0x8020_001D: "BG_E_LOCAL_FILE_CHANGED",
        0x8020_001E: "BG_E_ERROR_CONTEXT_REMOTE_APPLICATION",
        0x8020_0022: "BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH",
        0x8020_0023: "BG_E_SERVER_EXECUTE_ENABLE",
        0x8020_0024: "BG_E_NO_PROGRESS",
        0x8020_0005: "BG_E_PROTOCOL_NOT_AVAILABLE",
        0x8007_2F0C: "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED",
    ]
}
