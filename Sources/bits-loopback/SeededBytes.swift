/// Deterministic file contents: SplitMix64 output, so a seed always yields the same bytes.
enum SeededBytes {
    /// `count` bytes derived from `seed`.
    static func make(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        while bytes.count < count {
            // SplitMix64 (Steele, Lea, Flood 2014); the wrapping arithmetic is the algorithm.
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            mixed ^= mixed >> 31
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < count {
                bytes.append(UInt8(truncatingIfNeeded: mixed >> UInt64(shift)))
            }
        }
        return bytes
    }
}
