#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ASCII case-insensitive comparison and hashing of header values, without the allocation (and the
/// Unicode case mapping) of `lowercased()`: packet types, methods and session IDs are ASCII.
extension String {
    /// Whether the string equals `other`, ASCII letters compared without case.
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return withUTF8Bytes { left in other.withUTF8Bytes { right in Self.equalIgnoringASCIICase(left, right) } }
    }

    /// Calls `body` with the string's UTF-8 bytes, borrowed in place: `withUTF8` needs a mutable
    /// copy, which cost a retain and a release per call. Only a bridged string (never on Linux)
    /// takes the copy.
    @inline(__always)
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }

    /// Whether two buffers hold the same bytes, ASCII letters compared without case.
    static func equalIgnoringASCIICase(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        // Most IDs come back spelled as they were issued: one memcmp settles those.
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }
        if memcmp(leftBase, rightBase, left.count) == 0 { return true }
        // Eight bytes at a time, each word lower-cased at once (a GUID in the other case is 38 bytes).
        let leftRaw = UnsafeRawPointer(leftBase), rightRaw = UnsafeRawPointer(rightBase)
        var offset = 0
        while offset + 8 <= left.count {
            guard lowerASCII(word: leftRaw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                == lowerASCII(word: rightRaw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) else { return false }
            offset += 8
        }
        for index in offset..<left.count where lowerASCII(left[index]) != lowerASCII(right[index]) {
            return false
        }
        return true
    }

    /// A 64-bit digest of the ASCII-lower-cased UTF-8 bytes (deterministic across runs, unlike
    /// `Hasher`): FNV-1a's xor-and-multiply, eight bytes at a time (a session ID is 38 bytes, looked
    /// up several times per request), each word lower-cased at once, the length mixed in last so
    /// that zero padding of the tail cannot make two lengths agree. Each step is invertible, so two
    /// IDs of one length that differ in a single word never collide.
    var caseFoldedDigest: UInt64 { withUTF8Bytes(Self.caseFoldedDigest) }

    /// ``caseFoldedDigest`` of UTF-8 bytes.
    static func caseFoldedDigest(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var offset = 0
        while offset + 8 <= raw.count {
            hash = (hash ^ lowerASCII(word: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) &* 0x0000_0100_0000_01B3
            offset += 8
        }
        if offset < raw.count {
            // The last bytes as the low lanes of a zero-padded little-endian word, copied at once.
            var tail: UInt64 = 0
            withUnsafeMutableBytes(of: &tail) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            hash = (hash ^ lowerASCII(word: UInt64(littleEndian: tail))) &* 0x0000_0100_0000_01B3
        }
        hash = (hash ^ UInt64(raw.count)) &* 0x0000_0100_0000_01B3
        return hash ^ (hash >> 32)
    }

    /// Eight bytes with each ASCII upper-case letter made lower-case: a byte below 0x80 that is at
    /// least `A` and not past `Z` gets 0x20 added (bit 7 of each lane tells, computed on 7 bits so
    /// that no lane carries into the next).
    @inline(__always)
    static func lowerASCII(word: UInt64) -> UInt64 {
        let lanes: UInt64 = 0x0101_0101_0101_0101
        let low7 = word & (0x7F &* lanes)
        let atLeastA = low7 &+ ((0x80 - 0x41) &* lanes)
        let pastZ = low7 &+ ((0x80 - 0x5B) &* lanes)
        let upper = atLeastA & ~pastZ & ~word & (0x80 &* lanes)
        return word | (upper >> 2)
    }

    /// `byte` with an ASCII upper-case letter made lower-case.
    @inline(__always)
    static func lowerASCII(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }
}

/// A session ID as a dictionary key: equal and hashed without regard to ASCII case (IDs are GUIDs
/// that clients and servers spell in either case), without making a lower-cased copy.
struct SessionIDKey: Hashable {
    let text: String
    /// `text`'s ``String/caseFoldedDigest``, what the key hashes as: kept, as the tracker uses it
    /// again for the same ID (the index, the retired IDs).
    let digest: UInt64

    /// The key of ID `text`.
    init(text: String) { self.init(text: text, digest: text.caseFoldedDigest) }

    /// The key of ID `text`, whose ``String/caseFoldedDigest`` is `digest`.
    init(text: String, digest: UInt64) {
        self.text = text
        self.digest = digest
    }

    /// Equal IDs ignoring ASCII case. The same string (same storage, or the same small string) is
    /// equal without a look at its bytes: a session leaving the index looks up the very string it
    /// was filed under.
    static func == (lhs: SessionIDKey, rhs: SessionIDKey) -> Bool {
        lhs.text._isIdentical(to: rhs.text) || lhs.text.equalsIgnoringASCIICase(rhs.text)
    }

    /// Folded to one word first: feeding the hasher byte by byte costs a SipHash round each.
    func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    /// What `Dictionary` hashes by: the digest mixed with the table's seed, without SipHash
    /// (``DigestKey/seededHash(_:seed:)``).
    func _rawHashValue(seed: Int) -> Int { DigestKey.seededHash(digest, seed: seed) }
}

/// The same comparisons on a header value's bytes, lent in place (``HTTPHeaders/withValueBytes(_:_:)``),
/// for rules that look at most messages' values and should make a `String` only when they fire.
extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes equal `other`'s UTF-8, ASCII letters compared without case.
    func equalsIgnoringASCIICase(_ other: StaticString) -> Bool {
        // withUTF8Buffer, not utf8Start: a one-character literal may be stored as a scalar.
        other.withUTF8Buffer { wanted in count == wanted.count && String.equalIgnoringASCIICase(self, wanted) }
    }

    /// Whether the bytes equal `other`'s UTF-8, ASCII letters compared without case (a session ID
    /// in an Ack against the session's own, without making a `String` of the Ack's).
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        other.withUTF8Bytes { theirs in String.equalIgnoringASCIICase(self, theirs) }
    }

    /// ``equalsIgnoringASCIICase(_:)-(StaticString)`` against a literal written in lower case (a
    /// packet type, a token), for short values asked of every message: only the value's bytes need
    /// folding, eight at a time, each word compared as it is folded, with no `memcmp` call first.
    @inline(__always)
    func equalsIgnoringASCIICase(lowercase: StaticString) -> Bool {
        lowercase.withUTF8Buffer { wanted in
            assert(wanted.allSatisfy { String.lowerASCII($0) == $0 }, "literal not in lower case")
            guard count == wanted.count else { return false }
            let mine = UnsafeRawBufferPointer(self)
            let theirs = UnsafeRawBufferPointer(wanted)
            var offset = 0
            while offset + 8 <= mine.count {
                guard String.lowerASCII(word: mine.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    == theirs.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else { return false }
                offset += 8
            }
            while offset < mine.count {
                guard String.lowerASCII(mine[offset]) == theirs[offset] else { return false }
                offset += 1
            }
            return true
        }
    }

    /// Whether the bytes are `other`'s, case included (`memcmp`; empty ones are the same).
    func sameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        guard let base = baseAddress, let otherBase = other.baseAddress else { return isEmpty }
        return memcmp(base, otherBase, count) == 0
    }

    /// Whether the bytes start with `prefix`'s UTF-8, case included.
    func hasPrefix(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { wanted in
            guard count >= wanted.count else { return false }
            guard !wanted.isEmpty, let wantedBase = wanted.baseAddress else { return true }
            return baseAddress.map { memcmp($0, wantedBase, wanted.count) == 0 } ?? false
        }
    }

    /// The bytes without leading and trailing spaces and tabs (rebased: indices from 0).
    func trimmingASCIIWhitespace() -> UnsafeBufferPointer<UInt8> {
        var lower = startIndex
        var upper = endIndex
        while lower < upper, self[lower] == 0x20 || self[lower] == 0x09 { lower += 1 }
        while upper > lower, self[upper - 1] == 0x20 || self[upper - 1] == 0x09 { upper -= 1 }
        return UnsafeBufferPointer(rebasing: self[lower..<upper])
    }

    /// Calls `body` with each non-empty piece between separators (`isSeparator`), in order, while
    /// it returns `true`; returns `false` when `body` stopped it.
    @discardableResult
    func forEachPiece(separatedBy isSeparator: (UInt8) -> Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var start = startIndex
        while start < endIndex {
            let end = self[start...].firstIndex(where: isSeparator) ?? endIndex
            if end > start, !body(UnsafeBufferPointer(rebasing: self[start..<end])) { return false }
            start = end + 1
        }
        return true
    }
}
