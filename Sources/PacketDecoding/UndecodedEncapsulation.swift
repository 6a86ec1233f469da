/// A link type or encapsulation the decoder recognised as carrying traffic but could not open, for the
/// `capture-undecoded` notice. Non-IP payloads of a known framing (ARP, LLDP, 802.11 management
/// frames, PPP control protocols) are ordinary non-IP traffic, not undecoded: what is undecoded is a
/// container whose contents the decoder cannot reach.
public struct UndecodedEncapsulation: Hashable, Sendable, CustomStringConvertible {
    /// What could not be decoded.
    public enum Kind: UInt8, Sendable {
        /// A link-layer type the decoder does not know (`value` is the `DLT_*` number).
        case linkType
        /// A GRE protocol type other than IPv4, IPv6, TEB, MPLS and ERSPAN (`value`).
        case greProtocol
        /// GRE with a version other than 0 (`value`; version 1 is PPTP's enhanced GRE) or with the
        /// RFC 1701 routing bit set (`value` 0x10000).
        case greVersion
        /// An ERSPAN header of an unknown version (`value`) or frame type (`value` + 0x100).
        case erspan
        /// A GENEVE protocol type other than TEB, IPv4 and IPv6, or a GENEVE version other than 0
        /// (`value` 0x10000 + version).
        case geneve
        /// An MPLS payload that is neither IPv4, IPv6 nor a pseudowire (`value` is its first nibble).
        case mplsPayload
        /// A protected (encrypted) 802.11 data frame.
        case wifiEncrypted
        /// An 802.11 frame of a protocol version other than 0 (`value`), or an A-MSDU (`value` 0x100).
        case wifiFrame
        /// A PPI header for a link type other than 802.11 and Ethernet (`value`).
        case ppiLinkType
        /// An NFLOG record of an address family other than IPv4 and IPv6 (`value`), or with no
        /// payload (`value` 0x10000).
        case nflog
    }

    /// What could not be decoded.
    public var kind: Kind
    /// The number that says which one (see ``Kind``).
    public var value: UInt32

    /// Creates a record.
    public init(_ kind: Kind, _ value: UInt32 = 0) {
        self.kind = kind
        self.value = value
    }

    /// E.g. `link type 147`, `GRE protocol 0x880B`, `802.11 encrypted`.
    public var description: String {
        switch kind {
        case .linkType: return "link type \(value)"
        case .greProtocol: return "GRE protocol 0x\(Self.hex(value))"
        case .greVersion: return value == 0x10000 ? "GRE with routing (RFC 1701)" : "GRE version \(value)"
        case .erspan: return value >= 0x100 ? "ERSPAN frame type \(value - 0x100)" : "ERSPAN version \(value)"
        case .geneve:
            return value >= 0x10000 ? "GENEVE version \(value - 0x10000)" : "GENEVE protocol 0x\(Self.hex(value))"
        case .mplsPayload: return "MPLS payload starting with nibble \(value)"
        case .wifiEncrypted: return "802.11 encrypted"
        case .wifiFrame: return value == 0x100 ? "802.11 A-MSDU" : "802.11 protocol version \(value)"
        case .ppiLinkType: return "PPI link type \(value)"
        case .nflog: return value == 0x10000 ? "NFLOG without payload" : "NFLOG family \(value)"
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Packet counts per ``UndecodedEncapsulation``, in a table of fixed size: the first
/// ``capacity`` distinct kinds get their own row, later ones are lumped into ``otherPackets``. Rows
/// are added at most ``capacity`` times per run, so counting allocates nothing per packet.
public struct UndecodedTable: Hashable, Sendable {
    /// Distinct encapsulations counted one by one.
    public static let capacity = 8

    /// The rows, in order of first appearance.
    public var rows: [(encapsulation: UndecodedEncapsulation, packets: Int)] {
        zip(keys, counts).map { ($0, $1) }
    }
    /// Packets of encapsulations that found the table full.
    public private(set) var otherPackets = 0
    private var keys: [UndecodedEncapsulation] = []
    private var counts: [Int] = []

    /// An empty table.
    public init() {}

    /// Every packet counted.
    public var totalPackets: Int { counts.reduce(otherPackets, +) }

    /// Whether nothing was counted.
    public var isEmpty: Bool { keys.isEmpty && otherPackets == 0 }

    /// Counts one packet of `encapsulation`.
    mutating func count(_ encapsulation: UndecodedEncapsulation) {
        if let index = keys.firstIndex(of: encapsulation) {
            counts[index] += 1
        } else if keys.count < Self.capacity {
            keys.append(encapsulation)
            counts.append(1)
        } else {
            otherPackets += 1
        }
    }

    /// E.g. `link type 147: 120 packets; GRE protocol 0x880B: 3 packets`.
    public var summary: String {
        var parts = zip(keys, counts).map { "\($0): \($1) packet\($1 == 1 ? "" : "s")" }
        if otherPackets > 0 { parts.append("other: \(otherPackets) packet\(otherPackets == 1 ? "" : "s")") }
        return parts.joined(separator: "; ")
    }
}
