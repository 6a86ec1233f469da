/// The protocol version named in a start line, such as `HTTP/1.1`.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    /// The digit before the dot.
    public var major: Int
    /// The digit after the dot.
    public var minor: Int

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.1, the version BITS requires.
    public static let http11 = HTTPVersion(major: 1, minor: 1)
    /// HTTP/1.0.
    public static let http10 = HTTPVersion(major: 1, minor: 0)

    /// As written on the wire: `HTTP/1.1`.
    public var description: String { "HTTP/\(major).\(minor)" }
}
