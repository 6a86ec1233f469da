/// The TCP header flags bitfield.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    /// The flag bits as on the wire (byte 13 of the TCP header).
    public var rawValue: UInt8
    /// Wraps a raw flag byte.
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    // The flags are computed and inlinable, not stored: a stored `static let` is a global whose
    // every use from another module called its lazy accessor (reassembly tests four flags a packet).

    /// No more data from sender.
    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x01) }
    /// Synchronise sequence numbers.
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x02) }
    /// Reset the connection.
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x04) }
    /// Push function.
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x08) }
    /// Acknowledgment field is significant.
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x10) }
    /// Urgent pointer field is significant.
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x20) }
    /// ECN echo.
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x40) }
    /// Congestion window reduced.
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x80) }
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
