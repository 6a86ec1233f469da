#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let closeDescriptor = Glibc.close
#elseif canImport(Darwin)
private let closeDescriptor = Darwin.close
#endif

/// A failed socket call: which operation and the `errno` it left.
struct SocketError: Error, CustomStringConvertible {
    /// The call that failed, e.g. "connect".
    let operation: String
    /// `errno` after the call (0 when the failure was not a system error).
    let code: Int32

    /// The operation and the system's text for the error.
    var description: String { code == 0 ? operation : "\(operation): \(String(cString: strerror(code)))" }
}

/// An IPv4 TCP socket (listening or connected) owning one file descriptor until `close()`.
/// Sendable only to hand an accepted socket to the one thread that serves it; never shared.
final class TCPSocket: @unchecked Sendable {
    /// The descriptor; -1 once closed.
    private(set) var descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close() }

    /// Opens a listening socket on `host:port` (`port` 0 picks a free one). Throws if the address is
    /// not a dotted IPv4 address or binding fails.
    static func listening(host: String, port: UInt16, backlog: Int32 = 16) throws -> TCPSocket {
        let socket = try makeSocket()
        var yes: Int32 = 1
        _ = setsockopt(socket.descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = try socketAddress(host: host, port: port)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw SocketError(operation: "bind \(host):\(port)", code: errno) }
        guard listen(socket.descriptor, backlog) == 0 else { throw SocketError(operation: "listen", code: errno) }
        return socket
    }

    /// Connects to `host:port`, retrying a refused connection up to `attempts` times 100 ms apart
    /// (the server may still be starting). Throws the last error.
    static func connected(host: String, port: UInt16, attempts: Int = 50) throws -> TCPSocket {
        var address = try socketAddress(host: host, port: port)
        var lastError = SocketError(operation: "connect", code: 0)
        for _ in 0..<max(1, attempts) {
            let socket = try makeSocket()
            let result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if result == 0 { return socket }
            lastError = SocketError(operation: "connect \(host):\(port)", code: errno)
            guard lastError.code == ECONNREFUSED else { break }
            usleep(100_000)
        }
        throw lastError
    }

    /// The local port the socket is bound to, or nil if the system cannot say.
    var localPort: UInt16? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return result == 0 ? UInt16(bigEndian: address.sin_port) : nil
    }

    /// Waits up to `milliseconds` for a connection; returns nil when none arrived (or on EINTR).
    func acceptConnection(waitingMilliseconds milliseconds: Int32) throws -> TCPSocket? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, milliseconds)
        if ready < 0 && errno != EINTR { throw SocketError(operation: "poll", code: errno) }
        guard ready > 0 else { return nil }
        let accepted = accept(descriptor, nil, nil)
        guard accepted >= 0 else {
            if errno == EINTR || errno == EAGAIN || errno == ECONNABORTED { return nil }
            throw SocketError(operation: "accept", code: errno)
        }
        return TCPSocket(descriptor: accepted)
    }

    /// Makes blocking sends and receives fail after `seconds` without progress.
    func setTimeout(seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        let size = socklen_t(MemoryLayout<timeval>.size)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, size)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, size)
    }

    /// Sends every byte of `bytes`. Throws on a closed peer, a timeout or another error.
    func sendAll(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress! + sent, bytes.count - sent, Self.sendFlags)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw SocketError(operation: "send", code: errno)
            }
            sent += result
        }
    }

    /// Receives up to `buffer.count` bytes into `buffer`; returns 0 at end of stream. Throws on a timeout
    /// or another error.
    func receive(into buffer: inout [UInt8]) throws -> Int {
        while true {
            let count = buffer.count
            let result = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, count, 0) }
            if result >= 0 { return result }
            if errno == EINTR { continue }
            throw SocketError(operation: errno == EAGAIN ? "receive timed out" : "receive", code: errno)
        }
    }

    /// Closes the descriptor; later calls do nothing.
    func close() {
        guard descriptor >= 0 else { return }
        _ = closeDescriptor(descriptor)
        descriptor = -1
    }

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    /// A peer that went away must surface as an error, not as SIGPIPE.
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    private static let streamType = SOCK_STREAM
    private static let sendFlags: Int32 = 0  // SIGPIPE is ignored process-wide instead.
    #endif

    private static func makeSocket() throws -> TCPSocket {
        let descriptor = socket(AF_INET, Self.streamType, 0)
        guard descriptor >= 0 else { throw SocketError(operation: "socket", code: errno) }
        return TCPSocket(descriptor: descriptor)
    }

    private static func socketAddress(host: String, port: UInt16) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw SocketError(operation: "not an IPv4 address: \(host)", code: 0)
        }
        return address
    }
}
