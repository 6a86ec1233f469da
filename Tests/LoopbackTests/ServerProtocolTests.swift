import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The server's BITS behaviour, driven by hand-written requests over real sockets.
@Suite struct ServerProtocolTests {
    static let protocolGUID = "{7df0354d-249b-430f-820d-3d2a9bef4931}"

    private func createSession(_ connection: RawHTTPConnection) throws -> String {
        let ack = try connection.post([
            ("BITS-Packet-Type", "Create-Session"), ("BITS-Supported-Protocols", Self.protocolGUID),
        ])
        #expect(ack.status == 200)
        return try #require(ack.header("BITS-Session-Id"))
    }

    private func fragment(_ connection: RawHTTPConnection, _ id: String, _ first: Int, _ last: Int, _ total: Int,
                          body: [UInt8]? = nil) throws -> RawHTTPConnection.Response {
        let bytes = body ?? (first...last).map { UInt8(truncatingIfNeeded: $0) }
        return try connection.post([
            ("BITS-Packet-Type", "Fragment"), ("BITS-Session-Id", id), ("Content-Range", "bytes \(first)-\(last)/\(total)"),
        ], body: bytes)
    }

    @Test("Ping and Create-Session are acknowledged like IIS")
    func pingAndCreate() throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let connection = try RawHTTPConnection(port: server.port)
        let ping = try connection.post([("BITS-Packet-Type", "Ping")])
        #expect(ping.status == 200)
        #expect(ping.header("BITS-Packet-Type") == "Ack")
        let create = try connection.post([
            ("BITS-Packet-Type", "Create-Session"), ("BITS-Supported-Protocols", Self.protocolGUID),
        ])
        #expect(create.status == 200)
        #expect(create.header("BITS-Packet-Type") == "Ack")
        #expect(create.header("BITS-Protocol") == Self.protocolGUID)
        #expect(create.header("Accept-Encoding") == "identity")
        let id = try #require(create.header("BITS-Session-Id"))
        #expect(id.range(of: #"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$"#,
                         options: .regularExpression) != nil, "session ID \(id)")
        let report = try server.stop()
        #expect(report.sessions.map(\.sessionID) == [id])
        #expect(report.sessions.first?.state == "receiving")
    }

    /// One Fragment and the Ack it must get, applied in order to one 30-byte session.
    struct FragmentStep: CustomTestStringConvertible {
        var first: Int, last: Int, total: Int
        var status: Int
        var received: String?
        var testDescription: String { "bytes \(first)-\(last)/\(total) → \(status)" }
    }

    @Test("Fragments follow the BITS rules: store new bytes only, 416 on a gap, 200 with E on a duplicate")
    func fragmentRules() throws {
        let steps = [
            FragmentStep(first: 0, last: 9, total: 30, status: 200, received: "10"),
            FragmentStep(first: 20, last: 29, total: 30, status: 416, received: "10"),  // gap: f > E
            FragmentStep(first: 0, last: 4, total: 30, status: 200, received: "10"),  // duplicate: l < E
            FragmentStep(first: 5, last: 19, total: 30, status: 200, received: "20"),  // overlap: new part stored
            FragmentStep(first: 20, last: 29, total: 31, status: 400, received: nil),  // total changed
            FragmentStep(first: 20, last: 30, total: 30, status: 400, received: nil),  // last beyond total
            FragmentStep(first: 20, last: 29, total: 30, status: 200, received: "30"),
        ]
        let server = try LoopbackServer()
        defer { server.terminate() }
        let connection = try RawHTTPConnection(port: server.port)
        let id = try createSession(connection)
        for step in steps {
            let ack = try fragment(connection, id, step.first, step.last, step.total)
            #expect(ack.status == step.status, "\(step.testDescription)")
            #expect(ack.header("BITS-Packet-Type") == "Ack")
            #expect(ack.header("BITS-Received-Content-Range") == step.received, "\(step.testDescription)")
            if step.status == 400 { #expect(ack.header("BITS-Error-Code") == "0x80070057") }
        }
        #expect(try connection.post([("BITS-Packet-Type", "Close-Session"), ("BITS-Session-Id", id)]).status == 200)
        let stored = try #require(try server.stop().session(id))
        #expect(stored.state == "closed")
        #expect(stored.storedBytes == 30)
        #expect(stored.totalLength == 30)
        // Every fragment carried byte value = offset, so the stored file is 0, 1, ..., 29 only if
        // the duplicate and the overlap did not overwrite or shift anything.
        let expected = try LoopbackProcess.runLoopbackDigest((0..<30).map { UInt8($0) })
        #expect(stored.sha256 == expected)
    }

    @Test("Requests for a closed, cancelled or unknown session get 500 with BG_E_SESSION_NOT_FOUND",
          arguments: ["Close-Session", "Cancel-Session", nil])
    func sessionNotFound(ending: String?) throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let connection = try RawHTTPConnection(port: server.port)
        var id = "{00000000-0000-0000-0000-000000000000}"
        if let ending {
            id = try createSession(connection)
            #expect(try fragment(connection, id, 0, 3, 8).status == 200)
            #expect(try connection.post([("BITS-Packet-Type", ending), ("BITS-Session-Id", id)]).status == 200)
        }
        let answers = [
            try fragment(connection, id, 4, 7, 8),
            try connection.post([("BITS-Packet-Type", "Close-Session"), ("BITS-Session-Id", id)]),
            try connection.post([("BITS-Packet-Type", "Cancel-Session"), ("BITS-Session-Id", id)]),
        ]
        for ack in answers {
            #expect(ack.status == 500)
            #expect(ack.header("BITS-Packet-Type") == "Ack")
            #expect(ack.header("BITS-Error-Code") == "0x8020001F")
            #expect(ack.header("BITS-Error-Context") == "0x5")
        }
        let report = try server.stop()
        #expect(report.sessions.map(\.state) == (ending == nil ? [] : [ending == "Close-Session" ? "closed" : "cancelled"]))
    }

    @Test("A session continues on a new connection, and header names and packet types ignore case")
    func sharedSessionsAndCase() throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let first = try RawHTTPConnection(port: server.port)
        let id = try createSession(first)
        #expect(try fragment(first, id, 0, 3, 8).status == 200)
        let second = try RawHTTPConnection(port: server.port)
        let ack = try second.post([
            ("bits-packet-type", "FRAGMENT"), ("bits-session-id", id), ("content-range", "Bytes 4-7/8"),
        ], body: [4, 5, 6, 7])
        #expect(ack.status == 200)
        #expect(ack.header("BITS-Received-Content-Range") == "8")
        #expect(try second.post([("BITS-PACKET-TYPE", "close-session"), ("BITS-SESSION-ID", id)]).status == 200)
        let stored = try #require(try server.stop().session(id))
        #expect(stored.connections == 2)
        #expect(stored.storedBytes == 8)
        #expect(stored.state == "closed")
    }

    @Test("Requests split across many small writes are read whole")
    func splitWrites() throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let connection = try RawHTTPConnection(port: server.port)
        let id = try createSession(connection)
        let body = [UInt8](repeating: 0xAB, count: 3000)
        let request = Array(("BITS_POST /upload/test.bin HTTP/1.1\r\nBITS-Packet-Type: Fragment\r\n"
            + "BITS-Session-Id: \(id)\r\nContent-Range: bytes 0-2999/3000\r\nContent-Length: 3000\r\n\r\n").utf8) + body
        // Uneven pieces put cuts inside CR LF pairs, inside the blank line and inside the body. Every
        // piece is at least one byte, so the loop ends.
        let sizes = [1, 2, 3, 5, 7, 11, 13, 17, 19, 23]
        var start = 0
        var piece = 0
        while start < request.count {
            let end = min(start + sizes[piece % sizes.count], request.count)
            try connection.send(Array(request[start..<end]))
            start = end
            piece += 1
            usleep(200)  // Gives the server a chance to read each piece on its own.
        }
        let ack = try connection.readResponse()
        #expect(ack.status == 200)
        #expect(ack.header("BITS-Received-Content-Range") == "3000")
    }

    /// A request that must be refused with 400 + E_INVALIDARG.
    struct BadRequest: CustomTestStringConvertible {
        var testDescription: String
        var headers: [(String, String)]
        var body: [UInt8] = []
    }

    static let badRequests = [
        BadRequest(testDescription: "unsupported protocol", headers: [
            ("BITS-Packet-Type", "Create-Session"), ("BITS-Supported-Protocols", "{00000000-0000-0000-0000-000000000001}"),
        ]),
        BadRequest(testDescription: "no packet type", headers: []),
        BadRequest(testDescription: "unknown packet type", headers: [("BITS-Packet-Type", "Upload")]),
        BadRequest(testDescription: "range not of the bytes f-l/T form", headers: [
            ("BITS-Packet-Type", "Fragment"), ("BITS-Session-Id", "{S}"), ("Content-Range", "bytes 0-3/*"),
        ], body: [0, 1, 2, 3]),
        BadRequest(testDescription: "fragment without a session ID", headers: [
            ("BITS-Packet-Type", "Fragment"), ("Content-Range", "bytes 0-3/4"),
        ], body: [0, 1, 2, 3]),
    ]

    @Test("Malformed BITS requests get 400 with E_INVALIDARG", arguments: badRequests)
    func badRequest(_ request: BadRequest) throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let connection = try RawHTTPConnection(port: server.port)
        let ack = try connection.post(request.headers, body: request.body)
        #expect(ack.status == 400)
        #expect(ack.header("BITS-Error-Code") == "0x80070057")
        #expect(ack.header("BITS-Error-Context") == "0x5")
        // The connection stays usable.
        #expect(try connection.post([("BITS-Packet-Type", "Ping")]).status == 200)
    }

    @Test("A fragment whose body length differs from its range is refused")
    func bodyLengthMismatch() throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let connection = try RawHTTPConnection(port: server.port)
        let id = try createSession(connection)
        let ack = try fragment(connection, id, 0, 9, 20, body: [1, 2, 3])
        #expect(ack.status == 400)
        #expect(try server.stop().session(id)?.storedBytes == 0)
    }

    @Test("Broken HTTP gets a 400 and the connection is closed")
    func brokenHTTP() throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        let connection = try RawHTTPConnection(port: server.port)
        try connection.send(Array("BITS_POST /x HTTP/1.1\r\nno colon here\r\nContent-Length: 0\r\n\r\n".utf8))
        #expect(try connection.readResponse().status == 400)
        #expect(connection.isClosedByServer())
        #expect(server.isRunning)
    }

    @Test("The server exits 0 with its summary on SIGINT and SIGTERM", arguments: [SIGINT, SIGTERM])
    func stopsOnSignal(_ signal: Int32) throws {
        let server = try LoopbackServer()
        defer { server.terminate() }
        #expect(try server.stop(signal: signal).sessions.isEmpty)
    }

    @Test("The server stops by itself after --duration and exits 0")
    func stopsAfterDuration() throws {
        let server = try LoopbackServer(duration: 1)
        defer { server.terminate() }
        #expect(try server.waitForExit(timeout: 30).sessions.isEmpty)
    }
}

extension LoopbackProcess {
    /// The SHA-256 of `bytes` as `bits-loopback sha256` computes it.
    static func runLoopbackDigest(_ bytes: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bits-loopback-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return String(decoding: try runLoopback(["sha256", file.path]).output, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
