/// The TCP header flags bitfield.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    /// The flag bits as on the wire (byte 13 of the TCP header).
    public var rawValue: UInt8
    /// Wraps a raw flag byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// No more data from sender.
    public static let fin = TCPFlags(rawValue: 0x01)
    /// Synchronise sequence numbers.
    public static let syn = TCPFlags(rawValue: 0x02)
    /// Reset the connection.
    public static let rst = TCPFlags(rawValue: 0x04)
    /// Push function.
    public static let psh = TCPFlags(rawValue: 0x08)
    /// Acknowledgment field is significant.
    public static let ack = TCPFlags(rawValue: 0x10)
    /// Urgent pointer field is significant.
    public static let urg = TCPFlags(rawValue: 0x20)
    /// ECN echo.
    public static let ece = TCPFlags(rawValue: 0x40)
    /// Congestion window reduced.
    public static let cwr = TCPFlags(rawValue: 0x80)
}

/// A decoded TCP segment, as the packet decoder hands it to reassembly.
///
/// `payload` borrows memory owned by the packet source or the IP fragment reassembler: it is valid
/// only until the next packet is read. Reassembly copies only what it must hold out of order.
public struct TCPSegment {
    /// Sender's endpoint.
    public var source: Endpoint
    /// Receiver's endpoint.
    public var destination: Endpoint
    /// Sequence number of the first payload byte (or of the SYN).
    public var sequenceNumber: UInt32
    /// Acknowledgment number (meaningful when `flags` contains `.ack`).
    public var acknowledgmentNumber: UInt32
    /// The header flags.
    public var flags: TCPFlags
    /// The advertised receive window (unscaled).
    public var window: UInt16
    /// The payload bytes that were captured.
    public var payload: UnsafeRawBufferPointer
    /// The payload length on the wire, from the IP lengths. Larger than `payload.count` when the
    /// snapshot length cut the packet: the missing tail was sent but not captured.
    public var payloadLength: Int
    /// When the packet was captured.
    public var timestamp: CaptureTimestamp

    /// Creates a segment.
    @inlinable
    public init(
        source: Endpoint,
        destination: Endpoint,
        sequenceNumber: UInt32,
        acknowledgmentNumber: UInt32,
        flags: TCPFlags,
        window: UInt16,
        payload: UnsafeRawBufferPointer,
        payloadLength: Int,
        timestamp: CaptureTimestamp
    ) {
        self.source = source
        self.destination = destination
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.payload = payload
        self.payloadLength = max(payloadLength, payload.count)
        self.timestamp = timestamp
    }
}
