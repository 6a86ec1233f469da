/// Why a capture could not be opened, read or filtered.
///
/// A struct with an extensible ``Code`` (in the manner of swift-asn1's `ASN1Error`) rather than an
/// enum, so that new kinds of failure can be added without breaking code that switches on them.
public struct CaptureError: Error, CustomStringConvertible, Equatable {
    /// The kind of failure; compare with the `static let`s.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case fileNotFound = "file-not-found"
            case permissionDenied = "permission-denied"
            case notACapture = "not-a-capture"
            case readFailed = "read-failed"
            case interfaceUnavailable = "interface-unavailable"
            case badFilter = "bad-filter"
            case invalidArgument = "invalid-argument"
        }

        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The path does not exist (or a directory on the way to it does not).
        public static let fileNotFound = Code(.fileNotFound)
        /// The capture exists but this process may not read it.
        public static let permissionDenied = Code(.permissionDenied)
        /// The input is not a pcap or pcapng capture (unknown format, cut inside its file header,
        /// empty, or a directory), also once decompressed (or its compressed data is damaged from
        /// the start), or a pcapng file our own reader cannot start (bad section header).
        public static let notACapture = Code(.notACapture)
        /// The operating system failed to read the input.
        public static let readFailed = Code(.readFailed)
        /// A capture interface could not be opened (reserved for live capture).
        public static let interfaceUnavailable = Code(.interfaceUnavailable)
        /// libpcap rejected a BPF filter expression.
        public static let badFilter = Code(.badFilter)
        /// The request itself is wrong (no captures given, standard input given twice).
        public static let invalidArgument = Code(.invalidArgument)

        /// A stable kebab-case name, e.g. `not-a-capture`.
        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The capture concerned: a file path, `-` for standard input, or an interface name.
    public var capture: String
    /// What went wrong, in words (often libpcap's or the operating system's message).
    public var reason: String

    /// Creates an error.
    public init(code: Code, capture: String, reason: String) {
        self.code = code
        self.capture = capture
        self.reason = reason
    }

    /// One line, `CAPTURE: reason`, e.g. `trace.pcap: not a capture file (unknown file format)`, or
    /// just the reason when no capture is concerned. Control characters (a newline in a file name,
    /// say) are shown escaped so that it stays one line.
    public var description: String {
        capture.isEmpty ? Self.oneLine(reason) : Self.oneLine(capture) + ": " + Self.oneLine(reason)
    }

    /// `text` with every control character replaced by a `\u{…}` escape (`\n`, `\t` as such).
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                result += scalar.escaped(asASCII: true)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
