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
        if let known = Self.unpaddedKnownType(headerBytes) {
            self = known
            return
        }
        self.init(anySpelling: headerBytes)
    }

    /// The known type a value without blanks around it names (any letter case), read a word or two
    /// at once; `nil` for anything else, which ``init(anySpelling:)`` then reads. Each name is
    /// compared whole (a long one as two overlapping words), so this gives what that gives.
    static func unpaddedKnownType(_ bytes: UnsafeBufferPointer<UInt8>) -> BITSPacketType? {
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        // The names' bytes as little-endian words (lower case; the long names' second word starts
        // eight bytes before their end).
        switch bytes.count {
        case 14:
            guard lowered(raw, at: 6) == 0x6e6f_6973_7365_732d else { return nil }  // "-session"
            switch lowered(raw, at: 0) {
            case 0x732d_6574_6165_7263: return .createSession  // "create-s"
            case 0x732d_6c65_636e_6163: return .cancelSession  // "cancel-s"
            default: return nil
            }
        case 8: return lowered(raw, at: 0) == 0x746e_656d_6761_7266 ? .fragment : nil  // "fragment"
        case 13:
            return lowered(raw, at: 0) == 0x6573_2d65_736f_6c63 && lowered(raw, at: 5) == 0x6e6f_6973_7365_732d
                ? .closeSession : nil  // "close-se", "-session"
        case 4: return lowered(UInt64(raw.loadUnaligned(as: UInt32.self))) == 0x676e_6970 ? .ping : nil  // "ping"
        case 3:
            let word = UInt64(raw.loadUnaligned(as: UInt16.self)) | UInt64(raw.load(fromByteOffset: 2, as: UInt8.self)) << 16
            return lowered(word) == 0x6b_6361 ? .ack : nil  // "ack"
        default: return nil
        }
    }

    /// The eight bytes at `offset`, as a little-endian word with ASCII letters in lower case.
    @inline(__always)
    private static func lowered(_ raw: UnsafeRawPointer, at offset: Int) -> UInt64 {
        lowered(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// `word` (little-endian bytes) with its ASCII letters in lower case.
    @inline(__always)
    private static func lowered(_ word: UInt64) -> UInt64 { String.lowerASCII(word: UInt64(littleEndian: word)) }

    /// ``init(headerBytes:)`` for any spelling: blanks trimmed, each name compared byte by byte.
    init(anySpelling headerBytes: UnsafeBufferPointer<UInt8>) {
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
