import AnalyzerCore

extension IPPacketBuilder {
    /// Splits an IP packet into fragments carrying at most `maxFragmentPayload` bytes of the
    /// fragmentable part each: IPv4 via MF and fragment offset (DF cleared, options without the copy
    /// bit kept only in the first fragment, as RFC 791 says), IPv6 via a Fragment header inserted
    /// after the per-fragment headers (Hop-by-Hop and Routing, RFC 8200 §4.5).
    ///
    /// The limit is rounded down to a multiple of 8 (and raised to 8 if smaller), since every
    /// fragment but the last must carry a multiple of 8 bytes. IPv4 uses the low 16 bits of
    /// `identification`. Returns `[ipPacket]` unchanged when its payload already fits or when it is
    /// not a well-formed IPv4 or IPv6 packet.
    public static func fragment(_ ipPacket: [UInt8], maxFragmentPayload: Int, identification: UInt32) -> [[UInt8]] {
        let unit = max(8, maxFragmentPayload / 8 * 8)
        switch ipPacket.first.map({ $0 >> 4 }) {
        case 4: return fragmentIPv4(ipPacket, limit: maxFragmentPayload, unit: unit, identification: identification)
        case 6: return fragmentIPv6(ipPacket, limit: maxFragmentPayload, unit: unit, identification: identification)
        default: return [ipPacket]
        }
    }

    private static func fragmentIPv4(_ packet: [UInt8], limit: Int, unit: Int, identification: UInt32) -> [[UInt8]] {
        guard packet.count >= 20, let totalLength = packet.bigEndianUInt16(at: 2) else { return [packet] }
        let headerLength = Int(packet[0] & 0x0F) * 4
        guard headerLength >= 20, headerLength <= Int(totalLength), Int(totalLength) <= packet.count else {
            return [packet]
        }
        let payload = Array(packet[headerLength..<Int(totalLength)])
        guard payload.count > limit else { return [packet] }
        let options = Array(packet[20..<headerLength])
        let source = UInt32(packet[12]) << 24 | UInt32(packet[13]) << 16 | UInt32(packet[14]) << 8 | UInt32(packet[15])
        let destination =
            UInt32(packet[16]) << 24 | UInt32(packet[17]) << 16 | UInt32(packet[18]) << 8 | UInt32(packet[19])
        var fragments: [[UInt8]] = []
        var offset = 0
        while offset < payload.count {
            let end = min(offset + unit, payload.count)
            let more = end < payload.count
            let header = ipv4Header(
                source: source, destination: destination, protocolNumber: packet[9],
                payloadLength: end - offset,
                identification: UInt16(truncatingIfNeeded: identification),  // IPv4 IDs are 16 bits
                ttl: packet[8], options: offset == 0 ? options : copiedOptions(options),
                flagsAndOffset: (more ? 0x2000 : 0) | UInt16(offset / 8)
            )
            fragments.append(header + payload[offset..<end])
            offset = end
        }
        return fragments
    }

    /// The options a non-first fragment repeats: those whose type has the copied bit (0x80) set.
    private static func copiedOptions(_ options: [UInt8]) -> [UInt8] {
        var kept: [UInt8] = []
        var index = 0
        while index < options.count {
            let type = options[index]
            if type == 0 { break }  // End of Option List
            if type == 1 {  // No Operation
                index += 1
                continue
            }
            guard index + 1 < options.count else { break }
            let length = Int(options[index + 1])
            guard length >= 2, index + length <= options.count else { break }
            if type & 0x80 != 0 { kept += options[index..<(index + length)] }
            index += length
        }
        return kept
    }

    private static func fragmentIPv6(_ packet: [UInt8], limit: Int, unit: Int, identification: UInt32) -> [[UInt8]] {
        guard packet.count >= 40, let payloadLength = packet.bigEndianUInt16(at: 4),
            40 + Int(payloadLength) <= packet.count
        else { return [packet] }
        let end = 40 + Int(payloadLength)
        // Walk the extension headers to find where the per-fragment part ends: after the last
        // Hop-by-Hop or Routing header (Destination Options before a Routing header belong with it).
        var position = 40
        var currentType = packet[6]
        var unfragmentableEnd = 40
        // The Next Header field that will name the Fragment header: the fixed header's, or that of
        // the last per-fragment extension header.
        var unfragmentableNextField = 6
        while currentType == IPv6ExtensionHeader.hopByHopType || currentType == IPv6ExtensionHeader.routingType
            || currentType == IPv6ExtensionHeader.destinationOptionsType
        {
            guard position + 8 <= end else { return [packet] }
            let headerStart = position
            let length = (Int(packet[headerStart + 1]) + 1) * 8
            guard headerStart + length <= end else { return [packet] }
            position += length
            if currentType != IPv6ExtensionHeader.destinationOptionsType {
                unfragmentableEnd = position
                unfragmentableNextField = headerStart
            }
            currentType = packet[headerStart]
        }
        let fragmentable = Array(packet[unfragmentableEnd..<end])
        guard fragmentable.count > limit else { return [packet] }
        var unfragmentable = Array(packet[0..<unfragmentableEnd])
        let innerNextHeader = unfragmentable[unfragmentableNextField]
        unfragmentable[unfragmentableNextField] = IPv6ExtensionHeader.fragmentType
        var fragments: [[UInt8]] = []
        var offset = 0
        while offset < fragmentable.count {
            let chunkEnd = min(offset + unit, fragmentable.count)
            let header = IPv6ExtensionHeader.fragment(
                offsetUnits: UInt16(offset / 8), moreFragments: chunkEnd < fragmentable.count,
                identification: identification
            )
            var fragment = unfragmentable
            fragment.setBigEndian(UInt16(unfragmentableEnd - 40 + 8 + chunkEnd - offset), at: 4)
            fragment += header.encoded(nextHeader: innerNextHeader)
            fragment += fragmentable[offset..<chunkEnd]
            fragments.append(fragment)
            offset = chunkEnd
        }
        return fragments
    }
}
