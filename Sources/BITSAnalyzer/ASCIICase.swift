/// ASCII case-insensitive comparison and hashing of header values, without the allocation (and the
/// Unicode case mapping) of `lowercased()`: packet types, methods and session IDs are ASCII.
extension String {
    /// Whether the string equals `other`, ASCII letters compared without case.
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var mine = self, theirs = other
        return mine.withUTF8 { left in
            theirs.withUTF8 { right in
                for index in 0..<left.count where Self.lowerASCII(left[index]) != Self.lowerASCII(right[index]) {
                    return false
                }
                return true
            }
        }
    }

    /// FNV-1a over the ASCII-lower-cased UTF-8 bytes (deterministic across runs, unlike `Hasher`).
    var caseFoldedDigest: UInt64 {
        var text = self
        return text.withUTF8 { bytes in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(Self.lowerASCII(byte))) &* 0x0000_0100_0000_01B3 }
            return hash
        }
    }

    /// `byte` with an ASCII upper-case letter made lower-case.
    @inline(__always)
    static func lowerASCII(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }
}

/// A session ID as a dictionary key: equal and hashed without regard to ASCII case (IDs are GUIDs
/// that clients and servers spell in either case), without making a lower-cased copy.
struct SessionIDKey: Hashable {
    let text: String

    static func == (lhs: SessionIDKey, rhs: SessionIDKey) -> Bool { lhs.text.equalsIgnoringASCIICase(rhs.text) }

    /// Folded to one word first: feeding the hasher byte by byte costs a SipHash round each.
    func hash(into hasher: inout Hasher) { hasher.combine(text.caseFoldedDigest) }
}
