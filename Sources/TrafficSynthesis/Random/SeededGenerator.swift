/// A deterministic random number generator (SplitMix64, Steele, Lea and Flood 2014): the same seed
/// always yields the same sequence, on every platform, so generated captures are reproducible.
///
/// Not suitable for anything but test data.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        // Wrapping arithmetic is the algorithm: SplitMix64 works modulo 2^64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

// Draws defined here rather than with the standard library's `random(in:using:)`, whose algorithm is
// not promised to stay the same between toolchains: captures must not change when Swift does.
extension RandomNumberGenerator {
    /// A uniformly distributed value in `0..<1` with 53 random bits.
    mutating func unitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A value in `0..<bound` (0 when `bound` is 1 or less). The modulo bias is below 2^-40 for the
    /// small bounds the generator uses, which is irrelevant for test traffic.
    mutating func integer(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        return Int(next() % UInt64(bound))
    }

    /// A value in `range`, which must not be empty.
    mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + integer(below: range.count)
    }

    /// `true` with probability `probability`; draws nothing when the probability is 0 or less, so
    /// that an impairment left off does not shift the draws of the others.
    mutating func chance(_ probability: Double) -> Bool {
        guard probability > 0 else { return false }
        return unitInterval() < probability
    }
}
