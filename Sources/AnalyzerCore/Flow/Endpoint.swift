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
        guard case .v4(let value) = address else { return "[\(address)]:\(port)" }
        // Made as bytes: interpolation cost some 2,000 instructions, and the timeline writes two
        // endpoints per session.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { text in
            let out = text.baseAddress!
            var count = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                count += DecimalText.write(UInt64((value >> UInt32(shift)) & 0xFF), to: out + count)
                out[count] = shift == 0 ? UInt8(ascii: ":") : UInt8(ascii: ".")
                count += 1
            }
            count += DecimalText.write(UInt64(port), to: out + count)
            return String(decoding: UnsafeBufferPointer(rebasing: text[0..<count]), as: UTF8.self)
        }
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
