import AnalyzerCore

/// Applies ``Impairments`` to a conversation's planned packets: mid-stream start, loss, reordering,
/// then duplicates and overlaps (fragmentation and snapshot length act later, on bytes).
struct ImpairmentApplier {
    /// What to apply.
    let impairments: Impairments
    /// The conversation (ISNs and MSS).
    let conversation: TCPConversation

    /// The packets as captured, plus how many leading packets a mid-stream start dropped.
    /// Statistics, indexed by `FlowDirection.rawValue`, are updated with what was done.
    func apply(
        to ideal: [PlannedPacket],
        random: inout some RandomNumberGenerator,
        statistics: inout [GeneratedStatistics]
    ) -> (packets: [PlannedPacket], droppedLeadingPackets: Int) {
        var packets = ideal
        var dropped = 0
        var anchors = [0, 0]  // first payload offset each direction's capture covers
        if impairments.dropHandshake {
            dropped = dropLeading(&packets, statistics: &statistics)
            for direction in FlowDirection.allCases {
                if let first = packets.firstIndex(where: { $0.direction == direction }) {
                    packets[first].pinned = true
                    anchors[direction.rawValue] = packets[first].payloadRange.lowerBound
                }
                if let firstData = packets.firstIndex(where: { $0.direction == direction && $0.isData }) {
                    packets[firstData].pinned = true
                }
            }
        }
        var lost = loseSegments(&packets, random: &random, statistics: &statistics)
        missSegments(&packets, lost: &lost, statistics: &statistics)
        reorder(&packets, random: &random, statistics: &statistics)
        addRetransmissions(&packets, lost: lost, anchors: anchors, random: &random, statistics: &statistics)
        if let kept = impairments.capturedDirection { packets.removeAll { $0.direction != kept } }
        return (packets, dropped)
    }

    /// Removes the handshake and everything up to and including the second data segment (or the
    /// last but one, when there are fewer than three). Returns how many packets went.
    private func dropLeading(_ packets: inout [PlannedPacket], statistics: inout [GeneratedStatistics]) -> Int {
        let dataIndices = packets.indices.filter { packets[$0].isData }
        let leadingData = min(2, max(0, dataIndices.count - 1))
        let cutoff = leadingData > 0 ? dataIndices[leadingData - 1] + 1 : min(3, packets.count)
        for packet in packets[..<cutoff] where packet.isData {
            statistics[packet.direction.rawValue].droppedLeadingSegments += 1
        }
        packets.removeFirst(cutoff)
        return cutoff
    }

    /// Removes up to `lossCount` data segments whose loss the sequence numbers reveal; returns the
    /// lost payload ranges per direction.
    private func loseSegments(
        _ packets: inout [PlannedPacket],
        random: inout some RandomNumberGenerator,
        statistics: inout [GeneratedStatistics]
    ) -> [[Range<Int>]] {
        var lost: [[Range<Int>]] = [[], []]
        guard impairments.lossCount > 0 else { return lost }
        // A later data segment, FIN or RST of the same side shows the hole; pure ACKs may be ignored.
        // Scanning backwards keeps this linear for long conversations.
        var revealed = [false, false]
        var candidates: [Int] = []
        for index in packets.indices.reversed() {
            let packet = packets[index]
            if packet.isData, !packet.pinned, revealed[packet.direction.rawValue] { candidates.append(index) }
            if packet.isData || packet.isClose { revealed[packet.direction.rawValue] = true }
        }
        candidates.reverse()
        let count = min(impairments.lossCount, candidates.count)
        for position in 0..<count {  // partial Fisher-Yates shuffle
            candidates.swapAt(position, position + random.integer(below: candidates.count - position))
        }
        let chosen = candidates.prefix(count).sorted(by: >)
        for index in chosen {
            let packet = packets.remove(at: index)
            lost[packet.direction.rawValue].append(packet.payloadRange)
            statistics[packet.direction.rawValue].lostSegments += 1
            statistics[packet.direction.rawValue].lostBytes += packet.payloadRange.count
        }
        return lost
    }

    /// Removes the original data segments that carry a byte named in ``Impairments/missedSegments``
    /// and adds their ranges to `lost`.
    private func missSegments(
        _ packets: inout [PlannedPacket],
        lost: inout [[Range<Int>]],
        statistics: inout [GeneratedStatistics]
    ) {
        for missed in impairments.missedSegments {
            let side = missed.direction.rawValue
            guard let index = packets.firstIndex(where: {
                $0.direction == missed.direction && $0.role == .data && $0.payloadRange.contains(missed.offset)
            }) else { continue }
            let packet = packets.remove(at: index)
            lost[side].append(packet.payloadRange)
            statistics[side].lostSegments += 1
            statistics[side].lostBytes += packet.payloadRange.count
        }
    }

    /// Swaps adjacent data segments of one direction, keeping each position's capture time.
    private func reorder(
        _ packets: inout [PlannedPacket],
        random: inout some RandomNumberGenerator,
        statistics: inout [GeneratedStatistics]
    ) {
        var index = 0
        while index + 1 < packets.count {
            let first = packets[index]
            let second = packets[index + 1]
            let eligible = first.isData && second.isData && !first.pinned && !second.pinned
                && first.direction == second.direction
            if eligible, random.chance(impairments.reorderProbability) {
                packets[index] = second
                packets[index].time = first.time
                packets[index + 1] = first
                packets[index + 1].time = second.time
                statistics[first.direction.rawValue].reorderedSegments += 2
                index += 2
            } else {
                index += 1
            }
        }
    }

    /// Inserts duplicates and overlapping re-cuts of data segments one to three packets after them,
    /// always before the first FIN or RST.
    private func addRetransmissions(
        _ packets: inout [PlannedPacket],
        lost: [[Range<Int>]],
        anchors: [Int],
        random: inout some RandomNumberGenerator,
        statistics: inout [GeneratedStatistics]
    ) {
        guard impairments.duplicateProbability > 0 || impairments.overlapProbability > 0 else { return }
        let closeIndex = packets.firstIndex(where: \.isClose) ?? packets.count
        // Per position and direction: how far the captured data reached before it, and the
        // acknowledgment number last sent, so that each retransmission costs constant time.
        var sentEnd = [[Int]](repeating: [Int](repeating: 0, count: packets.count + 1), count: 2)
        var lastAcknowledgment = [[UInt32?]](repeating: [UInt32?](repeating: nil, count: packets.count + 1), count: 2)
        for (index, packet) in packets.enumerated() {
            for side in 0..<2 {
                sentEnd[side][index + 1] = sentEnd[side][index]
                lastAcknowledgment[side][index + 1] = lastAcknowledgment[side][index]
            }
            let side = packet.direction.rawValue
            if packet.isData { sentEnd[side][index + 1] = max(sentEnd[side][index], packet.payloadRange.upperBound) }
            lastAcknowledgment[side][index + 1] = packet.acknowledgmentNumber
        }
        var insertions: [(position: Int, packet: PlannedPacket)] = []
        for index in packets.indices where index < closeIndex && packets[index].isData {
            let original = packets[index]
            let side = original.direction.rawValue
            if random.chance(impairments.duplicateProbability) {
                let position = min(index + 1 + random.integer(below: 3), closeIndex)
                var copy = original
                copy.role = .duplicate
                copy.pinned = false
                copy.time = packets[position - 1].time
                insertions.append((position, copy))
                statistics[side].duplicateSegments += 1
                statistics[side].retransmittedBytes += copy.payloadRange.count
            }
            if random.chance(impairments.overlapProbability) {
                let position = min(index + 1 + random.integer(below: 3), closeIndex)
                guard let range = overlapRange(
                    around: original.payloadRange, lost: lost[side], anchor: anchors[side],
                    sentEnd: sentEnd[side][position], random: &random
                ) else { continue }
                let isn = conversation.initialSequenceNumber(of: original.direction)
                let piece = PlannedPacket(
                    direction: original.direction, role: .overlap, flags: .ack,
                    sequenceNumber: ConversationPlanner.sequenceNumber(isn: isn, offset: range.lowerBound),
                    acknowledgmentNumber: lastAcknowledgment[side][position] ?? original.acknowledgmentNumber,
                    payloadRange: range, time: packets[position - 1].time
                )
                insertions.append((position, piece))
                statistics[side].overlapSegments += 1
                statistics[side].retransmittedBytes += range.count
            }
        }
        guard !insertions.isEmpty else { return }
        var merged: [PlannedPacket] = []
        merged.reserveCapacity(packets.count + insertions.count)
        var pending = insertions.sorted { $0.position < $1.position }[...]  // sort is stable in Swift 5+
        for index in 0...packets.count {
            while let next = pending.first, next.position == index {
                merged.append(next.packet)
                pending.removeFirst()
            }
            if index < packets.count { merged.append(packets[index]) }
        }
        packets = merged
    }

    /// A re-cut of `segment` reaching into its neighbours, using only bytes that were captured
    /// somewhere (never lost ones, never ones before the capture's start, none not yet sent), at
    /// most one MSS long; a proper part of `segment` when it has no neighbour room; `nil` when even
    /// that is impossible (a one-byte segment).
    private func overlapRange(
        around segment: Range<Int>,
        lost: [Range<Int>],
        anchor: Int,
        sentEnd: Int,
        random: inout some RandomNumberGenerator
    ) -> Range<Int>? {
        let mss = ConversationPlanner.effectiveMSS(conversation)
        let low = max(anchor, lost.filter { $0.upperBound <= segment.lowerBound }.map(\.upperBound).max() ?? 0)
        let nextLost = lost.filter { $0.lowerBound >= segment.upperBound }.map(\.lowerBound).min() ?? Int.max
        let high = max(segment.upperBound, min(sentEnd, nextLost))
        let roomLeft = min(max(0, segment.lowerBound - low), mss / 2)
        let roomRight = min(high - segment.upperBound, mss / 2)
        var lower = segment.lowerBound
        var upper = segment.upperBound
        if roomLeft > 0 {
            lower -= random.integer(in: 1...roomLeft)
            if roomRight > 0 { upper += random.integer(in: 0...roomRight) }
        } else if roomRight > 0 {
            upper += random.integer(in: 1...roomRight)
        } else if segment.count >= 2 {
            lower += random.integer(in: 1...(segment.count - 1))
        } else {
            return nil
        }
        return lower..<min(upper, lower + mss)
    }
}
