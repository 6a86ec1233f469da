import AnalyzerCore

/// Identifies a TCP connection regardless of direction: both directions of a connection map to the
/// same key, because the endpoints are stored in a canonical order.
public struct ConnectionKey: Hashable, Sendable {
    /// The smaller endpoint (by ``Endpoint``'s ordering).
    public let lower: Endpoint
    /// The larger endpoint.
    public let upper: Endpoint

    /// Makes the key of the connection between `a` and `b`, in either order.
    public init(_ a: Endpoint, _ b: Endpoint) {
        if a < b {
            lower = a
            upper = b
        } else {
            lower = b
            upper = a
        }
    }

    /// Hashes both endpoints folded into one word: one `combine` instead of one per field (flow
    /// lookup runs for every packet). Equality stays field by field, so a fold collision only costs
    /// a comparison.
    public func hash(into hasher: inout Hasher) {
        // `&*` and `^` mix bits; wrapping is intended.
        hasher.combine(Self.fold(lower) &* 0x9E37_79B9_7F4A_7C15 ^ Self.fold(upper))
    }

    /// Slots of the reassembler's recent-connection cache (a power of two).
    static let cacheSlots = 64

    /// The key's slot in the recent-connection cache: the top bits of a multiplicative hash. Keys
    /// that collide (by chance or by design) only fall back to the table lookup.
    var cacheSlot: Int {
        // `&*` and `^` mix bits; wrapping is intended. The shift leaves 6 bits: 0..<64.
        Int(truncatingIfNeeded: ((Self.fold(lower) ^ Self.fold(upper) >> 1) &* 0x9E37_79B9_7F4A_7C15) >> 58)
    }

    private static func fold(_ endpoint: Endpoint) -> UInt64 {
        switch endpoint.address {
        case .v4(let address):
            return UInt64(address) << 16 | UInt64(endpoint.port)
        case .v6(let high, let low):
            return (high ^ (low &* 0xC2B2_AE3D_27D4_EB4F)) ^ UInt64(endpoint.port) << 48 | 1 << 63
        }
    }
}
