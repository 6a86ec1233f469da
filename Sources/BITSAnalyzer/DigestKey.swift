/// A 64-bit digest of a session ID (``String/caseFoldedDigest``) as a dictionary key, hashed by one
/// seeded multiply instead of SipHash.
///
/// A `Dictionary` asks its keys for `_rawHashValue(seed:)`; the standard one feeds the digest to a
/// SipHash `Hasher` (some 100 instructions a look-up, several look-ups per session). The digest is
/// already a hash of the ID, so it is only mixed with the table's seed: a 64 × 64 → 128-bit product
/// folded in half (wyhash's `mum`, as `ConnectionTable` hashes IPv4 keys), the seed entering both
/// factors, so every digest bit reaches the low bits the bucket is taken from and which digests share
/// a bucket depends on the seed (random per run, per table), not on what a capture can choose. Two
/// IDs with the same digest share their bucket whatever the hash (that is the digest's own
/// property, unchanged by this: see ``String/caseFoldedDigest``).
struct DigestKey: Hashable {
    /// The digest.
    let value: UInt64

    /// The bucket hash of `digest` in a table seeded `seed`.
    @inline(__always)
    static func seededHash(_ digest: UInt64, seed: Int) -> Int {
        let key = UInt64(truncatingIfNeeded: seed)
        let product = (digest ^ key).multipliedFullWidth(by: (key &* 0x9E37_79B9_7F4A_7C15) | 1)
        return Int(truncatingIfNeeded: product.high ^ product.low)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// What `Dictionary` and `Set` hash by (see above).
    func _rawHashValue(seed: Int) -> Int { Self.seededHash(value, seed: seed) }
}

/// A connection's number (the reassembler's, one per connection) as a dictionary key, hashed by
/// ``DigestKey/seededHash(_:seed:)`` rather than SipHash: two look-ups per connection at least.
struct ConnectionNumber: Hashable {
    /// The number (`BITSConnectionInfo.id`).
    let id: Int

    func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// What `Dictionary` hashes by.
    func _rawHashValue(seed: Int) -> Int { DigestKey.seededHash(UInt64(UInt(bitPattern: id)), seed: seed) }
}
