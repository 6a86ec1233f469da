/// A `BITS-Error-Context` value: a BG_ERROR_CONTEXT number in hex. On the wire only `0x5` (the
/// BITS server found the error) and `0x7` (the server application reported it) are legal
/// (reference §4.3); the other members of the client's enum are named too.
public struct BITSErrorContext: Hashable, Sendable, CustomStringConvertible {
    /// The number.
    public var value: UInt32

    /// Wraps a context number.
    public init(_ value: UInt32) { self.value = value }

    /// Parses leniently, like `BITSErrorCode`: `0x5`, `5`, `x7`, `0x00000007`, any case,
    /// surrounding spaces. Returns `nil` for anything that is not 1 to 8 hex digits.
    public init?(headerValue: String) {
        guard let parsed = BITSErrorCode.parseHex(headerValue) else { return nil }
        value = parsed
    }

    /// `0x5`: `0x` and the hex digits without padding, as BITS sends it.
    public var description: String { "0x" + String(value, radix: 16, uppercase: true) }

    /// BG_ERROR_CONTEXT_NONE 0, UNKNOWN 1, GENERAL_QUEUE_MANAGER 2, QUEUE_MANAGER_NOTIFICATION 3,
    /// LOCAL_FILE 4, REMOTE_FILE 5, GENERAL_TRANSPORT 6, REMOTE_APPLICATION 7,
    /// SERVER_CERTIFICATE_CALLBACK 8 (bits.h; reference §4.3); `nil` for other numbers.
    public var name: String? { Self.table(value)?.name }

    /// A one-line meaning for a known context.
    public var meaning: String? { Self.table(value)?.meaning }

    /// Every named context, in order of value.
    public static let namedContexts: [BITSErrorContext] = (0...8).map { BITSErrorContext($0) }

    /// The error was found by the BITS server itself.
    public static let remoteFile = BITSErrorContext(5)
    /// The error was reported by the server application behind the BITS server.
    public static let remoteApplication = BITSErrorContext(7)

    private static func table(_ value: UInt32) -> (name: String, meaning: String)? {
        switch value {
        case 0: ("BG_ERROR_CONTEXT_NONE", "no error context")
        case 1: ("BG_ERROR_CONTEXT_UNKNOWN", "the error's origin is unknown")
        case 2: ("BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER", "the error came from the client's BITS queue manager")
        case 3: ("BG_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION", "the error arose while the client notified its application")
        case 4: ("BG_ERROR_CONTEXT_LOCAL_FILE", "the error concerns the client's local file")
        case 5: ("BG_ERROR_CONTEXT_REMOTE_FILE", "the BITS server itself found the error (the spec's CONTEXT_SERVER)")
        case 6: ("BG_ERROR_CONTEXT_GENERAL_TRANSPORT", "the error came from the network transport")
        case 7: ("BG_ERROR_CONTEXT_REMOTE_APPLICATION", "the server application behind the BITS server reported the error")
        case 8: ("BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK", "the client application's server-certificate check failed")
        default: nil
        }
    }
}
