import AnalyzerCore

/// The interfaces a pcapng file describes in its first bytes, to tell whether libpcap can read it.
///
/// libpcap reads a pcapng file as one link type and one snapshot length: an Interface Description
/// Block that differs from the first in either stops it ("an interface has a type … different from
/// the type of the first interface"). Such files are read by ``PcapngBlockReader`` instead.
enum PcapngHeadInterfaces {
    /// One Interface Description Block's link type and snapshot length.
    struct Interface: Equatable {
        var linkType: UInt16
        var snapshotLength: UInt32
    }

    /// The interfaces described by complete blocks within `bytes` (the start of a file), in order,
    /// over all sections; `nil` when `bytes` does not start a pcapng file.
    static func interfaces(fileStart bytes: UnsafeRawBufferPointer) -> [Interface]? {
        let reader = ByteReader(bytes)
        guard reader.getUInt32(at: 0, endianness: .little) == PcapngBlockReader.sectionHeaderType else { return nil }
        var interfaces: [Interface] = []
        PcapngHeadBlocks.forEach(in: reader) { type, offset, _, endianness in
            if type == PcapngBlockReader.interfaceDescriptionType,
                let linkType = reader.getUInt16(at: offset + 8, endianness: endianness),
                let snapshotLength = reader.getUInt32(at: offset + 12, endianness: endianness)
            {
                interfaces.append(Interface(linkType: linkType, snapshotLength: snapshotLength))
            }
            return true
        }
        return interfaces
    }

    /// Whether `message`, libpcap's reason for stopping, is its refusal of an interface that
    /// differs from the first (met past the head, so not foreseen at open).
    static func isLibpcapRefusal(_ message: String) -> Bool {
        message.contains("different from the type of the first interface")
            || message.contains("different from the snapshot length of the first interface")
    }

    /// Whether libpcap would refuse the file `bytes` starts: pcapng whose interfaces differ in link
    /// type or snapshot length.
    static func libpcapRefuses(fileStart bytes: UnsafeRawBufferPointer) -> Bool {
        guard let interfaces = interfaces(fileStart: bytes), let first = interfaces.first else { return false }
        return interfaces.contains { $0 != first }
    }
}
