import AnalyzerCore

/// A conversation turned into captured packets, with exact knowledge of what was sent and what a
/// perfect analyzer should get out of it.
public struct RenderedConversation: Sendable {
    /// The link framing of every packet.
    public var encapsulation: LinkEncapsulation
    /// The client endpoint.
    public var client: Endpoint
    /// The server endpoint.
    public var server: Endpoint
    /// The packets in capture order; timestamps strictly increase, in whole microseconds.
    public var packets: [SyntheticPacket]
    /// A description of each packet, parallel to ``packets``.
    public var packetInfo: [RenderedPacketInfo]
    /// Every byte the client sent.
    public var clientPayload: [UInt8]
    /// Every byte the server sent.
    public var serverPayload: [UInt8]
    /// What a perfect reassembler delivers client to server.
    public var expectedClient: ExpectedStream
    /// What a perfect reassembler delivers server to client.
    public var expectedServer: ExpectedStream
    /// What the generator did client to server.
    public var clientStatistics: GeneratedStatistics
    /// What the generator did server to client.
    public var serverStatistics: GeneratedStatistics
    /// Packets sent before a mid-stream capture began (0 unless ``Impairments/dropHandshake``).
    public var droppedLeadingPackets: Int
    /// The snapshot length the packets were cut to, if any.
    public var snapshotLength: Int?

    /// The bytes sent in `direction`.
    public func payload(_ direction: FlowDirection) -> [UInt8] {
        direction == .clientToServer ? clientPayload : serverPayload
    }

    /// The expected stream of `direction`.
    public func expected(_ direction: FlowDirection) -> ExpectedStream {
        direction == .clientToServer ? expectedClient : expectedServer
    }

    /// The generator's statistics for `direction`.
    public func statistics(_ direction: FlowDirection) -> GeneratedStatistics {
        direction == .clientToServer ? clientStatistics : serverStatistics
    }
}
