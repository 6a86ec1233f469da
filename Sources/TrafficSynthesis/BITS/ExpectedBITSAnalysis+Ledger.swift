extension ExpectedBITSAnalysis {
    /// A session being assembled from the ledger.
    private struct Assembly {
        var sessionID: String?
        var requests: [ScriptedRequest] = []
    }

    /// The expectation for the requests of `ledger` (script order), with the finding codes the
    /// script expects per session index, and `clientFile`.
    init(ledger: [ScriptedRequest], expectedFindings: [Int: [String]], clientFile: [UInt8]) {
        var assemblies: [Assembly] = []
        var sessionByID: [String: Int] = [:]
        var activeSession: [Int: Int] = [:]  // connection → session index
        var waiting: [Int: [ScriptedRequest]] = [:]  // connection → requests without a session yet

        func attach(_ request: ScriptedRequest, to session: Int) {
            assemblies[session].requests += waiting.removeValue(forKey: request.connection) ?? []
            assemblies[session].requests.append(request)
            activeSession[request.connection] = session
        }

        for request in ledger where request.captured {
            guard let type = request.type else { continue }
            if type == .createSession {
                let created = request.succeeded ? request.response?.value(of: "BITS-Session-Id") : nil
                assemblies.append(Assembly(sessionID: created))
                if let created, sessionByID[created] == nil { sessionByID[created] = assemblies.count - 1 }
                attach(request, to: assemblies.count - 1)
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
        let total = requests.lazy.compactMap(\.fragment).first(where: \.rangeIsValid).map { UInt64($0.total) }
        let acknowledged = requests.lazy.compactMap(\.received).last.map { UInt64($0) }
        let fullyAcknowledged = total.map { total in acknowledged.map { $0 >= total } ?? false } ?? false
        let rejected = sessionID == nil && requests.contains { $0.type == .createSession }
        let cancelled = requests.contains { $0.type == .cancelSession && $0.succeeded }
        let closed = requests.contains { $0.type == .closeSession && $0.succeeded }
        let state: String
        if rejected {
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
            requests: requests.compactMap { request in
                request.type.map { ExpectedBITSRequest(type: $0.code, status: request.status) }
            },
            connectionCount: Set(requests.map(\.connection)).count, findings: findings
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
