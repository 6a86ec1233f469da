import AnalyzerCore

/// Turns a conversation's script into the packets a perfect capture would hold, in order.
enum ConversationPlanner {
    /// The largest MSS generated, so that a segment with every option still fits an IP datagram.
    static let maximumMSS = 65_000

    /// The conversation's MSS, clamped to what can be generated.
    static func effectiveMSS(_ conversation: TCPConversation) -> Int {
        min(max(conversation.mss, 1), maximumMSS)
    }

    /// The sequence number of payload offset `offset` of the side with initial sequence number `isn`.
    static func sequenceNumber(isn: UInt32, offset: Int) -> UInt32 {
        // Sequence space is modulo 2^32 (RFC 9293 §3.4): truncation is the wrap-around.
        isn &+ 1 &+ UInt32(truncatingIfNeeded: offset)
    }

    /// The unimpaired packets of `conversation`.
    static func plan(_ conversation: TCPConversation) -> [PlannedPacket] {
        let mss = effectiveMSS(conversation)
        let interval = max(1, conversation.packetIntervalMicroseconds)
        var packets: [PlannedPacket] = []
        var time: Int64 = 0
        var next = [0, 0]  // payload offset each direction has reached, indexed by FlowDirection.rawValue

        func sequence(_ direction: FlowDirection, _ offset: Int) -> UInt32 {
            sequenceNumber(isn: conversation.initialSequenceNumber(of: direction), offset: offset)
        }
        func emit(_ direction: FlowDirection, _ role: PacketRole, _ flags: TCPFlags, sequenceNumber: UInt32,
                  acknowledgment: UInt32, range: Range<Int>, options: [UInt8] = []) {
            packets.append(PlannedPacket(
                direction: direction, role: role, flags: flags, sequenceNumber: sequenceNumber,
                acknowledgmentNumber: acknowledgment, payloadRange: range, options: options, time: time
            ))
            time = saturatingSum(time, interval)
        }

        let synOptions = TCPOptionBuilder.synOptions(
            maximumSegmentSize: UInt16(mss), windowScale: conversation.windowScale,
            sackPermitted: conversation.sackPermitted
        )
        emit(.clientToServer, .handshake, .syn, sequenceNumber: conversation.clientISN, acknowledgment: 0,
             range: 0..<0, options: synOptions)
        emit(.serverToClient, .handshake, [.syn, .ack], sequenceNumber: conversation.serverISN,
             acknowledgment: sequence(.clientToServer, 0), range: 0..<0, options: synOptions)
        emit(.clientToServer, .handshake, .ack, sequenceNumber: sequence(.clientToServer, 0),
             acknowledgment: sequence(.serverToClient, 0), range: 0..<0)

        for step in conversation.steps {
            switch step {
            case .pause(let microseconds):
                time = saturatingSum(time, microseconds)
            case .send(let direction, let bytes):
                let peer = direction.reversed
                var sent = 0
                var segments = 0
                while sent < bytes.count {
                    let length = min(mss, bytes.count - sent)
                    let start = next[direction.rawValue]
                    let isLast = sent + length == bytes.count
                    emit(direction, .data, isLast ? [.ack, .psh] : .ack, sequenceNumber: sequence(direction, start),
                         acknowledgment: sequence(peer, next[peer.rawValue]), range: start..<(start + length))
                    sent += length
                    segments += 1
                    next[direction.rawValue] += length
                    // The receiver acknowledges every second segment and the end of each send.
                    if segments % 2 == 0 || isLast {
                        let peerOffset = next[peer.rawValue]
                        emit(peer, .acknowledgment, .ack, sequenceNumber: sequence(peer, peerOffset),
                             acknowledgment: sequence(direction, next[direction.rawValue]),
                             range: peerOffset..<peerOffset)
                    }
                }
            }
        }

        let clientEnd = next[FlowDirection.clientToServer.rawValue]
        let serverEnd = next[FlowDirection.serverToClient.rawValue]
        switch conversation.closing {
        case .fin:
            // A FIN takes one sequence number, so the peer acknowledges its sequence number plus one.
            emit(.clientToServer, .finish, [.fin, .ack], sequenceNumber: sequence(.clientToServer, clientEnd),
                 acknowledgment: sequence(.serverToClient, serverEnd), range: clientEnd..<clientEnd)
            emit(.serverToClient, .finish, [.fin, .ack], sequenceNumber: sequence(.serverToClient, serverEnd),
                 acknowledgment: sequence(.clientToServer, clientEnd + 1), range: serverEnd..<serverEnd)
            emit(.clientToServer, .acknowledgment, .ack, sequenceNumber: sequence(.clientToServer, clientEnd + 1),
                 acknowledgment: sequence(.serverToClient, serverEnd + 1), range: clientEnd..<clientEnd)
        case .reset:
            emit(.clientToServer, .reset, [.rst, .ack], sequenceNumber: sequence(.clientToServer, clientEnd),
                 acknowledgment: sequence(.serverToClient, serverEnd), range: clientEnd..<clientEnd)
        case .none:
            break
        }
        return packets
    }

    /// `a + b`, stopping at `Int64.max` instead of trapping.
    static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int64.max : sum
    }
}
