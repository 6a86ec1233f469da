/// Checks the first line of a head byte by byte, so that data that cannot be a request or status
/// line is rejected at its first wrong byte instead of being buffered up to the head limit.
///
/// It accepts a prefix only; the whole line is checked by ``StartLineParser`` once it is complete.
/// A carriage return is accepted only as the last byte before the line feed (which is not fed).
struct StartLineSniffer {
    /// Which kind of start line to expect.
    enum Kind {
        /// `METHOD SP target SP HTTP/x.y`.
        case request
        /// `HTTP/x.y SP 3DIGIT [SP reason]`.
        case status
    }

    private let kind: Kind
    /// Bytes at the start of a status line that ``statusLineAccepts(_:at:)`` spells out (up to the
    /// space after the code); the text after them only has to be free of control characters.
    static let statusLinePrefixLength = 13
    /// Bytes accepted so far.
    private var position = 0
    /// Whether a request's method has been ended by a space.
    private var methodEnded = false
    /// Whether the last byte accepted was a carriage return.
    private var sawCarriageReturn = false

    /// A sniffer at the start of a line.
    init(kind: Kind) { self.kind = kind }

    /// Whether nothing but possibly a carriage return has been accepted (the line is blank so far).
    var isAtLineStart: Bool { position == 0 }

    /// Whether every byte but a control byte (CR and LF among them) is accepted from here on: past
    /// a request's method, past a status line's code. The accumulator then skips such runs whole.
    var acceptsAnyTextByte: Bool {
        guard !sawCarriageReturn else { return false }
        switch kind {
        case .request: return methodEnded
        case .status: return position >= Self.statusLinePrefixLength
        }
    }

    /// Notes `count` bytes accepted without ``accept(_:)`` (a run of text bytes, see
    /// ``acceptsAnyTextByte``).
    mutating func skipText(_ count: Int) { position += count }

    /// Accepts the next byte of the line (never a line feed); `false` when the line can no longer
    /// be a start line of the expected kind.
    mutating func accept(_ byte: UInt8) -> Bool {
        if sawCarriageReturn { return false }
        if byte == ASCII.carriageReturn {
            // Fine only right before the line feed; a blank line is "\r\n" too.
            sawCarriageReturn = true
            return true
        }
        defer { position += 1 }
        switch kind {
        case .request: return acceptRequestByte(byte)
        case .status: return acceptStatusByte(byte)
        }
    }

    private mutating func acceptRequestByte(_ byte: UInt8) -> Bool {
        if methodEnded { return !ASCII.isControl(byte) }
        if byte == ASCII.space {
            methodEnded = true
            return position > 0
        }
        return ASCII.isTokenCharacter(byte)
    }

    /// `HTTP/` D `.` D SP D D D, then anything but control characters.
    private func acceptStatusByte(_ byte: UInt8) -> Bool { Self.statusLineAccepts(byte, at: position) }

    /// Whether a status line may have `byte` at `position`, the rule ``acceptStatusByte(_:)``
    /// applies byte by byte and ``HeadAccumulator/wholeStartLine(_:from:kind:maxBytes:)`` to a
    /// whole line: `HTTP/` D `.` D SP D D D SP, then anything but control characters.
    @inline(__always)
    static func statusLineAccepts(_ byte: UInt8, at position: Int) -> Bool {
        switch position {
        // `HTTP/` spelt out: a static array read here cost its lazy initialisation check per byte.
        case 0: return byte == UInt8(ascii: "H")
        case 1, 2: return byte == UInt8(ascii: "T")
        case 3: return byte == UInt8(ascii: "P")
        case 4: return byte == UInt8(ascii: "/")
        case 5, 7, 9, 10, 11: return ASCII.decimalValue(byte) != nil
        case 6: return byte == ASCII.dot
        case 8: return byte == ASCII.space
        case 12: return byte == ASCII.space
        default: return !ASCII.isControl(byte)
        }
    }
}
