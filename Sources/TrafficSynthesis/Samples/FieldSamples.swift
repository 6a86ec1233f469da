import AnalyzerCore

/// Samples of captures as they come from the field rather than the lab: packets the capturing host
/// dropped, and taps that mirror one direction only. Their expectations are the catalogue's,
/// changed by what the generator knows it left out of the capture.
public enum FieldSamples {
    /// Every field sample.
    public static func all() -> [SampleCapture] {
        [captureLoss(), oneSided(keeping: .clientToServer), oneSided(keeping: .serverToClient)]
    }

    /// An upload on two connections; the capture misses the last segment of the first Fragment's
    /// body and a segment in the middle of the second's (the server's ACKs cover both).
    static func captureLoss() -> SampleCapture {
        let recipe = BITSScenarioRecipe(
            name: "capture-loss",
            summary: "Capture loss: the tail of one Fragment's body and the middle of the next, on another connection, "
                + "are in no packet; the upload completes."
        ) { builder in
            builder.makeFile(length: 12_000)
            let first = builder.connect()
            builder.createSession(on: first)
            builder.fragment(on: first, 0..<6_000)
            builder.captureMisses(on: first, .clientToServer, byte: builder.bytesSent(on: first, .clientToServer) - 1)
            let second = builder.connect()
            let start = builder.bytesSent(on: second, .clientToServer)
            builder.fragment(on: second, 6_000..<12_000)
            let middle = (start + builder.bytesSent(on: second, .clientToServer)) / 2
            builder.captureMisses(on: second, .clientToServer, byte: middle)
            builder.closeSession(on: second)
            builder.expectFindings([BITSScenarioCatalog.Code.sessionMultiConnection])
        }
        var scenario = recipe.build(encapsulation: .linuxSLL2, seed: 1)
        scenario.expected.findings.append(ExpectedBITSFinding(code: FindingCode.captureLoss.rawValue, sessionID: nil))
        return sample(scenario, fileName: "field-capture-loss.pcap")
    }

    /// A catalogue upload captured on a tap that mirrors one direction only.
    static func oneSided(keeping direction: FlowDirection) -> SampleCapture {
        let clientSide = direction == .clientToServer
        let name = clientSide ? "three-connections" : "clean-upload-ping"
        guard let recipe = BITSScenarioCatalog.named(name) else { preconditionFailure("no scenario \(name)") }
        var impairments = Impairments()
        impairments.capturedDirection = direction
        var scenario = recipe.build(encapsulation: .ethernet(vlanTags: [100]), impairments: impairments, seed: 1)
        scenario.name = clientSide ? "client-side-only" : "server-side-only"
        scenario.summary = "\(recipe.summary) Only the \(clientSide ? "client's" : "server's") packets are captured."
        scenario.expected = scenario.expected.seenFrom(direction, connections: scenario.conversations.count)
        return sample(scenario, fileName: "field-\(scenario.name).pcap")
    }

    private static func sample(_ scenario: BITSScenario, fileName: String) -> SampleCapture {
        SampleCapture(fileName: fileName, summary: scenario.summary, bytes: scenario.captureScenario.pcapFile(),
                      expectedJSON: scenario.json)
    }
}

extension ExpectedBITSAnalysis {
    /// The expectation for the same traffic captured in `direction` only, on `connections`
    /// connections: every session's outcome is `unknown`; from the client's side its requests are
    /// listed unanswered and its total length known, from the server's its acknowledged bytes; a
    /// `capture-one-sided` notice per connection; of the scenario's own findings only
    /// `session-multi-connection`, which needs the client's side alone, stays (in scenarios with no
    /// other finding; anything else is a programming error).
    func seenFrom(_ direction: FlowDirection, connections: Int) -> ExpectedBITSAnalysis {
        let clientSide = direction == .clientToServer
        let kept = clientSide ? ["session-multi-connection"] : []
        var copy = self
        copy.sessions = sessions.map { session in
            precondition(session.findings.allSatisfy { $0 == "session-multi-connection" }, "findings need both sides")
            var seen = session
            seen.state = "unknown"
            seen.findings = session.findings.filter(kept.contains)
            if clientSide {
                seen.bytesAcknowledged = nil
                seen.requests = session.requests.map { ExpectedBITSRequest(type: $0.type, status: nil) }
            } else {
                seen.totalLength = nil
                seen.requests = []
            }
            return seen
        }
        copy.findings = findings.filter { kept.contains($0.code) }
            + Array(repeating: ExpectedBITSFinding(code: FindingCode.captureOneSided.rawValue, sessionID: nil),
                    count: connections)
        return copy
    }
}
