import TrafficSynthesis

/// The seeded generator of randomized tests: the same seed gives the same numbers on every run and
/// machine, so that a failure a test finds can be replayed from its seed. The numbers are the
/// capture generator's own SplitMix64 (``TrafficSynthesis/SeededGenerator``).
public struct SplitMix: RandomNumberGenerator {
    private var generator: SeededGenerator

    /// A generator starting from `seed`.
    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { generator.next() }

    /// A number in `0..<bound` (`bound` above 0).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
