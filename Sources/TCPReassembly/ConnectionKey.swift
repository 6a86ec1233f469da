import AnalyzerCore

/// Identifies a TCP connection regardless of direction: both directions of a connection map to the
/// same key, because the endpoints are stored in a canonical order.
public struct ConnectionKey: Hashable, Sendable {
    /// The smaller endpoint (by ``Endpoint``'s ordering).
    public let lower: Endpoint
    /// The larger endpoint.
    public let upper: Endpoint
    /// `lower` and `upper` folded (``fold(_:)``), kept to find a packet's connection cheaply.
    let lowerFold: UInt64
    let upperFold: UInt64

    /// Makes the key of the connection between `a` and `b`, in either order.
    public init(_ a: Endpoint, _ b: Endpoint) {
        if a < b {
            lower = a
            upper = b
        } else {
            lower = b
            upper = a
        }
        lowerFold = Self.fold(lower)
        upperFold = Self.fold(upper)
    }

    /// Hashes both endpoints folded into one word: one `combine` instead of one per field (flow
    /// lookup runs for every packet). Equality stays field by field, so a fold collision only costs
    /// a comparison.
    public func hash(into hasher: inout Hasher) {
        // `&*` and `^` mix bits; wrapping is intended.
        hasher.combine(lowerFold &* 0x9E37_79B9_7F4A_7C15 ^ upperFold)
    }

    /// Slots of the reassembler's recent-connection cache (a power of two).
    static let cacheSlots = 64

    /// The slot in the recent-connection cache of the connection between two endpoints, given
    /// folded (``fold(_:)``), in either order: the top bits of a multiplicative hash of both folds
    /// combined symmetrically, so that a packet finds its slot without first ordering its
    /// endpoints into a key. Keys that collide (by chance or by design) only fall back to the
    /// table lookup.
    @inline(__always)
    static func cacheSlot(folded a: UInt64, _ b: UInt64) -> Int {
        // `&*` and `^` mix bits; wrapping is intended. The shift leaves 6 bits: 0..<64.
        Int(truncatingIfNeeded: ((a ^ b) &* 0x9E37_79B9_7F4A_7C15) >> 58)
    }

    /// This key's slot in the recent-connection cache (see ``cacheSlot(folded:_:)``).
    var cacheSlot: Int { Self.cacheSlot(folded: lowerFold, upperFold) }

    /// Whether this is the key of the connection between `a` and `b` (folded `foldA` and `foldB`),
    /// in either order: what `ConnectionKey(a, b) == self` says, without ordering the endpoints.
    /// IPv4 endpoints are told apart by their folds alone (a fold is their address and port).
    @inline(__always)
    func connects(_ a: Endpoint, folded foldA: UInt64, _ b: Endpoint, folded foldB: UInt64) -> Bool {
        foldsConnect(foldA, foldB) && (isIPv4 || Self.join(lower, upper, a, b))
    }

    /// Whether the folds of this key's endpoints are `foldA` and `foldB`, in either order: for
    /// IPv4, whether it is the key of those endpoints.
    @inline(__always)
    func foldsConnect(_ foldA: UInt64, _ foldB: UInt64) -> Bool {
        lowerFold == foldA ? upperFold == foldB : lowerFold == foldB && upperFold == foldA
    }

    /// Whether both endpoints are IPv4: their folds are then the endpoints themselves.
    @inline(__always)
    var isIPv4: Bool { (lowerFold | upperFold) & Self.v6FoldBit == 0 }

    /// Whether `other` is this key (what `==` says): the folds decide for IPv4, and only IPv6
    /// endpoints, whose folds are hashes, are compared whole.
    @inline(__always)
    func sameConnection(as other: ConnectionKey) -> Bool {
        lowerFold == other.lowerFold && upperFold == other.upperFold
            && (isIPv4 || lower == other.lower && upper == other.upper)
    }

    /// Whether `lower` and `upper` are `a` and `b`, in either order; out of line and static, so
    /// that the IPv4 check above neither loads the endpoints nor needs the key in memory.
    @inline(never)
    private static func join(_ lower: Endpoint, _ upper: Endpoint, _ a: Endpoint, _ b: Endpoint) -> Bool {
        lower == a ? upper == b : lower == b && upper == a
    }

    /// Set in the fold of an IPv6 endpoint, never in that of an IPv4 one.
    private static var v6FoldBit: UInt64 { 1 << 63 }

    /// An endpoint in one word: for IPv4 its address and port themselves (48 bits, so two IPv4
    /// endpoints are equal exactly when their folds are), for IPv6 a hash with ``v6FoldBit`` set.
    @inline(__always)
    static func fold(_ endpoint: Endpoint) -> UInt64 {
        switch endpoint.address {
        case .v4(let address):
            return UInt64(address) << 16 | UInt64(endpoint.port)
        case .v6(let high, let low):
            return (high ^ (low &* 0xC2B2_AE3D_27D4_EB4F)) ^ UInt64(endpoint.port) << 48 | v6FoldBit
        }
    }
}
