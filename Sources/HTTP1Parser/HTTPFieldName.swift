/// A header field name known in advance: the framing's and the ones the BITS analysis asks of
/// every message. The parser notes, for each of these names, which field is the first to carry it,
/// so that a look-up by ``HTTPFieldName`` is a load rather than a scan of the fields (a BITS
/// session asks some sixty-four of them). Any other name is looked up by its `String`.
///
/// Names compare as ``HTTPHeaders`` compares them: ASCII letters without case, nothing else
/// folded; `HTTPFieldName("bits-session-id") == .bitsSessionID`.
public struct HTTPFieldName: Hashable, Sendable, CustomStringConvertible {
    /// Index in ``spellings`` and in ``HTTPFieldSlots``.
    @usableFromInline let slot: Int

    @usableFromInline init(slot: Int) { self.slot = slot }

    /// The known name `name` spells (ASCII letters in any case), or `nil` for any other name.
    public init?(_ name: String) {
        guard let slot = ASCII.withBytes(of: name, { Self.slot(of: UnsafeRawBufferPointer($0)) }) else { return nil }
        self.slot = slot
    }

    /// The name as the specifications spell it.
    public var description: String { Self.spellings[slot] }

    // MARK: - The names (each `static let` is its slot in `spellings`)

    /// `Content-Length`.
    @inlinable public static var contentLength: HTTPFieldName { HTTPFieldName(slot: 0) }
    /// `Transfer-Encoding`.
    @inlinable public static var transferEncoding: HTTPFieldName { HTTPFieldName(slot: 1) }
    /// `Content-Encoding`.
    @inlinable public static var contentEncoding: HTTPFieldName { HTTPFieldName(slot: 2) }
    /// `Content-Range`.
    @inlinable public static var contentRange: HTTPFieldName { HTTPFieldName(slot: 3) }
    /// `Content-Name`.
    @inlinable public static var contentName: HTTPFieldName { HTTPFieldName(slot: 4) }
    /// `Host`.
    @inlinable public static var host: HTTPFieldName { HTTPFieldName(slot: 5) }
    /// `User-Agent`.
    @inlinable public static var userAgent: HTTPFieldName { HTTPFieldName(slot: 6) }
    /// `Server`.
    @inlinable public static var server: HTTPFieldName { HTTPFieldName(slot: 7) }
    /// `Authorization`.
    @inlinable public static var authorization: HTTPFieldName { HTTPFieldName(slot: 8) }
    /// `Proxy-Authorization`.
    @inlinable public static var proxyAuthorization: HTTPFieldName { HTTPFieldName(slot: 9) }
    /// `WWW-Authenticate`.
    @inlinable public static var wwwAuthenticate: HTTPFieldName { HTTPFieldName(slot: 10) }
    /// `Proxy-Authenticate`.
    @inlinable public static var proxyAuthenticate: HTTPFieldName { HTTPFieldName(slot: 11) }
    /// `Accept-Encoding`.
    @inlinable public static var acceptEncoding: HTTPFieldName { HTTPFieldName(slot: 12) }
    /// `Pragma`.
    @inlinable public static var pragma: HTTPFieldName { HTTPFieldName(slot: 13) }
    /// `BITS-Packet-Type`.
    @inlinable public static var bitsPacketType: HTTPFieldName { HTTPFieldName(slot: 14) }
    /// `BITS-Session-Id`.
    @inlinable public static var bitsSessionID: HTTPFieldName { HTTPFieldName(slot: 15) }
    /// `BITS-Supported-Protocols`.
    @inlinable public static var bitsSupportedProtocols: HTTPFieldName { HTTPFieldName(slot: 16) }
    /// `BITS-Protocol`.
    @inlinable public static var bitsProtocol: HTTPFieldName { HTTPFieldName(slot: 17) }
    /// `BITS-Error-Code`.
    @inlinable public static var bitsErrorCode: HTTPFieldName { HTTPFieldName(slot: 18) }
    /// `BITS-Error`.
    @inlinable public static var bitsError: HTTPFieldName { HTTPFieldName(slot: 19) }
    /// `BITS-Error-Context`.
    @inlinable public static var bitsErrorContext: HTTPFieldName { HTTPFieldName(slot: 20) }
    /// `BITS-Received-Content-Range`.
    @inlinable public static var bitsReceivedContentRange: HTTPFieldName { HTTPFieldName(slot: 21) }
    /// `BITS-Host-Id`.
    @inlinable public static var bitsHostID: HTTPFieldName { HTTPFieldName(slot: 22) }
    /// `BITS-Host-Id-Fallback-Timeout`.
    @inlinable public static var bitsHostIDFallbackTimeout: HTTPFieldName { HTTPFieldName(slot: 23) }
    /// `BITS-Reply-URL`.
    @inlinable public static var bitsReplyURL: HTTPFieldName { HTTPFieldName(slot: 24) }
    /// `BITS-Original-Request-URL` (a notification to the back-end application).
    @inlinable public static var bitsOriginalRequestURL: HTTPFieldName { HTTPFieldName(slot: 25) }
    /// `BITS-Request-DataFile-Name` (a notification by reference).
    @inlinable public static var bitsRequestDataFileName: HTTPFieldName { HTTPFieldName(slot: 26) }
    /// `BITS-Request-DataEntity-Name` (a notification by reference, as [MC-BUP]'s capture spells it).
    @inlinable public static var bitsRequestDataEntityName: HTTPFieldName { HTTPFieldName(slot: 27) }
    /// `BITS-Response-DataFile-Name` (a notification by reference).
    @inlinable public static var bitsResponseDataFileName: HTTPFieldName { HTTPFieldName(slot: 28) }
    /// `BITS-Response-DataEntity-Name` (a notification by reference, as [MC-BUP]'s capture spells it).
    @inlinable public static var bitsResponseDataEntityName: HTTPFieldName { HTTPFieldName(slot: 29) }
    /// `Accept` (not asked for; a slot so that the many requests carrying it are read at the
    /// cost of a known name, not checked byte by byte as an unknown one).
    @inlinable public static var accept: HTTPFieldName { HTTPFieldName(slot: 30) }
    /// `Connection` (as ``accept``: common on requests and responses).
    @inlinable public static var connection: HTTPFieldName { HTTPFieldName(slot: 31) }

    /// Every known name, in slot order.
    public static let all: [HTTPFieldName] = spellings.indices.map { HTTPFieldName(slot: $0) }

    /// The names by slot. At most 32 (``HTTPFieldSlots`` has a byte per slot in four words), each
    /// 4 to 32 bytes of letters and `-` (what ``slot(of:)`` compares).
    static let spellings = [
        "Content-Length", "Transfer-Encoding", "Content-Encoding", "Content-Range", "Content-Name", "Host",
        "User-Agent", "Server", "Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate",
        "Accept-Encoding", "Pragma", "BITS-Packet-Type", "BITS-Session-Id", "BITS-Supported-Protocols",
        "BITS-Protocol", "BITS-Error-Code", "BITS-Error", "BITS-Error-Context", "BITS-Received-Content-Range",
        "BITS-Host-Id", "BITS-Host-Id-Fallback-Timeout", "BITS-Reply-URL", "BITS-Original-Request-URL",
        "BITS-Request-DataFile-Name", "BITS-Request-DataEntity-Name", "BITS-Response-DataFile-Name",
        "BITS-Response-DataEntity-Name", "Accept", "Connection",
    ]
}

// MARK: - Recognising a known name

extension HTTPFieldName {
    /// The slot of the known name `name` spells (ASCII letters in any case), or `nil`. A hash of
    /// the length and the last four bytes picks the one candidate, whose bytes are then compared a
    /// word at a time: case is ignored by setting bit 5 in the lanes that hold letters (`| 0x20`
    /// maps exactly the upper-case letters onto the lower-case ones), not in those that hold `-`.
    /// Any bytes may be given; a match is all letters and `-`, so all token characters. `known`
    /// is ``KnownNames/shared``, passed in by callers that recognise many names in a row.
    @inline(__always)
    static func slot(of name: UnsafeRawBufferPointer, in known: KnownNames = .shared) -> Int? {
        let length = name.count
        guard length >= 4, length <= KnownNames.maxLength, let base = name.baseAddress else { return nil }
        let lastFour = base.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
        // The bucket is below 1 << bucketBits (a shift of a 32-bit product): inside the table.
        let candidate = Int(known.buckets[KnownNames.bucket(lastFour: lastFour | 0x2020_2020, length: length)])
        guard candidate < known.count, Int(known.lengths[candidate]) == length else { return nil }
        // The candidate's row: its words, then their case bits; `index` below is 0...3.
        let row = known.rows + candidate * KnownNames.rowWords
        func matches(_ word: UInt64, _ index: Int) -> Bool { word | row[KnownNames.wordsPerName + index] == row[index] }
        if length < 8 {
            // The first four bytes and the last four (overlapping when fewer than eight).
            let firstFour = UInt64(base.loadUnaligned(as: UInt32.self))
            return matches(firstFour, 0) && matches(UInt64(lastFour), 3) ? candidate : nil
        }
        // Whole words from the start (at most three: the length is at most 32), then the last eight
        // bytes (overlapping the word before).
        var offset = 0
        while offset + 8 < length {
            guard matches(base.loadUnaligned(fromByteOffset: offset, as: UInt64.self), offset >> 3) else { return nil }
            offset += 8
        }
        return matches(base.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self), 3) ? candidate : nil
    }
}

/// The known names as the recogniser compares them: lower-cased words, the bits that fold their
/// letters' case, lengths, and the hash table that picks a candidate. Built once from
/// ``HTTPFieldName/spellings``.
struct KnownNames: @unchecked Sendable {
    /// Names longer than this are not known ones (three whole words and an overlapping last one).
    static let maxLength = 32
    /// Words kept per name: up to three from the start and the last eight bytes.
    static let wordsPerName = 4
    /// Slots of the hash table: a power of two, chosen with the multiplier so that no two names share one.
    static let bucketBits = 6
    /// The multiplier of ``bucket(lastFour:length:)``.
    static let multiplier: UInt32 = 0x428F_B1B8

    /// The bucket of a name `length` bytes long whose last four bytes, with bit 5 set in each, are
    /// `lastFour` (little-endian).
    @inline(__always)
    static func bucket(lastFour: UInt32, length: Int) -> Int {
        Int(((lastFour ^ UInt32(truncatingIfNeeded: length)) &* multiplier) >> UInt32(32 - bucketBits))
    }

    /// Words per slot in ``rows``: the name's words, then their case bits.
    static var rowWords: Int { 2 * wordsPerName }

    /// The names known.
    let count: Int
    /// Per slot, a row of ``rowWords``: ``wordsPerName`` words of the lower-cased name
    /// (little-endian): the words at 0, 8 and 16 while they lie inside it and its last eight bytes;
    /// for a name under eight bytes, its first four and last four bytes in the first and last word.
    /// Then, for each of these words, 0x20 in the lanes that hold a letter (what `|` folds to lower
    /// case), 0 in those of `-`. Read through a pointer, as are the tables below, without the
    /// bounds checks of an array on every name of every head (the recogniser's indices are in
    /// bounds by construction).
    let rows: UnsafePointer<UInt64>
    /// Per slot, the name's length.
    let lengths: UnsafePointer<UInt8>
    /// Per bucket (``bucketBits``), the slot of the one name that hashes there, or 0xFF.
    let buckets: UnsafePointer<UInt8>

    /// The table of ``HTTPFieldName/spellings``. The only one made: its tables are never freed.
    /// (`@unchecked Sendable`: they are written in `init` and only read after.)
    static let shared = KnownNames(spellings: HTTPFieldName.spellings)

    init(spellings: [String]) {
        var words = [UInt64](repeating: 0, count: spellings.count * Self.wordsPerName)
        var caseBits = words
        var lengths: [UInt8] = []
        var buckets = [UInt8](repeating: 0xFF, count: 1 << Self.bucketBits)
        for (slot, spelling) in spellings.enumerated() {
            let bytes = Array(spelling.lowercased().utf8)
            precondition((4...Self.maxLength).contains(bytes.count) && spellings.count <= 32, "at most 32 names of 4 to 32 bytes")
            precondition(bytes.allSatisfy { (0x61...0x7A).contains($0) || $0 == 0x2D }, "known names are letters and '-'")
            func word(at offset: Int, _ size: Int, _ lane: (UInt8) -> UInt8) -> UInt64 {
                (0..<size).reduce(UInt64(0)) { $0 | UInt64(lane(bytes[offset + $1])) << (8 * $1) }
            }
            func keep(_ index: Int, at offset: Int, _ size: Int) {
                words[slot * Self.wordsPerName + index] = word(at: offset, size) { $0 }
                caseBits[slot * Self.wordsPerName + index] = word(at: offset, size) { $0 == 0x2D ? 0 : 0x20 }
            }
            if bytes.count < 8 {
                keep(0, at: 0, 4)
                keep(3, at: bytes.count - 4, 4)
            } else {
                for index in 0..<3 where index * 8 + 8 < bytes.count { keep(index, at: index * 8, 8) }
                keep(3, at: bytes.count - 8, 8)
            }
            lengths.append(UInt8(bytes.count))
            let bucket = Self.bucket(lastFour: UInt32(word(at: bytes.count - 4, 4) { $0 }), length: bytes.count)
            precondition(buckets[bucket] == 0xFF, "two known names share a bucket: choose another multiplier")
            buckets[bucket] = UInt8(slot)
        }
        let rows = UnsafeMutablePointer<UInt64>.allocate(capacity: spellings.count * Self.rowWords)
        for slot in spellings.indices {
            for index in 0..<Self.wordsPerName {
                rows[slot * Self.rowWords + index] = words[slot * Self.wordsPerName + index]
                rows[slot * Self.rowWords + Self.wordsPerName + index] = caseBits[slot * Self.wordsPerName + index]
            }
        }
        self.count = spellings.count
        self.rows = UnsafePointer(rows)
        self.lengths = Self.table(lengths)
        self.buckets = Self.table(buckets)
    }

    /// `bytes` copied to memory that is never freed.
    private static func table(_ bytes: [UInt8]) -> UnsafePointer<UInt8> {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        table.initialize(from: bytes, count: bytes.count)
        return UnsafePointer(table)
    }
}
