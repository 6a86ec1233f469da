/// A client failure: the server broke the scenario's expectations or the connection failed.
struct ClientError: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String
}

/// One keep-alive TCP connection of the BITS client, sending Windows-like requests
/// (header order and values after [MC-BUP] §4.1) and reading their Acks.
final class BITSClientConnection {
    private let socket: TCPSocket
    private let reader: HTTPMessageReader
    private let hostHeader: String
    private let target: String
    private let contentName: String

    /// Connects to `host:port` for uploads to `/upload/<contentName>`, with `timeoutSeconds` per
    /// socket operation. Throws if the connection cannot be made.
    init(host: String, port: UInt16, contentName: String, timeoutSeconds: Int) throws {
        socket = try TCPSocket.connected(host: host, port: port)
        socket.setTimeout(seconds: timeoutSeconds)
        reader = HTTPMessageReader(socket: socket)
        hostHeader = "\(host):\(port)"
        target = "/upload/\(contentName)"
        self.contentName = contentName
    }

    /// Sends one BITS_POST of `packetType` and returns its Ack. Throws if the connection fails or the
    /// answer is not an Ack.
    func send(packetType: String, sessionID: String? = nil, range: ContentRange? = nil, body: [UInt8] = [])
        throws -> HTTPMessage {
        var headers: [(name: String, value: String)] = [("Accept", "*/*"), ("BITS-Packet-Type", packetType)]
        if packetType == "Create-Session" {
            headers.append(("BITS-Supported-Protocols", BITSProtocol.protocolGUID))
        }
        if let sessionID { headers.append(("BITS-Session-Id", sessionID)) }
        if packetType == "Fragment" { headers.append(("Content-Name", contentName)) }
        if let range { headers.append(("Content-Range", range.headerValue)) }
        headers += [
            ("User-Agent", "Microsoft BITS/7.8"), ("Host", hostHeader), ("Content-Length", String(body.count)),
            ("Connection", "Keep-Alive"),
        ]
        let request = HTTPMessage(startLine: ("BITS_POST", target, "HTTP/1.1"), headers: headers, body: body)
        try socket.sendAll(request.wireBytes)
        guard let response = try reader.next() else {
            throw ClientError(description: "\(packetType): server closed the connection without an answer")
        }
        guard response.statusCode != nil, response.header("BITS-Packet-Type")?.lowercased() == "ack" else {
            throw ClientError(description: "\(packetType): answer is not a BITS Ack")
        }
        return response
    }

    /// Closes the connection (an orderly FIN; every Ack has been read).
    func close() { socket.close() }
}
