import Foundation
import Testing

/// Compares a bitsnoop timeline document with what the loopback client says it did.
enum TimelineComparison {
    /// Parses a timeline document.
    static func document(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not a JSON object")
    }

    /// Checks every session of the manifest against the timeline: same ID, state, total length,
    /// bytes acknowledged, requests (type, status, range, received offset), connections, and
    /// exactly the expected finding codes.
    static func check(_ timeline: [String: Any], against manifest: LoopbackManifest, label: String) {
        let sessions = timeline["sessions"] as? [[String: Any]] ?? []
        #expect(sessions.count == manifest.sessions.count, "\(label): session count")
        for expected in manifest.sessions {
            guard let actual = sessions.first(where: { ($0["session_id"] as? String) == expected.sessionID }) else {
                Issue.record("\(label): session \(expected.sessionID) missing from the timeline")
                continue
            }
            let id = expected.sessionID
            #expect(actual["state"] as? String == expected.expectedState, "\(label) \(id): state")
            #expect(actual["total_length"] as? Int == expected.totalLength, "\(label) \(id): total")
            let lastReceived = expected.requests.compactMap(\.received).last
            #expect(actual["bytes_acknowledged"] as? Int == lastReceived, "\(label) \(id): acknowledged")
            #expect((actual["connections"] as? [Int])?.count == expected.connections, "\(label) \(id): connections")
            let requests = actual["requests"] as? [[String: Any]] ?? []
            #expect(requests.map { $0["type"] as? String ?? "" } == expected.requests.map(\.type), "\(label) \(id): types")
            #expect(requests.map { $0["status"] as? Int ?? -1 } == expected.requests.map(\.status), "\(label) \(id): statuses")
            for (request, wanted) in zip(requests, expected.requests) {
                if let range = wanted.range {
                    let got = request["range"] as? [String: Any]
                    #expect([got?["first"] as? Int, got?["last"] as? Int, got?["total"] as? Int] == range.map { Optional($0) },
                            "\(label) \(id): range")
                }
                #expect(request["received"] as? Int == wanted.received, "\(label) \(id): received")
            }
            #expect(((actual["findings"] as? [String]) ?? []).sorted() == expected.expectedFindings.sorted(),
                    "\(label) \(id): findings")
        }
        let findings = timeline["findings"] as? [[String: Any]] ?? []
        let expectedCount = manifest.sessions.reduce(0) { $0 + $1.expectedFindings.count }
        #expect(findings.count == expectedCount, "\(label): no other findings: \(findings.map { $0["code"] ?? "" })")
    }
}
