/// The `BITS-Packet-Type` of a message, compared case-insensitively (the spec writes
/// `CREATE-SESSION`, Windows sends `Create-Session`; reference §1 conventions).
public enum BITSPacketType: Hashable, Sendable, CustomStringConvertible {
    /// Opens or authenticates a connection; no session.
    case ping
    /// Asks for a new upload session.
    case createSession
    /// Carries one contiguous range of the file.
    case fragment
    /// Commits the upload.
    case closeSession
    /// Abandons the session.
    case cancelSession
    /// The server's answer to any of the above.
    case ack
    /// Any other value, as sent.
    case unknown(String)

    /// Whether a BITS-Packet-Type value's bytes say `Ack` (any case, surrounding white space
    /// ignored), without making a `String`: every answer is asked this.
    static func isAck(_ value: UnsafeBufferPointer<UInt8>?) -> Bool {
        value?.trimmingASCIIWhitespace().equalsIgnoringASCIICase(lowercase: "ack") ?? false
    }

    /// Parses a header value's bytes; surrounding white space is ignored. A `String` is made only
    /// for an unknown type.
    init(headerBytes: UnsafeBufferPointer<UInt8>) {
        let trimmed = headerBytes.trimmingASCIIWhitespace()
        // The names differ in length but for two: the length picks the one or two to compare.
        switch trimmed.count {
        case 3 where trimmed.equalsIgnoringASCIICase(lowercase: "ack"): self = .ack
        case 4 where trimmed.equalsIgnoringASCIICase(lowercase: "ping"): self = .ping
        case 8 where trimmed.equalsIgnoringASCIICase(lowercase: "fragment"): self = .fragment
        case 13 where trimmed.equalsIgnoringASCIICase(lowercase: "close-session"): self = .closeSession
        case 14 where trimmed.equalsIgnoringASCIICase(lowercase: "create-session"): self = .createSession
        case 14 where trimmed.equalsIgnoringASCIICase(lowercase: "cancel-session"): self = .cancelSession
        default: self = .unknown(String(decoding: trimmed, as: UTF8.self))
        }
    }

    /// Parses a header value; surrounding white space is ignored.
    public init(headerValue: String) {
        self = headerValue.withUTF8Bytes(Self.init(headerBytes:))
    }

    /// The name used in output: `ping`, `create-session`, `fragment`, `close-session`,
    /// `cancel-session`, `ack`, or the value as sent.
    public var description: String {
        switch self {
        case .ping: return "ping"
        case .createSession: return "create-session"
        case .fragment: return "fragment"
        case .closeSession: return "close-session"
        case .cancelSession: return "cancel-session"
        case .ack: return "ack"
        case .unknown(let value): return value
        }
    }

    /// Whether a request of this type must have an empty body (all but Fragment; reference §1.1).
    public var forbidsBody: Bool {
        switch self {
        case .ping, .createSession, .closeSession, .cancelSession: return true
        default: return false
        }
    }

    /// Whether requests of this type must name a session (reference finding 27).
    public var requiresSessionID: Bool {
        switch self {
        case .fragment, .closeSession, .cancelSession: return true
        default: return false
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (HTTP's optional white space).
    func trimmingASCIIWhitespace() -> String {
        // Header values arrive trimmed already: return them as they are, without a copy.
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard utf8.first.map(isBlank) == true || utf8.last.map(isBlank) == true else { return self }
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
