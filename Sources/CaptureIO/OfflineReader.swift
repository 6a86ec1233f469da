import AnalyzerCore

/// What reads one capture of an ``OfflineCapture``: libpcap, or our own pcapng reader for the
/// files libpcap refuses. An enum rather than a protocol, so that reading a packet is a switch, not
/// a dynamic call.
enum OfflineReader {
    /// Read by libpcap (pcap, and pcapng it accepts).
    case libpcap(PcapHandle)
    /// Read by our own pcapng reader (interfaces of several link types or snapshot lengths).
    case pcapng(PcapngBlockReader)

    /// Opens the capture on `descriptor` (adopted: closed with the reader, or before this throws).
    /// - Throws: ``CaptureError`` as ``CaptureStream/open(adopting:name:probe:)``,
    ///   ``PcapHandle/openOffline(stream:name:)`` and ``PcapngBlockReader/init(stream:name:headLinkTypes:)``.
    static func open(adopting descriptor: Int32, name: String, probe: CaptureFileProbe) throws(CaptureError) -> OfflineReader {
        let stream = try CaptureStream.open(adopting: descriptor, name: name, probe: probe)
        if stream.needsOwnPcapngReader {
            return .pcapng(try PcapngBlockReader(stream: stream, name: name, headLinkTypes: stream.headLinkTypes))
        }
        return .libpcap(try PcapHandle.openOffline(stream: stream, name: name))
    }

    /// The next packet; its bytes are valid until the next call.
    @inline(__always)
    func next() -> PcapReadResult {
        switch self {
        case .libpcap(let handle): return handle.next()
        case .pcapng(let reader): return reader.next()
        }
    }

    /// Installs a BPF filter.
    func setFilter(_ expression: String) throws(CaptureError) {
        switch self {
        case .libpcap(let handle): try handle.setFilter(expression)
        case .pcapng(let reader): try reader.setFilter(expression)
        }
    }

    /// The link type of the capture (libpcap's one, or the first interface's).
    var linkType: LinkType {
        switch self {
        case .libpcap(let handle): return handle.linkType
        case .pcapng(let reader): return reader.linkType
        }
    }

    /// The snapshot length (libpcap's, or the largest of the interfaces seen).
    var snapshotLength: Int {
        switch self {
        case .libpcap(let handle): return handle.snapshotLength
        case .pcapng(let reader): return reader.snapshotLength
        }
    }

    /// The timestamp resolution a compressed capture's head declares (see ``CaptureStream``).
    var declaredPrecision: TimestampPrecision? {
        switch self {
        case .libpcap(let handle): return handle.streamDeclaredPrecision
        case .pcapng(let reader): return reader.declaredPrecision
        }
    }

    /// The link types a filter must compile for, as far as known at open.
    var linkTypes: [LinkType] {
        switch self {
        case .libpcap(let handle): return [handle.linkType]
        case .pcapng(let reader): return reader.headLinkTypes
        }
    }

    /// Bytes of the file consumed so far, or `nil` when unknown.
    var filePosition: Int64? {
        switch self {
        case .libpcap(let handle): return handle.filePosition
        case .pcapng(let reader): return reader.filePosition
        }
    }
}
