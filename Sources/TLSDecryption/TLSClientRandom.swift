/// The 32-byte `random` of a ClientHello: the key under which an NSS key log files a connection's
/// secrets. Stored as four words so it hashes and compares without an allocation.
public struct TLSClientRandom: Hashable, Sendable {
    private let words: (UInt64, UInt64, UInt64, UInt64)

    /// The random from exactly 32 bytes, or `nil` for any other count.
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var values: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            values[index / 8] = values[index / 8] << 8 | UInt64(byte)
        }
        words = (values[0], values[1], values[2], values[3])
    }

    /// The 32 bytes, in wire order.
    public var bytes: [UInt8] {
        [words.0, words.1, words.2, words.3].flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }
    }

    /// Compares all four words.
    public static func == (lhs: TLSClientRandom, rhs: TLSClientRandom) -> Bool {
        lhs.words == rhs.words
    }

    /// Hashes all four words.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
