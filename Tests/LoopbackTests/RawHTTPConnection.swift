import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP connection to the test server, for sending hand-written requests byte for byte.
final class RawHTTPConnection {
    /// An answer: status and headers (names lower-cased).
    struct Response {
        /// HTTP status.
        var status: Int
        /// Header values by lower-cased name.
        var headers: [String: String]
        /// The value of header `name` (any case), or nil.
        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    private let descriptor: Int32
    private var pending: [UInt8] = []

    /// Connects to 127.0.0.1:`port` with 30 s send and receive timeouts. Throws if connecting fails.
    init(port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackProcessError(description: "socket failed") }
        var limit = timeval(tv_sec: 30, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw LoopbackProcessError(description: "connect to port \(port) failed")
        }
    }

    deinit { close(descriptor) }

    /// Sends `bytes` as they are.
    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            guard result > 0 else { throw LoopbackProcessError(description: "send failed") }
            sent += result
        }
    }

    /// Sends a BITS_POST with `headers` (and Content-Length for `body`) and reads the answer.
    func post(_ headers: [(String, String)], body: [UInt8] = []) throws -> Response {
        var head = "BITS_POST /upload/test.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        try send(Array(head.utf8) + body)
        return try readResponse()
    }

    /// Reads one answer, which must have `Content-Length: 0` like every Ack. Throws on end of stream.
    func readResponse() throws -> Response {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var chunk = [UInt8](repeating: 0, count: 4096)
        // A head is far below 64 KiB; the bound keeps a misbehaving server from looping us.
        for _ in 0..<16 {
            if let end = pending.firstRange(of: terminator) {
                let head = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                pending.removeSubrange(..<end.upperBound)
                return try parse(head)
            }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            guard count > 0 else { throw LoopbackProcessError(description: "connection closed before an answer") }
            pending += chunk[0..<count]
        }
        throw LoopbackProcessError(description: "answer head too long")
    }

    /// True when the server has closed the connection (reads end of stream within 30 s).
    func isClosedByServer() -> Bool {
        var byte = [UInt8](repeating: 0, count: 1)
        return recv(descriptor, &byte, 1, 0) == 0
    }

    private func parse(_ head: String) throws -> Response {
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw LoopbackProcessError(description: "bad status line \(lines[0])")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        guard headers["content-length"] == "0" else {
            throw LoopbackProcessError(description: "answer without Content-Length: 0")
        }
        return Response(status: status, headers: headers)
    }
}
