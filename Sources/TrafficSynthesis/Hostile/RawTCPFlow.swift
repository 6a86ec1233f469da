import AnalyzerCore

/// One IPv4 TCP connection written segment by segment into a ``PcapBuffer``, with no impairment
/// model: what is sent is what is captured, unless a test skips bytes on purpose (a hole) or lets
/// the connection stay half-open. For hostile captures of many connections; ordinary traffic is
/// ``TCPConversation``'s job.
public struct RawTCPFlow: Sendable {
    /// The client's address and port.
    public let client: Endpoint
    /// The server's address and port.
    public let server: Endpoint
    /// The next sequence number of each side.
    private var clientNext: UInt32
    private var serverNext: UInt32
    private var identification: UInt16 = 1

    /// A connection between IPv4 endpoints; `isn` is the client's initial sequence number.
    public init(client: Endpoint, server: Endpoint, isn: UInt32 = 1_000) {
        self.client = client
        self.server = server
        clientNext = isn
        serverNext = 0x4000_0000 &+ isn  // any other number; wraps harmlessly for large ISNs
    }

    /// The client's SYN only: a half-open connection.
    public mutating func syn(into capture: inout PcapBuffer) {
        send(fromClient: true, flags: [.syn], payload: [], into: &capture)
        clientNext &+= 1  // the SYN takes one sequence number
    }

    /// SYN, SYN-ACK and ACK.
    public mutating func handshake(into capture: inout PcapBuffer) {
        syn(into: &capture)
        send(fromClient: false, flags: [.syn, .ack], payload: [], into: &capture)
        serverNext &+= 1
        send(fromClient: true, flags: [.ack], payload: [], into: &capture)
    }

    /// Sends `bytes` from the client in segments of at most `segmentSize` bytes.
    public mutating func clientSends(_ bytes: [UInt8], segmentSize: Int = 1_400, into capture: inout PcapBuffer) {
        sendData(fromClient: true, bytes, segmentSize: segmentSize, into: &capture)
    }

    /// Sends `bytes` from the server in segments of at most `segmentSize` bytes.
    public mutating func serverSends(_ bytes: [UInt8], segmentSize: Int = 1_400, into capture: inout PcapBuffer) {
        sendData(fromClient: false, bytes, segmentSize: segmentSize, into: &capture)
    }

    /// Moves the client's sequence number on by `count` bytes that are never captured: the next
    /// bytes sent sit behind a hole that never fills (and no ACK covers it).
    public mutating func clientSkips(_ count: UInt32) { clientNext &+= count }

    /// FIN from each side, each acknowledged.
    public mutating func close(into capture: inout PcapBuffer) {
        send(fromClient: true, flags: [.fin, .ack], payload: [], into: &capture)
        clientNext &+= 1
        send(fromClient: false, flags: [.fin, .ack], payload: [], into: &capture)
        serverNext &+= 1
        send(fromClient: true, flags: [.ack], payload: [], into: &capture)
    }

    private mutating func sendData(
        fromClient: Bool, _ bytes: [UInt8], segmentSize: Int, into capture: inout PcapBuffer
    ) {
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + max(1, segmentSize))
            send(fromClient: fromClient, flags: [.ack, .psh], payload: Array(bytes[start..<end]), into: &capture)
            if fromClient { clientNext &+= UInt32(end - start) } else { serverNext &+= UInt32(end - start) }
            start = end
        }
    }

    private mutating func send(fromClient: Bool, flags: TCPFlags, payload: [UInt8], into capture: inout PcapBuffer) {
        let (source, destination) = fromClient ? (client, server) : (server, client)
        let sequence = fromClient ? clientNext : serverNext
        // Only the SYN goes without an acknowledgment number.
        let acknowledgment = flags.contains(.ack) ? (fromClient ? serverNext : clientNext) : 0
        let segment = TCPSegmentBuilder.segment(
            source: source, destination: destination, sequenceNumber: sequence, acknowledgmentNumber: acknowledgment,
            flags: flags, payload: payload)
        guard case .v4(let from) = source.address, case .v4(let to) = destination.address else {
            preconditionFailure("RawTCPFlow writes IPv4 only")
        }
        let packet = IPPacketBuilder.ipv4(source: from, destination: to, protocolNumber: IPPacketBuilder.tcpProtocol,
                                          payload: segment, identification: identification)
        identification &+= 1
        capture.append(ipPacket: packet, from: source.address, to: destination.address)
    }
}
