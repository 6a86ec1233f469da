extension ExpectedBITSAnalysis {
    /// A session being assembled from the ledger.
    private struct Assembly {
        var sessionID: String?
        var requests: [ScriptedRequest] = []
    }

    /// The expectation for the requests of `ledger` (script order), with the finding codes the
    /// script expects per session index and without a session, and `clientFile`.
    init(ledger: [ScriptedRequest], expectedFindings: [Int: [String]], sessionlessFindings: [String] = [],
         clientFile: [UInt8]) {
        var assemblies: [Assembly] = []
        var sessionByID: [String: Int] = [:]
        var activeSession: [Int: Int] = [:]  // connection → session index
        var waiting: [Int: [ScriptedRequest]] = [:]  // connection → requests without a session yet
        var challenged: Int?  // the session whose latest Create-Session got a 401 or 407

        func attach(_ request: ScriptedRequest, to session: Int) {
            assemblies[session].requests += waiting.removeValue(forKey: request.connection) ?? []
            assemblies[session].requests.append(request)
            activeSession[request.connection] = session
        }

        for request in ledger where request.captured {
            guard let type = request.type else { continue }
            if type == .createSession {
                let created = request.succeeded ? request.response?.value(of: "BITS-Session-Id") : nil
                // Sent again with credentials after a challenge: the same session.
                if let session = challenged {
                    assemblies[session].sessionID = created
                } else {
                    assemblies.append(Assembly(sessionID: created))
                }
                let session = challenged ?? assemblies.count - 1
                challenged = request.status == 401 || request.status == 407 ? session : nil
                if let created, sessionByID[created] == nil { sessionByID[created] = session }
                attach(request, to: session)
            } else if let sessionID = request.sessionID {
                let session = sessionByID[sessionID] ?? {
                    assemblies.append(Assembly(sessionID: sessionID))
                    sessionByID[sessionID] = assemblies.count - 1
                    return assemblies.count - 1
                }()
                attach(request, to: session)
            } else if let session = activeSession[request.connection] {
                attach(request, to: session)
            } else {
                waiting[request.connection, default: []].append(request)
            }
        }

        var sessions: [ExpectedBITSSession] = []
        var findings: [ExpectedBITSFinding] = []
        for (index, assembly) in assemblies.enumerated() {
            let requests = assembly.requests.sorted { $0.index < $1.index }
            let codes = Array(Set(expectedFindings[index] ?? [])).sorted()
            sessions.append(Self.session(assembly.sessionID, requests: requests, findings: codes))
            findings += codes.map { ExpectedBITSFinding(code: $0, sessionID: assembly.sessionID) }
        }
        findings += Array(Set(sessionlessFindings)).sorted().map { ExpectedBITSFinding(code: $0, sessionID: nil) }
        let upload = assemblies.firstIndex { $0.sessionID != nil }
        let serverFile = upload.map {
            Self.serverFile(requests: assemblies[$0].requests, acknowledged: sessions[$0].bytesAcknowledged)
        } ?? []
        self.init(sessions: sessions, findings: findings, serverFile: serverFile, clientFile: clientFile)
    }

    /// The expectation of one session from its requests in order.
    private static func session(_ sessionID: String?, requests: [ScriptedRequest], findings: [String])
        -> ExpectedBITSSession
    {
        // One plain loop: the closure and key-path chains this replaces crashed the Swift 6.3
        // optimizer (CopyPropagation) in release builds.
        var total: UInt64?
        var acknowledged: UInt64?
        var sawCreate = false
        var cancelled = false
        var closed = false
        var connections = Set<Int>()
        var listed: [ExpectedBITSRequest] = []
        for request in requests {
            if total == nil, let fragment = request.fragment, fragment.rangeIsValid { total = UInt64(fragment.total) }
            if let received = request.received { acknowledged = UInt64(received) }
            connections.insert(request.connection)
            guard let type = request.type else { continue }
            listed.append(ExpectedBITSRequest(type: type.code, status: request.status))
            switch type {
            case .createSession: sawCreate = true
            case .cancelSession: cancelled = cancelled || request.succeeded
            case .closeSession: closed = closed || request.succeeded
            default: break
            }
        }
        var fullyAcknowledged = false
        if let total, let acknowledged { fullyAcknowledged = acknowledged >= total }
        let state: String
        if sessionID == nil && sawCreate {
            state = "rejected"
        } else if cancelled {
            state = "cancelled"
        } else if closed {
            state = fullyAcknowledged ? "completed" : "closed-partial"
        } else {
            state = fullyAcknowledged ? "uploaded-not-closed" : "orphaned"
        }
        return ExpectedBITSSession(
            sessionID: sessionID, state: state, totalLength: total, bytesAcknowledged: acknowledged,
            requests: listed, connectionCount: connections.count, findings: findings
        )
    }

    /// The bytes the server holds: bodies of 200-answered fragments at their offsets, first copy
    /// wins, up to `acknowledged`.
    private static func serverFile(requests: [ScriptedRequest], acknowledged: UInt64?) -> [UInt8] {
        let length = Int(acknowledged ?? 0)
        var bytes = [UInt8](repeating: 0, count: length)
        var filled = [Bool](repeating: false, count: length)
        for request in requests where request.status == 200 {
            guard let fragment = request.fragment, fragment.bodyMatchesRange else { continue }
            for (position, byte) in fragment.body.enumerated() {
                let offset = fragment.first + position
                guard offset < length else { break }
                if !filled[offset] {
                    bytes[offset] = byte
                    filled[offset] = true
                }
            }
        }
        return bytes
    }
}
