/// One end of a transport connection: an address and a port.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The IP address.
    public var address: IPAddress
    /// The TCP or UDP port.
    public var port: UInt16

    /// Creates an endpoint.
    @inlinable
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `192.0.2.5:49153` for IPv4, `[2001:db8::1]:80` for IPv6.
    public var description: String {
        guard case .v4 = address else { return "[\(address)]:\(port)" }
        // Made as bytes: interpolation cost some 2,000 instructions, and the timeline writes two
        // endpoints per session.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maximumIPv4TextLength) { text in
            let count = writeIPv4Text(to: text.baseAddress!) ?? 0
            return String(decoding: UnsafeBufferPointer(rebasing: text[0..<count]), as: UTF8.self)
        }
    }

    /// The longest ``writeIPv4Text(to:)``: `255.255.255.255:65535`.
    public static let maximumIPv4TextLength = 21

    /// Writes an IPv4 endpoint's ``description`` at `out` (room for ``maximumIPv4TextLength``
    /// bytes) and says how long it is; `nil`, writing nothing, for IPv6. For writers that put the
    /// text straight into their output (the JSON timeline writes three endpoints a session).
    public func writeIPv4Text(to out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard case .v4(let value) = address else { return nil }
        var count = 0
        for shift in stride(from: 24, through: 0, by: -8) {
            count += DecimalText.write(UInt64((value >> UInt32(shift)) & 0xFF), to: out + count)
            out[count] = shift == 0 ? UInt8(ascii: ":") : UInt8(ascii: ".")
            count += 1
        }
        return count + DecimalText.write(UInt64(port), to: out + count)
    }

    /// Orders by address, then port.
    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
        lhs.address != rhs.address ? lhs.address < rhs.address : lhs.port < rhs.port
    }
}

/// Which way bytes travel on a connection, relative to the side that opened it.
public enum FlowDirection: Int, Sendable, CaseIterable {
    /// From the client (the side that sent the SYN) to the server.
    case clientToServer = 0
    /// From the server to the client.
    case serverToClient = 1

    /// The other direction.
    public var reversed: FlowDirection { self == .clientToServer ? .serverToClient : .clientToServer }
}
