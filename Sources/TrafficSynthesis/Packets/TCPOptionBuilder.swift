/// Encodes TCP options (RFC 9293, RFC 7323, RFC 2018) for ``TCPSegmentBuilder``.
public enum TCPOptionBuilder {
    /// No-Operation (kind 1), used to align the options that follow.
    public static let noOperation: [UInt8] = [1]
    /// SACK-Permitted (kind 4).
    public static let sackPermitted: [UInt8] = [4, 2]

    /// Maximum Segment Size (kind 2).
    public static func maximumSegmentSize(_ value: UInt16) -> [UInt8] {
        [2, 4, UInt8(value >> 8), UInt8(value & 0xFF)]
    }

    /// Window Scale (kind 3) with shift `shift` (RFC 7323 allows at most 14).
    public static func windowScale(_ shift: UInt8) -> [UInt8] {
        [3, 3, shift]
    }

    /// The options of a SYN or SYN-ACK, laid out as common stacks do: MSS, then NOP + Window Scale,
    /// then NOP NOP + SACK-Permitted, each optional part only when asked for.
    public static func synOptions(
        maximumSegmentSize mss: UInt16,
        windowScale shift: UInt8?,
        sackPermitted: Bool
    ) -> [UInt8] {
        var options = maximumSegmentSize(mss)
        if let shift { options += noOperation + windowScale(shift) }
        if sackPermitted { options += noOperation + noOperation + Self.sackPermitted }
        return options
    }
}
