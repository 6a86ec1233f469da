// SHA-256 as specified in FIPS 180-4 §6.2 (the same algorithm as FIPS 180-2). Pure Swift, no Foundation.

/// An incremental SHA-256 digest: feed bytes with `update`, read the result with `finalizeHex`.
struct SHA256 {
    /// Round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    private var state: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]
    private var schedule = [UInt32](repeating: 0, count: 64)
    /// Bytes waiting for a full 64-byte block.
    private var pending: [UInt8] = []
    private var messageLength: UInt64 = 0

    /// A digest of no bytes yet.
    init() { pending.reserveCapacity(64) }

    /// The lower-case hex SHA-256 of `bytes`.
    static func hex(of bytes: [UInt8]) -> String {
        var digest = SHA256()
        digest.update(bytes)
        return digest.finalizeHex()
    }

    /// Adds `bytes` to the message.
    mutating func update(_ bytes: [UInt8]) {
        // Messages here are far below 2^61 bytes, so the bit count cannot wrap.
        messageLength &+= UInt64(bytes.count)
        var index = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            index = take
            guard pending.count == 64 else { return }
            let block = pending
            compress(block, at: 0)
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - index >= 64 {
            compress(bytes, at: index)
            index += 64
        }
        pending.append(contentsOf: bytes[index...])
    }

    /// Pads the message and returns the 32-byte digest. The value is spent afterwards.
    mutating func finalize() -> [UInt8] {
        let bitLength = messageLength &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        for start in stride(from: 0, to: tail.count, by: 64) { compress(tail, at: start) }
        pending.removeAll()
        return state.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> UInt32(24 - 8 * $0)) } }
    }

    /// Pads the message and returns the digest as lower-case hex. The value is spent afterwards.
    mutating func finalizeHex() -> String {
        let hexDigits = Array("0123456789abcdef")
        return String(finalize().flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 0x0f)]] })
    }

    /// Runs the compression function over `bytes[start..<start + 64]` (callers guarantee the 64 bytes exist).
    private mutating func compress(_ bytes: [UInt8], at start: Int) {
        // Raw buffers keep debug builds (which the tests run) fast enough for multi-megabyte uploads.
        bytes.withUnsafeBufferPointer { input in
            schedule.withUnsafeMutableBufferPointer { words in
                state.withUnsafeMutableBufferPointer { hash in
                    Self.compress(input, start, words, hash)
                }
            }
        }
    }

    private static func compress(
        _ input: UnsafeBufferPointer<UInt8>, _ start: Int, _ words: UnsafeMutableBufferPointer<UInt32>,
        _ hash: UnsafeMutableBufferPointer<UInt32>
    ) {
        for index in 0..<16 {
            let offset = start + index * 4
            words[index] = UInt32(input[offset]) << 24 | UInt32(input[offset + 1]) << 16
                | UInt32(input[offset + 2]) << 8 | UInt32(input[offset + 3])
        }
        for index in 16..<64 {
            let word15 = words[index - 15], word2 = words[index - 2]
            let sigma0 = rotateRight(word15, 7) ^ rotateRight(word15, 18) ^ (word15 >> 3)
            let sigma1 = rotateRight(word2, 17) ^ rotateRight(word2, 19) ^ (word2 >> 10)
            words[index] = words[index - 16] &+ sigma0 &+ words[index - 7] &+ sigma1
        }
        var a = hash[0], b = hash[1], c = hash[2], d = hash[3]
        var e = hash[4], f = hash[5], g = hash[6], h = hash[7]
        roundConstants.withUnsafeBufferPointer { constants in
            for index in 0..<64 {
                let sum1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
                let choose = (e & f) ^ (~e & g)
                let temp1 = h &+ sum1 &+ choose &+ constants[index] &+ words[index]
                let sum0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                h = g; g = f; f = e; e = d &+ temp1
                d = c; c = b; b = a; a = temp1 &+ sum0 &+ majority
            }
        }
        // Addition modulo 2^32 is the algorithm itself (FIPS 180-4 §6.2.2), hence the wrapping operators.
        hash[0] &+= a; hash[1] &+= b; hash[2] &+= c; hash[3] &+= d
        hash[4] &+= e; hash[5] &+= f; hash[6] &+= g; hash[7] &+= h
    }

    private static func rotateRight(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }
}
