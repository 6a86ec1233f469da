import AnalyzerCore

/// Several rendered conversations merged into one capture, in time order, ready to be written.
public struct CaptureScenario: Sendable {
    /// The link framing named in the file header. Conversations rendered with another framing are
    /// written as they are, which makes a deliberately inconsistent capture.
    public var encapsulation: LinkEncapsulation
    /// The conversations, in the order that breaks timestamp ties.
    public var conversations: [RenderedConversation]

    /// Creates a scenario.
    public init(encapsulation: LinkEncapsulation, conversations: [RenderedConversation]) {
        self.encapsulation = encapsulation
        self.conversations = conversations
    }

    /// Every packet of every conversation, ordered by timestamp; packets with equal timestamps keep
    /// conversation order, and each conversation's own order is kept.
    public var packets: [SyntheticPacket] { Self.interleave(conversations) }

    /// The snapshot length for the file header: the smallest one a conversation was cut to, or
    /// 262,144 (tcpdump's default) when none was.
    public var snapshotLength: UInt32 {
        let smallest = conversations.compactMap(\.snapshotLength).min()
        return smallest.map { UInt32(clamping: $0) } ?? 262_144
    }

    /// Merges the conversations' packets by timestamp (a stable merge: ties go to the earlier
    /// conversation, and each conversation's packets stay in their order).
    public static func interleave(_ conversations: [RenderedConversation]) -> [SyntheticPacket] {
        var keyed: [(timestamp: CaptureTimestamp, conversation: Int, index: Int)] = []
        for (conversationIndex, conversation) in conversations.enumerated() {
            for (index, packet) in conversation.packets.enumerated() {
                keyed.append((packet.timestamp, conversationIndex, index))
            }
        }
        keyed.sort { lhs, rhs in
            if lhs.timestamp != rhs.timestamp { return lhs.timestamp < rhs.timestamp }
            if lhs.conversation != rhs.conversation { return lhs.conversation < rhs.conversation }
            return lhs.index < rhs.index
        }
        return keyed.map { conversations[$0.conversation].packets[$0.index] }
    }

    /// The capture as a classic pcap file.
    public func pcapFile(endianness: Endianness = .little, precision: TimestampPrecision = .microseconds) -> [UInt8] {
        PcapFileWriter(
            linkType: encapsulation.linkTypeValue, endianness: endianness, precision: precision,
            snapshotLength: snapshotLength
        ).file(packets)
    }

    /// The capture as a pcapng file with `interfaceCount` interfaces (packets spread over them in turn).
    public func pcapngFile(
        endianness: Endianness = .little,
        precision: TimestampPrecision = .microseconds,
        interfaceCount: Int = 1
    ) -> [UInt8] {
        PcapngFileWriter(
            linkType: UInt16(truncatingIfNeeded: encapsulation.linkTypeValue),  // every LINKTYPE fits 16 bits
            endianness: endianness, precision: precision, snapshotLength: snapshotLength,
            interfaceCount: interfaceCount
        ).file(packets)
    }
}
