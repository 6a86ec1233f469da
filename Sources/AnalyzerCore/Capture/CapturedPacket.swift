/// The link-layer header type of a packet, as libpcap's `DLT_*` value (what `pcap_datalink` returns).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The `DLT_*` number.
    public var rawValue: Int32
    /// Wraps a `DLT_*` number.
    @inlinable public init(rawValue: Int32) { self.rawValue = rawValue }

    // The link types are computed and inlinable, not stored: a stored `static let` is a global
    // whose every use from another module called its lazy accessor (the decoder checks one a packet).

    /// BSD loopback: a 4-byte address family in the capturing host's byte order.
    @inlinable public static var null: LinkType { LinkType(rawValue: 0) }
    /// Ethernet II (and 802.3), possibly with 802.1Q / QinQ tags.
    @inlinable public static var ethernet: LinkType { LinkType(rawValue: 1) }
    /// Raw IP, as libpcap numbers it on Linux and most systems (`DLT_RAW`).
    @inlinable public static var raw: LinkType { LinkType(rawValue: 12) }
    /// Raw IP as OpenBSD numbers `DLT_RAW`.
    @inlinable public static var rawOpenBSD: LinkType { LinkType(rawValue: 14) }
    /// `LINKTYPE_RAW` as written in files; libpcap normally maps it to ``raw``.
    @inlinable public static var linktypeRaw: LinkType { LinkType(rawValue: 101) }
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    @inlinable public static var loop: LinkType { LinkType(rawValue: 108) }
    /// Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10).
    @inlinable public static var linuxSLL: LinkType { LinkType(rawValue: 113) }
    /// Raw IPv4.
    @inlinable public static var ipv4: LinkType { LinkType(rawValue: 228) }
    /// Raw IPv6.
    @inlinable public static var ipv6: LinkType { LinkType(rawValue: 229) }
    /// Linux cooked capture v2 (`tcpdump -i any` with libpcap 1.10 and later).
    @inlinable public static var linuxSLL2: LinkType { LinkType(rawValue: 276) }
    /// PPP (RFC 1661), with or without the RFC 1662 address and control bytes `FF 03`.
    @inlinable public static var ppp: LinkType { LinkType(rawValue: 9) }
    /// PPP in HDLC-like framing (`LINKTYPE_PPP_HDLC` 50, libpcap's `DLT_PPP_SERIAL`); may hold Cisco HDLC.
    @inlinable public static var pppSerial: LinkType { LinkType(rawValue: 50) }
    /// Cisco HDLC (`LINKTYPE_C_HDLC` 104): address, control, then an EtherType.
    @inlinable public static var ciscoHDLC: LinkType { LinkType(rawValue: 104) }
    /// IEEE 802.11 frames with no radio header (`LINKTYPE_IEEE802_11` 105).
    @inlinable public static var ieee80211: LinkType { LinkType(rawValue: 105) }
    /// IEEE 802.11 frames after a radiotap header (`LINKTYPE_IEEE802_11_RADIOTAP` 127).
    @inlinable public static var ieee80211Radiotap: LinkType { LinkType(rawValue: 127) }
    /// A Per-Packet Information header, then a frame of the link type it names (`LINKTYPE_PPI` 192).
    @inlinable public static var ppi: LinkType { LinkType(rawValue: 192) }
    /// Linux netfilter log records (`LINKTYPE_NFLOG` 239): a header, then TLVs, one holding the packet.
    @inlinable public static var nflog: LinkType { LinkType(rawValue: 239) }

    /// A short name, e.g. `EN10MB`, as tcpdump prints it, or `DLT n` for others.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .ethernet: return "EN10MB"
        case .raw, .rawOpenBSD, .linktypeRaw: return "RAW"
        case .loop: return "LOOP"
        case .linuxSLL: return "LINUX_SLL"
        case .ipv4: return "IPV4"
        case .ipv6: return "IPV6"
        case .linuxSLL2: return "LINUX_SLL2"
        case .ppp: return "PPP"
        case .pppSerial: return "PPP_SERIAL"
        case .ciscoHDLC: return "C_HDLC"
        case .ieee80211: return "IEEE802_11"
        case .ieee80211Radiotap: return "IEEE802_11_RADIO"
        case .ppi: return "PPI"
        case .nflog: return "NFLOG"
        default: return "DLT \(rawValue)"
        }
    }
}

/// One packet as a capture source delivers it.
///
/// `bytes` borrows the source's buffer (libpcap's, for files and interfaces): it is valid only until
/// the next call to ``PacketSource/nextPacket()``. Keep nothing from it without copying.
public struct CapturedPacket {
    /// When the packet was captured.
    public var timestamp: CaptureTimestamp
    /// The link-layer type of `bytes`.
    public var linkType: LinkType
    /// The packet's length on the wire; larger than `bytes.count` when the snapshot length cut it.
    public var originalLength: Int
    /// The captured bytes, starting with the link-layer header.
    public var bytes: UnsafeRawBufferPointer

    /// Creates a packet record.
    @inlinable
    public init(timestamp: CaptureTimestamp, linkType: LinkType, originalLength: Int, bytes: UnsafeRawBufferPointer) {
        self.timestamp = timestamp
        self.linkType = linkType
        self.originalLength = originalLength
        self.bytes = bytes
    }
}

/// Anything that yields captured packets in order: capture files, an interface, or a test's list.
///
/// Keeping this a protocol lets tests and live capture feed the same pipeline as files do.
public protocol PacketSource {
    /// Returns the next packet, or `nil` at the end of the input.
    ///
    /// The returned packet's bytes stay valid until the next call. A source that meets damage after
    /// it has delivered packets (a file cut short) records it in ``interruptions`` and ends or moves
    /// on, rather than throwing, so that what was read is still analysed.
    /// - Throws: only for an error that stops the whole source (a read failure of an interface).
    mutating func nextPacket() throws -> CapturedPacket?

    /// The finest timestamp precision seen so far in this source.
    var timestampPrecision: TimestampPrecision { get }

    /// Damage met while reading (e.g. a file that ends inside a record), in the order met.
    var interruptions: [CaptureInterruption] { get }
}

/// A place where reading a capture stopped early, kept so that it can be reported.
public struct CaptureInterruption: Hashable, Sendable {
    /// The capture (file path, `-` for standard input, or an interface name).
    public var capture: String
    /// The reason, as the reader said it (e.g. libpcap's message).
    public var reason: String
    /// How many packets of this capture had been read before it stopped.
    public var packetsRead: Int
    /// Time of the last packet read before the stop, if any.
    public var lastTimestamp: CaptureTimestamp?

    /// Creates a record.
    public init(capture: String, reason: String, packetsRead: Int, lastTimestamp: CaptureTimestamp?) {
        self.capture = capture
        self.reason = reason
        self.packetsRead = packetsRead
        self.lastTimestamp = lastTimestamp
    }
}
