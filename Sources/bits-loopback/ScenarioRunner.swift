/// Runs scenarios against a server, one session each on fresh connections, recording every request.
struct ScenarioRunner {
    /// Server address.
    var host: String
    /// Server port.
    var port: UInt16
    /// Seed of the file contents.
    var seed: UInt64
    /// Seconds any socket operation may take.
    var timeoutSeconds: Int

    /// The session log of one scenario run.
    private struct SessionLog {
        var requests: [ManifestRequest] = []
        var connections = 0
        var uploadedBytes = 0
    }

    /// Runs `scenario` and returns its manifest entry and the fragment body bytes it sent. Throws if a
    /// connection fails or the server answers unlike a correct BITS server.
    func run(_ scenario: LoopbackScenario) throws -> (session: ManifestSession, uploadedBytes: Int) {
        let file = SeededBytes.make(count: scenario.fileSize, seed: scenario.fileSeed(runSeed: seed))
        let name = "\(scenario.rawValue).bin"
        var log = SessionLog()
        var connection = try connect(name, &log)
        defer { connection.close() }
        let sessionID = try createSession(on: connection, &log)
        var offset = 0
        switch scenario {
        case .clean, .large:
            offset = try upload(file, from: offset, to: file.count, scenario, sessionID, connection, &log)
            try finish("Close-Session", sessionID, connection, &log)
        case .reconnect:
            offset = try upload(file, from: offset, to: file.count / 2, scenario, sessionID, connection, &log)
            connection.close()
            connection = try connect(name, &log)
            try expectOK(connection.send(packetType: "Ping"), "ping", range: nil, &log)
            offset = try upload(file, from: offset, to: file.count, scenario, sessionID, connection, &log)
            try finish("Close-Session", sessionID, connection, &log)
        case .orphaned:
            offset = try upload(file, from: offset, to: file.count / 3, scenario, sessionID, connection, &log)
        case .partialClose:
            offset = try upload(file, from: offset, to: file.count / 2, scenario, sessionID, connection, &log)
            try finish("Close-Session", sessionID, connection, &log)
        case .cancel:
            offset = try upload(file, from: offset, to: file.count / 4, scenario, sessionID, connection, &log)
            try finish("Cancel-Session", sessionID, connection, &log)
        }
        let session = ManifestSession(
            sessionID: sessionID, totalLength: file.count, expectedState: scenario.expectedState,
            expectedFindings: scenario.expectedFindings, requests: log.requests, connections: log.connections,
            sha256: SHA256.hex(of: file))
        return (session, log.uploadedBytes)
    }

    private func connect(_ name: String, _ log: inout SessionLog) throws -> BITSClientConnection {
        log.connections += 1
        return try BITSClientConnection(host: host, port: port, contentName: name, timeoutSeconds: timeoutSeconds)
    }

    private func createSession(on connection: BITSClientConnection, _ log: inout SessionLog) throws -> String {
        let ack = try connection.send(packetType: "Create-Session")
        try expectOK(ack, "create-session", range: nil, &log)
        guard ack.header("BITS-Protocol")?.lowercased() == BITSProtocol.protocolGUID,
              let sessionID = ack.header("BITS-Session-Id"), !sessionID.isEmpty else {
            throw ClientError(description: "create-session: Ack lacks BITS-Protocol or BITS-Session-Id")
        }
        return sessionID
    }

    /// Sends fragments of `file[from..<to]`, each starting where the server's last Ack said, and returns
    /// the server's offset afterwards.
    private func upload(
        _ file: [UInt8], from start: Int, to stop: Int, _ scenario: LoopbackScenario, _ sessionID: String,
        _ connection: BITSClientConnection, _ log: inout SessionLog
    ) throws -> Int {
        var offset = start
        // Every accepted fragment moves the offset forward, so this bounds the loop.
        let maxFragments = (stop - start) / scenario.fragmentSize + 2
        for _ in 0..<maxFragments where offset < stop {
            let last = min(offset + scenario.fragmentSize, stop) - 1
            let range = ContentRange(first: offset, last: last, total: file.count)
            let body = Array(file[offset...last])
            let ack = try connection.send(packetType: "Fragment", sessionID: sessionID, range: range, body: body)
            log.uploadedBytes += body.count
            let received = ack.header("BITS-Received-Content-Range").flatMap { Int($0) }
            try expectOK(ack, "fragment", range: [offset, last, file.count], received: received, &log)
            guard let received, received == last + 1 else {
                throw ClientError(description: "fragment \(range.headerValue): server acknowledged \(received ?? -1)")
            }
            offset = received
        }
        guard offset >= stop else { throw ClientError(description: "upload stopped at \(offset) of \(stop)") }
        return offset
    }

    private func finish(
        _ packetType: String, _ sessionID: String, _ connection: BITSClientConnection, _ log: inout SessionLog
    ) throws {
        let ack = try connection.send(packetType: packetType, sessionID: sessionID)
        try expectOK(ack, packetType.lowercased(), range: nil, &log)
    }

    /// Logs the request and throws unless its Ack is 200.
    private func expectOK(
        _ ack: HTTPMessage, _ type: String, range: [Int]?, received: Int? = nil, _ log: inout SessionLog
    ) throws {
        let status = ack.statusCode ?? 0
        log.requests.append(ManifestRequest(type: type, status: status, range: range, received: received))
        guard status == 200 else {
            let code = ack.header("BITS-Error-Code") ?? "none"
            throw ClientError(description: "\(type): server answered \(status) (BITS-Error-Code \(code))")
        }
    }
}
