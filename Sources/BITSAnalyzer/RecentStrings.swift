import HTTP1Parser

/// Header values made into `String`s lately, handed out again for a value spelt with the very same
/// bytes: the Host, Content-Name, protocol GUIDs and session ID of a busy server's uploads repeat
/// within a session and across sessions, and each `String` made cost its UTF-8 check, an allocation
/// past 15 bytes, and its release later.
///
/// Direct-mapped: a value's length and last bytes pick one slot, compared with `memcmp`; a miss
/// makes the string and keeps it there. Reused only on equal bytes, so the result is always the
/// `String(decoding:as:)` of the bytes (a string decoded from invalid UTF-8 has other bytes than
/// its source, and is never matched). At most ``slots`` strings of at most ``maxBytes`` bytes each
/// are kept (`docs/limits.md`).
struct RecentStrings {
    /// How many strings are kept: the few values shared by every session, and the IDs and names of
    /// the sessions under way at once.
    static let slots = 64

    /// The longest value kept: longer ones are made each time (a hostile head's long values would
    /// otherwise stay in memory).
    static let maxBytes = 128

    private var kept = [String?](repeating: nil, count: RecentStrings.slots)

    /// `String(decoding: bytes, as: UTF8.self)`, or an equal string kept from before.
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count <= Self.maxBytes else { return String(decoding: bytes, as: UTF8.self) }
        let slot = Self.slot(of: bytes)
        if let candidate = kept[slot], candidate.withUTF8Bytes({ $0.sameBytes(as: bytes) }) { return candidate }
        let made = String(decoding: bytes, as: UTF8.self)
        kept[slot] = made
        return made
    }

    /// The slot of a value: its length and its last three bytes (a GUID's last hex digits; a name's
    /// ending), folded into ``slots``.
    private static func slot(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count
        var mix = UInt(truncatingIfNeeded: count)
        if count >= 3 {
            mix = mix &* 31 &+ UInt(bytes[count - 2]) &* 131 &+ UInt(bytes[count - 3]) &* 7 &+ UInt(bytes[count - 1])
        } else if count > 0 {
            mix = mix &* 31 &+ UInt(bytes[count - 1])
        }
        return Int(mix % UInt(slots))
    }
}

extension HTTPHeaders {
    /// The first field called `name`'s value (as `self[name]` gives it), reused from `recent` when a
    /// value with the same bytes was made lately.
    func sharedValue(_ name: HTTPFieldName, reusing recent: inout RecentStrings) -> String? {
        withValueBytes(name) { $0.map { recent.string($0) } }
    }

    /// ``trimmedValue(_:)-(HTTPFieldName)`` reused from `recent` when the value has no blank to trim
    /// (a trimmed one is made as before).
    func trimmedValue(_ name: HTTPFieldName, reusing recent: inout RecentStrings) -> String? {
        withValueBytes(name) { bytes in
            guard let bytes else { return nil }
            if let first = bytes.first, let last = bytes.last, Self.isBlank(first) || Self.isBlank(last) {
                return Self.trimmed(bytes)
            }
            return recent.string(bytes)
        }
    }
}
