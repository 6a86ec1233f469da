/// How a capture's bytes are compressed, told by their first bytes (never by the file's name).
enum CaptureCompression: Sendable, Equatable {
    /// Not compressed (or not a compression bitsnoop knows: libpcap judges the bytes).
    case none
    /// gzip (RFC 1952) members, `1F 8B`; zlib-wrapped deflate is accepted too.
    case gzip
    /// Zstandard frames (RFC 8878), `28 B5 2F FD`.
    case zstd

    /// The most leading bytes ``detect(_:)`` needs.
    static let magicBytes = 4

    /// The compression `head` (the first bytes of an input) starts with; `.none` for anything else.
    static func detect(_ head: UnsafeRawBufferPointer) -> CaptureCompression {
        if head.count >= 2, head[0] == 0x1F, head[1] == 0x8B { return .gzip }
        if head.count >= 4, head[0] == 0x28, head[1] == 0xB5, head[2] == 0x2F, head[3] == 0xFD { return .zstd }
        return .none
    }

    /// The name used in messages: `gzip`, `zstd`, `uncompressed`.
    var name: String {
        switch self {
        case .none: return "uncompressed"
        case .gzip: return "gzip"
        case .zstd: return "zstd"
        }
    }
}
