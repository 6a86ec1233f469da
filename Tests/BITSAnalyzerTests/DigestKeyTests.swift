@testable import BITSAnalyzer
import TestSupport
import Testing

/// `DigestKey` and `SessionIDKey` hash by a seeded multiply instead of SipHash: tables keyed by them
/// hold what tables keyed by the plain digest (SipHash) hold, and every digest bit moves the bucket.
@Suite struct DigestKeyTests {
    @Test("a dictionary keyed by DigestKey answers as one keyed by the digest, through inserts and removals")
    func sameAsSipHashKeys() {
        var generator = SplitMix(seed: 0xD16E_57A1)
        var fast: [DigestKey: Int] = [:]
        var model: [UInt64: Int] = [:]
        // Digests that share their low bits, their high bits, or nothing.
        let digests: [UInt64] = (0..<600).map { n in
            switch n % 3 {
            case 0: UInt64(n) << 40
            case 1: UInt64(n) | 0xFFFF_0000_0000_0000
            default: generator.next()
            }
        }
        for step in 0..<20_000 {
            let digest = digests[Int.random(in: 0..<digests.count, using: &generator)]
            if step % 4 == 3 {
                #expect(fast.removeValue(forKey: DigestKey(value: digest)) == model.removeValue(forKey: digest))
            } else {
                #expect(fast.updateValue(step, forKey: DigestKey(value: digest)) == model.updateValue(step, forKey: digest))
            }
        }
        #expect(fast.count == model.count)
        for digest in digests { #expect(fast[DigestKey(value: digest)] == model[digest]) }
        var ids: [SessionIDKey: Int] = [:]
        for n in 0..<500 { ids[SessionIDKey(text: "{\(n)-ABC}")] = n }
        for n in 0..<500 { #expect(ids[SessionIDKey(text: "{\(n)-abc}")] == n, "\(n)") }
    }

    @Test("SessionIDKey equality skips the bytes of the very same string and agrees with the case-blind comparison")
    func identicalIDsCompareEqual() {
        let long = "{0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0}"
        var texts = [long, long.lowercased(), "", "a", "A", "{short}", "{SHORT}", String(long.dropLast())]
        // Differing from `long` at each position, by case (equal) or by value (not).
        for (position, byte) in long.utf8.enumerated() {
            var bytes = Array(long.utf8)
            bytes[position] = byte ^ 0x20
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        for text in texts {
            // The same storage (the fast path), and a copy in storage of its own (the general one).
            let copy = String(decoding: Array(text.utf8), as: UTF8.self)
            #expect(text._isIdentical(to: text))
            #expect(SessionIDKey(text: text) == SessionIDKey(text: text))
            #expect(SessionIDKey(text: text) == SessionIDKey(text: copy))
            for other in texts {
                #expect((SessionIDKey(text: text) == SessionIDKey(text: other)) == text.equalsIgnoringASCIICase(other),
                        "\(text) vs \(other)")
            }
        }
    }

    @Test("flipping any bit of the digest changes the low bits a bucket is taken from, under 64 seeds")
    func everyBitReachesTheBucket() {
        // Fixed seeds (SplitMix): a random flip may leave 16 bits as they were once in 65,536, so
        // the run is the same every time and cannot fail by chance.
        var generator = SplitMix(seed: 0xD1_6E57)
        for _ in 0..<64 {
            let seed = Int(truncatingIfNeeded: generator.next())
            let digest: UInt64 = generator.next()
            let bucket = DigestKey.seededHash(digest, seed: seed) & 0xFFFF
            var unmoved: [Int] = []
            for bit in 0..<64 where DigestKey.seededHash(digest ^ (1 << UInt64(bit)), seed: seed) & 0xFFFF == bucket {
                unmoved.append(bit)
            }
            // A flip leaves 16 bits as they were by chance once in 65,536.
            #expect(unmoved.count <= 1, "seed \(seed), digest \(digest): bits \(unmoved)")
            #expect(SessionIDKey(text: "{X}", digest: digest)._rawHashValue(seed: seed)
                == DigestKey(value: digest)._rawHashValue(seed: seed))
        }
    }

    @Test("a dictionary keyed by ConnectionNumber answers as one keyed by Int, through inserts and removals")
    func connectionNumbersAsInts() {
        var generator = SplitMix(seed: 0xC0_4E)
        var fast: [ConnectionNumber: Int] = [:]
        var model: [Int: Int] = [:]
        let ids = Array(0..<300) + [-1, .min, .max, 1 << 40]
        for step in 0..<20_000 {
            let id = ids[Int.random(in: 0..<ids.count, using: &generator)]
            if step % 3 == 2 {
                #expect(fast.removeValue(forKey: ConnectionNumber(id: id)) == model.removeValue(forKey: id))
            } else {
                #expect(fast.updateValue(step, forKey: ConnectionNumber(id: id)) == model.updateValue(step, forKey: id))
            }
        }
        #expect(fast.count == model.count && fast.keys.map(\.id).sorted() == model.keys.sorted())
        for id in ids { #expect(fast[ConnectionNumber(id: id)] == model[id]) }
    }
}
