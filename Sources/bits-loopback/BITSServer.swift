import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A BITS upload server on one IPv4 address: keep-alive connections, each on its own thread, sharing
/// one session store. Runs until its deadline or until SIGINT/SIGTERM.
final class BITSServer: @unchecked Sendable {
    /// Most connections served at once; further ones are closed on accept.
    static let maxConnections = 64
    /// Seconds a connection may stay silent (or stall a send) before it is dropped.
    static let idleTimeoutSeconds = 30

    /// The shared sessions.
    let store = UploadSessionStore()
    private let listener: TCPSocket
    private let lock = NSLock()
    private var openConnections = 0
    private var connectionCount = 0

    /// Listens on `host:port` (0 = any free port). Throws if the socket cannot be bound.
    init(host: String, port: UInt16) throws {
        listener = try TCPSocket.listening(host: host, port: port)
    }

    /// The port actually listened on, or nil if unknown.
    var port: UInt16? { listener.localPort }

    /// Blocks SIGINT and SIGTERM for this thread and every thread started later, so that `run` can
    /// collect them with `sigtimedwait`. Call before anything starts a thread.
    static func blockStopSignals() {
        var signals = stopSignals()
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Serves until `deadline` passes or a stop signal arrives, then closes the listener.
    func run(until deadline: Date) throws {
        while Date() < deadline {
            if Self.stopSignalPending() { break }
            guard let connection = try listener.acceptConnection(waitingMilliseconds: 100) else { continue }
            guard let number = admit() else {
                connection.close()
                continue
            }
            let thread = Thread { [self] in serve(connection, number: number) }
            thread.start()
        }
        listener.close()
    }

    /// Counts a new connection and returns its number, or nil at `maxConnections`.
    private func admit() -> Int? {
        lock.withLock {
            guard openConnections < Self.maxConnections else { return nil }
            openConnections += 1
            connectionCount += 1
            return connectionCount
        }
    }

    /// Answers requests on `connection` until the peer closes it, it times out, or it sends junk.
    private func serve(_ connection: TCPSocket, number: Int) {
        defer {
            connection.close()
            lock.withLock { openConnections -= 1 }
        }
        connection.setTimeout(seconds: Self.idleTimeoutSeconds)
        let reader = HTTPMessageReader(socket: connection)
        let handler = BITSRequestHandler(store: store)
        do {
            while let request = try reader.next() {
                let response = handler.respond(to: request, connection: number)
                try connection.sendAll(response.wireBytes)
                if request.header("Connection")?.lowercased() == "close" { return }
            }
        } catch is HTTPReadError {
            let reply = BITSAck.error(status: 400, reason: "Bad Request", code: BITSProtocol.invalidArgument)
            try? connection.sendAll(reply.wireBytes)
        } catch {
            // Timeouts and resets end the connection; the session stays for a reconnect.
        }
    }

    /// Consumes a pending SIGINT/SIGTERM; true if there was one.
    private static func stopSignalPending() -> Bool {
        var signals = stopSignals()
        #if canImport(Glibc)
        var noWait = timespec(tv_sec: 0, tv_nsec: 0)
        return sigtimedwait(&signals, nil, &noWait) > 0
        #else
        var pending = sigset_t()
        sigpending(&pending)
        return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1
        #endif
    }

    private static func stopSignals() -> sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        return signals
    }
}
