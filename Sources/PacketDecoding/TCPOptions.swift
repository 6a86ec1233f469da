import AnalyzerCore

/// The TCP options of one segment that the decoder understands (RFC 9293 §3.2, RFC 7323, RFC 2018).
///
/// Options are advisory: a malformed option list never stops a segment from being decoded, it only
/// sets ``isMalformed`` (and is counted in ``DecodeStatistics/tcpOptionErrors``).
public struct TCPOptions: Sendable, Hashable {
    /// Maximum Segment Size (kind 2), if present and well formed.
    public var maximumSegmentSize: UInt16?
    /// Window scale shift count (kind 3), if present and well formed.
    public var windowScale: UInt8?
    /// Whether SACK-Permitted (kind 4) is present.
    public var sackPermitted = false
    /// Number of SACK blocks (kind 5), 0 when absent.
    public var sackBlockCount = 0
    /// Timestamp value TSval (kind 8), if present and well formed.
    public var timestampValue: UInt32?
    /// Timestamp echo reply TSecr (kind 8), if present and well formed.
    public var timestampEchoReply: UInt32?
    /// Whether an option had an impossible length or ran past the header; parsing stopped there.
    public var isMalformed = false

    /// No options.
    public init() {}

    /// Parses the option bytes `start..<end` of `reader` (the caller has checked they were captured).
    static func parse(_ reader: ByteReader, from start: Int, to end: Int) -> TCPOptions {
        var options = TCPOptions()
        var position = start
        // `end` is at most 40 bytes past `start` (data offset is 4 bits), so no sum below overflows.
        while position < end {
            guard let kind = reader.getUInt8(at: position) else {
                options.isMalformed = true
                break
            }
            if kind == 0 { break }  // End of Option List.
            if kind == 1 {  // No-Operation.
                position += 1
                continue
            }
            guard position + 2 <= end, let lengthByte = reader.getUInt8(at: position + 1),
                  lengthByte >= 2, position + Int(lengthByte) <= end
            else {
                options.isMalformed = true
                break
            }
            let length = Int(lengthByte)
            switch kind {
            case 2:
                if length == 4, let mss = reader.getUInt16(at: position + 2) {
                    options.maximumSegmentSize = mss
                } else {
                    options.isMalformed = true
                }
            case 3:
                if length == 3, let shift = reader.getUInt8(at: position + 2) {
                    options.windowScale = shift
                } else {
                    options.isMalformed = true
                }
            case 4:
                if length == 2 { options.sackPermitted = true } else { options.isMalformed = true }
            case 5:
                if length >= 10, (length - 2) % 8 == 0 {
                    options.sackBlockCount = (length - 2) / 8
                } else {
                    options.isMalformed = true
                }
            case 8:
                if length == 10, let value = reader.getUInt32(at: position + 2),
                   let echo = reader.getUInt32(at: position + 6) {
                    options.timestampValue = value
                    options.timestampEchoReply = echo
                } else {
                    options.isMalformed = true
                }
            default:
                break  // An option we do not interpret; its length was checked above.
            }
            position += length
        }
        return options
    }
}
