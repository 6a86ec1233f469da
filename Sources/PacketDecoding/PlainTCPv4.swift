import AnalyzerCore

/// The shape of nearly every packet of a BITS upload, decoded in one step: an Ethernet II frame
/// without VLAN tags carrying an IPv4 packet without options, not a fragment, carrying TCP whose
/// header and payload were captured whole.
///
/// The general path reads the same fields layer by layer, each read checked and each layer a step
/// of its own (some 680 instructions a packet); here one length check covers every fixed field
/// (about 160 instructions with the decoder's bookkeeping). TCP options are parsed as the general
/// path parses them. Anything else, including every malformed or cut packet and every
/// segmentation-offload one (total length 0), is left to the general path, which decides it; so
/// for the packets this accepts, both give the same segment, the same options and the same
/// counts (`PlainTCPv4Tests` compares them packet by packet).
enum PlainTCPv4 {
    /// Ethernet (14) + IPv4 without options (20) + TCP without options (20).
    static let minimumLength = 54

    /// The segment of `frame` when it has the shape above; `nil` to take the general path.
    /// `options` receives the TCP options (their header bytes were captured and checked).
    @inline(__always)
    static func decode(_ frame: FrameBytes, timestamp: CaptureTimestamp, options: inout TCPOptions) -> TCPSegment? {
        let bytes = frame.reader.bytes
        guard bytes.count >= minimumLength, let base = bytes.baseAddress else { return nil }
        // EtherType IPv4, version 4 with a 20-byte header, TCP, no fragment bits but DF.
        guard base.loadUnaligned(fromByteOffset: 12, as: UInt16.self) == UInt16(0x0800).bigEndian,
              base.load(fromByteOffset: 14, as: UInt8.self) == 0x45,
              base.load(fromByteOffset: 23, as: UInt8.self) == IPv4Header.tcpProtocol,
              UInt16(bigEndian: base.loadUnaligned(fromByteOffset: 20, as: UInt16.self)) & 0x3FFF == 0
        else { return nil }
        let totalLength = Int(UInt16(bigEndian: base.loadUnaligned(fromByteOffset: 16, as: UInt16.self)))
        // At least both fixed headers (0, offload, goes the general way), within the frame on the wire.
        let end = 14 + totalLength
        guard totalLength >= 40, end <= frame.wireLength else { return nil }
        let tcpHeaderLength = Int(base.load(fromByteOffset: 46, as: UInt8.self) >> 4) * 4
        let payloadStart = 34 + tcpHeaderLength
        // The TCP header (options too) inside the IP packet and captured; the payload captured whole.
        guard tcpHeaderLength >= 20, payloadStart <= end, end <= bytes.count else { return nil }
        options = tcpHeaderLength == 20 ? TCPOptions() : TCPOptions.parse(frame.reader, from: 54, to: payloadStart)
        return TCPSegment(
            source: Endpoint(address: .v4(load32(base, 26)), port: load16(base, 34)),
            destination: Endpoint(address: .v4(load32(base, 30)), port: load16(base, 36)),
            sequenceNumber: load32(base, 38),
            acknowledgmentNumber: load32(base, 42),
            flags: TCPFlags(rawValue: base.load(fromByteOffset: 47, as: UInt8.self)),
            window: load16(base, 48),
            payload: UnsafeRawBufferPointer(start: base + payloadStart, count: end - payloadStart),
            payloadLength: end - payloadStart,
            timestamp: timestamp
        )
    }

    @inline(__always)
    private static func load16(_ base: UnsafeRawPointer, _ offset: Int) -> UInt16 {
        UInt16(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    private static func load32(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
