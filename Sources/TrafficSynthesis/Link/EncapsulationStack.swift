import AnalyzerCore

/// A named stack of ``EncapsulationLayer``s around generated IP packets: tunnels and label stacks
/// inside a link framing, as mirrored traffic arrives. Used through ``LinkEncapsulation/stack(_:)``,
/// so that every TCP conversation and BITS scenario can be rendered in it.
public struct EncapsulationStack: Hashable, Sendable, CustomStringConvertible {
    /// A short name for test labels, e.g. `vxlan`.
    public var name: String
    /// The layers, innermost first; the last is the link framing.
    public var layers: [EncapsulationLayer]

    /// Creates a stack.
    public init(_ name: String, _ layers: [EncapsulationLayer]) {
        self.name = name
        self.layers = layers
    }

    /// The name.
    public var description: String { name }

    /// The `LINKTYPE_*` value of the outermost layer (raw IP, 101, for an outer IP header).
    public var linkTypeValue: UInt32 {
        switch layers.last {
        case .ppp: return 9
        case .pppSerial: return 50
        case .ciscoHDLC: return 104
        case .nflog: return 239
        case .wifi(let framing):
            switch framing.radio {
            case .none: return 105
            case .radiotap: return 127
            case .ppi: return 192
            }
        case .ipv4Tunnel, .ipv6Tunnel: return 101
        default: return 1
        }
    }

    /// Bytes the stack adds around an IP packet (the same for IPv4 and IPv6 inner packets).
    public var headerLength: Int {
        frame(ipPacket: [], isIPv6: false, from: .v4(0xC000_0201), to: .v4(0xC000_0202)).count
    }

    /// Bytes of ``headerLength`` that follow the IP packet: a radiotap-announced FCS.
    public var trailerLength: Int {
        if case .wifi(let framing) = layers.last, framing.radio == .radiotap(fcs: true) { return 4 }
        return 0
    }

    /// `ipPacket` wrapped in every layer, innermost first. Inner Ethernet headers take their MAC
    /// addresses from the inner IP addresses (``LinkEncapsulation/macAddress(for:)``).
    public func frame(ipPacket: [UInt8], isIPv6: Bool, from source: IPAddress, to destination: IPAddress) -> [UInt8] {
        var wrapper = EncapsulationWriter(bytes: ipPacket, kind: isIPv6 ? .ipv6 : .ipv4, source: source,
                                          destination: destination)
        for layer in layers { wrapper.wrap(layer) }
        return wrapper.bytes
    }
}

extension EncapsulationStack {
    /// Tunnel endpoints used by the catalogue (TEST-NET-3 and the documentation IPv6 prefix).
    static let tunnelSourceV4: UInt32 = 0xCB00_7101  // 203.0.113.1
    static let tunnelDestinationV4: UInt32 = 0xCB00_7102  // 203.0.113.2
    static let tunnelSourceV6 = IPAddress.v6(0x2001_0DB8_00FF_0000, 1)
    static let tunnelDestinationV6 = IPAddress.v6(0x2001_0DB8_00FF_0000, 2)

    /// One stack per encapsulation family bitsnoop decodes (protected 802.11 excluded: it is not
    /// decodable), each checked end to end by the tests.
    public static let catalog: [EncapsulationStack] = {
        let v4: EncapsulationLayer = .ipv4Tunnel(source: tunnelSourceV4, destination: tunnelDestinationV4)
        let v6: EncapsulationLayer = .ipv6Tunnel(source: tunnelSourceV6, destination: tunnelDestinationV6)
        let plain: EncapsulationLayer = .ethernet(vlanTags: [])
        return [
            EncapsulationStack("mpls", [.mpls(labels: [16_000, 17]), plain]),
            EncapsulationStack("mpls-vlan", [.mpls(labels: [100]), .ethernet(vlanTags: [42])]),
            EncapsulationStack("mpls-pseudowire", [plain, .mpls(labels: [300, 301]), plain]),
            EncapsulationStack("gre", [.gre(checksum: false, key: nil, sequence: nil), v4, plain]),
            EncapsulationStack("gre-key-sequence", [.gre(checksum: true, key: 0xABCD, sequence: 7), v4, plain]),
            EncapsulationStack("gre-teb", [plain, .gre(checksum: false, key: 5, sequence: nil), v4, plain]),
            EncapsulationStack("gre-mpls", [.mpls(labels: [55]), .gre(checksum: false, key: nil, sequence: nil), v6,
                                            plain]),
            EncapsulationStack("erspan-i", [plain, .erspan(.typeI), v4, plain]),
            EncapsulationStack("erspan-ii", [.ethernet(vlanTags: [7]), .erspan(.typeII(session: 12)), v4, plain]),
            EncapsulationStack("erspan-iii", [plain, .erspan(.typeIII(session: 99, platformSubheader: false)), v4,
                                              plain]),
            EncapsulationStack("erspan-iii-platform", [plain, .erspan(.typeIII(session: 3, platformSubheader: true)),
                                                       v6, plain]),
            EncapsulationStack("vxlan", [plain, .vxlan(vni: 5_001), v4, plain]),
            EncapsulationStack("vxlan-ipv6", [plain, .vxlan(vni: 77), v6, .ethernet(vlanTags: [9])]),
            EncapsulationStack("geneve", [plain, .geneve(vni: 9, optionWords: 0), v4, plain]),
            EncapsulationStack("geneve-ip-options", [.geneve(vni: 10, optionWords: 2), v6, plain]),
            EncapsulationStack("ip-in-ipv4", [v4, plain]),
            EncapsulationStack("ip-in-ipv6", [v6, plain]),
            EncapsulationStack("ip-in-ip-raw", [v4, v6]),
            EncapsulationStack("pppoe", [.pppoe(session: 0x1234), plain]),
            EncapsulationStack("pppoe-qinq", [.pppoe(session: 0x0042), .ethernet(vlanTags: [0x2064, 200])]),
            EncapsulationStack("ppp", [.ppp(hdlcFraming: false)]),
            EncapsulationStack("ppp-hdlc", [.ppp(hdlcFraming: true)]),
            EncapsulationStack("ppp-serial", [.pppSerial]),
            EncapsulationStack("cisco-hdlc", [.ciscoHDLC]),
            EncapsulationStack("nflog-le", [.nflog(.little)]),
            // TLVs in big-endian order, as a big-endian host writes them. libpcap swaps NFLOG TLVs to
            // the reading host's order only when the file's byte order differs from it, so in the
            // little-endian files written here this checks the decoder's byte-order detection.
            EncapsulationStack("nflog-be", [.nflog(.big)]),
            EncapsulationStack("wifi", [.wifi(WifiFraming(radio: .none))]),
            EncapsulationStack("wifi-radiotap-qos", [.wifi(WifiFraming(radio: .radiotap(fcs: true), qos: true))]),
            EncapsulationStack("wifi-radiotap-4addr-htc", [.wifi(WifiFraming(
                radio: .radiotap(fcs: false), qos: true, fourAddress: true, htControl: true))]),
            EncapsulationStack("wifi-ppi", [.wifi(WifiFraming(radio: .ppi, qos: true))]),
        ]
    }()

    /// The catalogue stack named `name`.
    public static func named(_ name: String) -> EncapsulationStack? { catalog.first { $0.name == name } }
}
