import AnalyzerCore

/// One layer the generator can wrap around an IP packet on its way to the capture: a tunnel, a label
/// stack, or (outermost) a link framing. Stacked in an ``EncapsulationStack``.
public enum EncapsulationLayer: Hashable, Sendable {
    // MARK: Wrappers

    /// Ethernet II with `vlanTags` (TCIs, outermost first; with two or more the first uses TPID
    /// 0x88A8, the rest 0x8100). Carries IPv4, IPv6, MPLS or a PPPoE session; as the outermost layer
    /// it is the link (`LINKTYPE_ETHERNET`).
    case ethernet(vlanTags: [UInt16])
    /// An MPLS label stack (RFC 3032), outermost label first, TTL 64. Around an Ethernet frame it adds
    /// the pseudowire control word 0 (RFC 4385, RFC 4448).
    case mpls(labels: [UInt32])
    /// A PPPoE session header (RFC 2516) with this session ID; Ethernet carries it as 0x8864.
    case pppoe(session: UInt16)
    /// A GRE header (RFC 2784, RFC 2890) with an optional checksum, key and sequence number.
    case gre(checksum: Bool, key: UInt32?, sequence: UInt32?)
    /// ERSPAN (draft-foschiano-erspan-03) around an Ethernet frame, with its own GRE header.
    case erspan(ERSPANType)
    /// VXLAN (RFC 7348) with this VNI, in UDP to port 4789, around an Ethernet frame.
    case vxlan(vni: UInt32)
    /// GENEVE (RFC 8926) with this VNI and `optionWords` 4-byte words of options (0...63), in UDP to
    /// port 6081, around an Ethernet frame (protocol 0x6558) or an IP packet (0x0800, 0x86DD).
    case geneve(vni: UInt32, optionWords: Int)
    /// An outer IPv4 header between two tunnel endpoints: IP in IP (RFC 2003, RFC 4213), GRE or UDP.
    case ipv4Tunnel(source: UInt32, destination: UInt32)
    /// An outer IPv6 header between two tunnel endpoints (RFC 2473).
    case ipv6Tunnel(source: IPAddress, destination: IPAddress)

    // MARK: Links (outermost only)

    /// PPP (`LINKTYPE_PPP` 9): the protocol field, after `FF 03` when `hdlcFraming` (RFC 1662).
    case ppp(hdlcFraming: Bool)
    /// PPP in HDLC-like framing (`LINKTYPE_PPP_HDLC` 50): `FF 03`, then the protocol.
    case pppSerial
    /// Cisco HDLC (`LINKTYPE_C_HDLC` 104): `0F 00`, then an EtherType.
    case ciscoHDLC
    /// NFLOG (`LINKTYPE_NFLOG` 239) with TLV lengths and types in this byte order: a packet header,
    /// a prefix and the payload TLV.
    case nflog(Endianness)
    /// An 802.11 data frame with LLC/SNAP, and a radio header as ``WifiFraming`` says.
    case wifi(WifiFraming)
}

/// The ERSPAN header types (draft-foschiano-erspan-03).
public enum ERSPANType: Hashable, Sendable {
    /// Type I: GRE protocol 0x88BE with no sequence number; Ethernet follows GRE at once.
    case typeI
    /// Type II: GRE 0x88BE with a sequence number, then an 8-byte header (version 1).
    case typeII(session: UInt16)
    /// Type III: GRE 0x22EB with a sequence number, then a 12-byte header (version 2), plus an 8-byte
    /// platform-specific subheader when `platformSubheader`.
    case typeIII(session: UInt16, platformSubheader: Bool)
}

/// How an 802.11 data frame is written (IEEE 802.11-2020 §9.3.2.1).
public struct WifiFraming: Hashable, Sendable {
    /// The header in front of the 802.11 frame.
    public enum Radio: Hashable, Sendable {
        /// None (`LINKTYPE_IEEE802_11` 105).
        case none
        /// Radiotap (`LINKTYPE_IEEE802_11_RADIOTAP` 127) with TSFT and Flags; `fcs` appends the frame
        /// check sequence and says so in Flags.
        case radiotap(fcs: Bool)
        /// PPI (`LINKTYPE_PPI` 192) naming link type 105.
        case ppi
    }

    /// The radio header.
    public var radio: Radio
    /// A QoS data frame (subtype 8, 2 more header bytes) rather than plain data.
    public var qos: Bool
    /// The four-address form (To DS and From DS both set).
    public var fourAddress: Bool
    /// An HT Control field (QoS frames with the Order bit).
    public var htControl: Bool
    /// The Protected Frame bit: the body counts as encrypted (bitsnoop cannot decode it).
    public var protected: Bool

    /// Describes a framing.
    public init(radio: Radio, qos: Bool = false, fourAddress: Bool = false, htControl: Bool = false,
                protected: Bool = false) {
        self.radio = radio
        self.qos = qos
        self.fourAddress = fourAddress
        self.htControl = htControl
        self.protected = protected
    }
}
