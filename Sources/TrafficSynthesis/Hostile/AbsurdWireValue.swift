/// HTTP and BITS exchanges carrying numbers and structures no sane peer sends, each as the raw
/// bytes of one connection's messages (``HostileCaptures/exchange(_:segmentSize:)`` makes a capture).
public enum AbsurdWireValue: String, CaseIterable, Sendable {
    /// `Content-Length` of 26 digits, past 64 bits.
    case contentLengthPast64Bits = "content-length-past-64-bits"
    /// `Content-Length: -5`.
    case contentLengthNegative = "content-length-negative"
    /// A BITS fragment's `Content-Range` with numbers past 64 bits.
    case contentRangePast64Bits = "content-range-past-64-bits"
    /// `Content-Range: bytes -3--1/-7`.
    case contentRangeNegative = "content-range-negative"
    /// `Content-Range: bytes 10-5/100`: the last byte before the first.
    case contentRangeLastBelowFirst = "content-range-last-below-first"
    /// A chunked body whose chunk size has 20 hex digits.
    case chunkSize20HexDigits = "chunk-size-20-hex-digits"
    /// A request whose header block never ends (header lines until the connection closes).
    case headerBlockNeverEnds = "header-block-never-ends"
    /// Acks saying the server received bytes past the upload's total.
    case receivedPastTotal = "received-past-total"

    private static let session = "{ABAD1DEA-0000-4000-8000-000000000001}"
    private static let builder = BITSMessageBuilder(host: "uploads.example", path: "/upload/x.bin",
                                                    contentName: "x.bin")

    /// The exchange: client messages, each with the server's answer (or none).
    public var messages: [(client: [UInt8], server: [UInt8]?)] {
        let b = Self.builder
        let createAck = b.createSessionAck(sessionID: Self.session).bytes
        let create: (client: [UInt8], server: [UInt8]?) = (b.createSession().bytes, createAck)
        func fragment(_ range: String, body: [UInt8] = Array("abcd".utf8)) -> [UInt8] {
            b.fragment(sessionID: Self.session, contentRange: range, body: body).bytes
        }
        func ack(received: String) -> [UInt8] {
            var message = b.ack(sessionID: Self.session)
            message.setHeader("BITS-Received-Content-Range", received)
            return message.bytes
        }
        func http(_ text: String) -> [UInt8] { Array(text.utf8) }
        switch self {
        case .contentLengthPast64Bits:
            return [(http("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999\r\n\r\nabcd"),
                     http("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\nxyz"))]
        case .contentLengthNegative:
            return [(http("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: -5\r\n\r\nabcd"),
                     http("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"))]
        case .contentRangePast64Bits:
            return [create, (fragment("bytes 0-99999999999999999999999/99999999999999999999999"), ack(received: "4"))]
        case .contentRangeNegative:
            return [create, (fragment("bytes -3--1/-7"), ack(received: "0"))]
        case .contentRangeLastBelowFirst:
            return [create, (fragment("bytes 10-5/100"), ack(received: "0"))]
        case .chunkSize20HexDigits:
            let chunked = "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            return [(http(chunked + "FFFFFFFFFFFFFFFFFFFF\r\nab\r\n0\r\n\r\n"),
                     http("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000000\r\nxyz"))]
        case .headerBlockNeverEnds:
            let line = "X-Filler: " + String(repeating: "a", count: 1_000) + "\r\n"
            let start = "BITS_POST /upload/x.bin HTTP/1.1\r\nHost: h\r\n"
            return [(http(start + String(repeating: line, count: 200)), nil)]
        case .receivedPastTotal:
            return [create, (fragment("bytes 0-3/4"), ack(received: "5000")),
                    (fragment("bytes 4-7/4"), ack(received: "18446744073709551615"))]
        }
    }
}
