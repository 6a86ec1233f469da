import AnalyzerCore

/// Identifies the datagram a fragment belongs to: (source, destination, protocol, identification) for
/// IPv4 (RFC 791), (source, destination, identification) for IPv6 (RFC 8200 §4.5).
enum FragmentKey: Hashable, CustomStringConvertible {
    /// An IPv4 datagram.
    case v4(source: IPAddress, destination: IPAddress, protocolNumber: UInt8, identification: UInt16)
    /// An IPv6 datagram.
    case v6(source: IPAddress, destination: IPAddress, identification: UInt32)

    /// Whether the datagram is IPv6.
    var isV6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// E.g. `192.0.2.1 -> 192.0.2.2 protocol 6 id 4660`, for finding messages.
    var description: String {
        switch self {
        case .v4(let source, let destination, let protocolNumber, let identification):
            return "\(source) -> \(destination) protocol \(protocolNumber) id \(identification)"
        case .v6(let source, let destination, let identification):
            return "\(source) -> \(destination) id \(identification)"
        }
    }
}

/// One fragment as decoded from a packet. Its buffers borrow the packet's bytes; the reassembler copies
/// what it keeps.
struct IPFragment {
    /// The datagram it belongs to.
    var key: FragmentKey
    /// Where its data goes in the datagram's payload, in bytes.
    var offset: Int
    /// The fragment's data (the IPv4 payload, or what follows the IPv6 Fragment header).
    var data: UnsafeRawBufferPointer
    /// Whether More Fragments is clear: this fragment ends the datagram.
    var isLast: Bool
    /// The header the reassembled datagram starts with: the IPv4 header with its options, or the IPv6
    /// fixed header. Used only from the fragment at offset 0.
    var header: UnsafeRawBufferPointer
    /// IPv6: the Fragment header's Next Header (the reassembled payload's protocol). Unused for IPv4.
    var nextHeader: UInt8
}
