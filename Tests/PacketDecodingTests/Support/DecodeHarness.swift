import AnalyzerCore
import PacketDecoding

/// A decoded TCP segment copied out of the decoder's borrowed memory, so tests can compare it.
struct SegmentSummary: Equatable, CustomStringConvertible {
    var source: Endpoint
    var destination: Endpoint
    var sequence: UInt32
    var acknowledgment: UInt32
    var flags: UInt8
    var window: UInt16
    var payload: [UInt8]
    var payloadLength: Int

    var description: String {
        "\(source) -> \(destination) seq \(sequence) ack \(acknowledgment) flags \(flags) win \(window) "
            + "payload \(payload.count)/\(payloadLength)"
    }
}

/// A ``DecodeOutcome`` with the segment copied, comparable in `#expect`.
enum Outcome: Equatable {
    case tcp(SegmentSummary)
    case notTCP
    case fragmentHeld
    case truncated
    case malformed(MalformedReason)
    case unsupportedLinkType
    case undecoded(UndecodedEncapsulation)

    var isMalformed: Bool {
        if case .malformed = self { return true }
        return false
    }

    var segment: SegmentSummary? {
        if case .tcp(let segment) = self { return segment }
        return nil
    }
}

extension PacketDecoder {
    /// Decodes `bytes` as one captured packet and copies the result out.
    func decode(
        _ bytes: [UInt8], linkType: LinkType, originalLength: Int? = nil, time: CaptureTimestamp = .zero
    ) -> Outcome {
        bytes.withUnsafeBytes { buffer in
            let packet = CapturedPacket(
                timestamp: time, linkType: linkType, originalLength: originalLength ?? bytes.count, bytes: buffer
            )
            switch decode(packet) {
            case .tcp(let segment):
                return .tcp(SegmentSummary(
                    source: segment.source,
                    destination: segment.destination,
                    sequence: segment.sequenceNumber,
                    acknowledgment: segment.acknowledgmentNumber,
                    flags: segment.flags.rawValue,
                    window: segment.window,
                    payload: Array(segment.payload),
                    payloadLength: segment.payloadLength
                ))
            case .notTCP: return .notTCP
            case .fragmentHeld: return .fragmentHeld
            case .truncated: return .truncated
            case .malformed(let reason): return .malformed(reason)
            case .unsupportedLinkType: return .unsupportedLinkType
            case .undecoded(let encapsulation): return .undecoded(encapsulation)
            }
        }
    }
}

extension PacketDecoder {
    /// Decodes one IPv4 fragment as a raw IP packet.
    func fragment(
        _ offset: Int, _ bytes: [UInt8], last: Bool, id: UInt16 = 0x4242, options: [UInt8] = []
    ) -> Outcome {
        let packet = PacketBuilder.ipv4Fragment(
            offset: offset, bytes: bytes, isLast: last, identification: id, options: options
        )
        return decode(packet, linkType: .raw)
    }
}

extension DecodeStatistics {
    /// Whether every packet was counted in exactly one outcome counter.
    var outcomesAddUp: Bool {
        packets == tcpSegments + nonIP + nonTCP + fragmentsHeld + malformed + unsupportedLinkType + undecoded
            + (truncated - truncatedPayloads)
    }
}

/// The segment the default builders describe, as the decoder should report it.
func expectedSegment(
    v6: Bool = false, payload: [UInt8] = PacketBuilder.payload, payloadLength: Int? = nil
) -> SegmentSummary {
    let source: IPAddress = v6 ? .v6(0x2001_0db8_0000_0000, 1) : .v4(0xC000_0201)
    let destination: IPAddress = v6 ? .v6(0x2001_0db8_0000_0000, 2) : .v4(0xC633_6402)
    return SegmentSummary(
        source: Endpoint(address: source, port: 49_152),
        destination: Endpoint(address: destination, port: 80),
        sequence: 1_000,
        acknowledgment: 2_000,
        flags: 0x18,
        window: 8_192,
        payload: payload,
        payloadLength: payloadLength ?? payload.count
    )
}
