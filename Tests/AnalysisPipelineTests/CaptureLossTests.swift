import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import Testing
import TrafficSynthesis

/// Capture loss (the capturing host dropped packets the peers exchanged) at every position of a
/// request and of its Ack, with the next request on the same connection and on another one. The
/// receiver's TCP ACK proves the bytes arrived, so the upload's verdict must not change: requests
/// are seen in wire order, the session keeps its state, no finding blames the protocol, and the loss
/// is reported once as a `capture-loss` notice.
@Suite struct CaptureLossTests {
    /// Where the capture loses a segment, relative to the first Fragment's request or its Ack.
    enum Position: String, CaseIterable, CustomStringConvertible {
        case requestHead = "request head"
        case bodyMiddle = "body middle"
        case bodyTail = "body tail"
        case ackHead = "the Ack's segment"
        case createAck = "the Create-Session Ack"
        case closeAck = "the Close-Session Ack"
        var description: String { rawValue }
        /// Whether the lost bytes are inside a request body, which a known length lets HTTP skip.
        var isInsideBody: Bool { self == .bodyMiddle || self == .bodyTail }
    }

    /// Create-Session, then two Fragments of 5,000 bytes (four segments each) and Close-Session; the
    /// capture loses one segment of the first Fragment or its Ack; the second Fragment and the
    /// Close-Session go on the same connection or on a second one.
    static func recipe(_ position: Position, nextOnNewConnection: Bool) -> BITSScenarioRecipe {
        BITSScenarioRecipe(name: "capture-loss", summary: "capture loss at the \(position)") { builder in
            builder.makeFile(length: 10_000)
            let first = builder.connect()
            if position == .createAck {
                builder.captureMisses(on: first, .serverToClient, byte: builder.bytesSent(on: first, .serverToClient))
            }
            builder.createSession(on: first)
            let requestStart = builder.bytesSent(on: first, .clientToServer)
            let ackStart = builder.bytesSent(on: first, .serverToClient)
            builder.fragment(on: first, 0..<5_000)
            let requestEnd = builder.bytesSent(on: first, .clientToServer)
            let lost: (FlowDirection, Int)?
            switch position {
            case .requestHead: lost = (.clientToServer, requestStart)
            case .bodyMiddle: lost = (.clientToServer, (requestStart + requestEnd) / 2)
            case .bodyTail: lost = (.clientToServer, requestEnd - 1)
            case .ackHead: lost = (.serverToClient, ackStart)
            case .createAck, .closeAck: lost = nil
            }
            if let lost { builder.captureMisses(on: first, lost.0, byte: lost.1) }
            let next = nextOnNewConnection ? builder.connect() : first
            builder.fragment(on: next, 5_000..<10_000)
            if position == .closeAck {
                builder.captureMisses(on: next, .serverToClient, byte: builder.bytesSent(on: next, .serverToClient))
            }
            builder.closeSession(on: next)
            if nextOnNewConnection { builder.expectFindings(["session-multi-connection"]) }
        }
    }

    @Test("a lost segment of a request or its Ack leaves the upload's verdict as sent", arguments: Position.allCases)
    func lossKeepsTheVerdict(position: Position) throws {
        for nextOnNewConnection in [false, true] {
            for (index, encapsulation) in [LinkEncapsulation.ethernet(vlanTags: []), .linuxSLL2].enumerated() {
                let context = "\(position), next request on \(nextOnNewConnection ? "another" : "the same") connection"
                let scenario = Self.recipe(position, nextOnNewConnection: nextOnNewConnection)
                    .build(encapsulation: encapsulation, seed: UInt64(index + 11))
                let (bits, findings) = try BITSScenarioTests.analyse(scenario.captureScenario.pcapFile())
                let expected = scenario.expected
                let sessions = bits.sessions
                try #require(sessions.count == 1, "\(context): \(sessions.count) sessions")
                let session = sessions[0]
                let wanted = expected.sessions[0]
                #expect(session.state.rawValue == wanted.state, "\(context): state \(session.state)")
                #expect(session.state == .completed, "\(context)")
                #expect(session.bytesAcknowledged == wanted.bytesAcknowledged, "\(context): bytes acknowledged")
                #expect(session.totalLength == wanted.totalLength, "\(context): total length")
                // Only the lost head hides a request from HTTP; every other loss leaves all of them.
                let types = session.requests.map { $0.type.description }
                if position != .requestHead {
                    #expect(types == wanted.requests.map(\.type), "\(context): requests \(types)")
                }
                #expect(types.last == "close-session", "\(context): requests in wire order \(types)")
                let codes = findings.findings.map(\.code.rawValue)
                #expect(codes.filter { $0 == "capture-loss" }.count == 1, "\(context): \(codes)")
                let serious = findings.findings.filter { $0.severity >= .warning }
                #expect(serious.isEmpty, "\(context): \(serious.map { "\($0.code): \($0.message)" })")
                if position.isInsideBody {
                    // Only the notice is added to what the generator expects.
                    #expect(codes.filter { $0 != "capture-loss" }.sorted() == expected.findings.map(\.code).sorted(),
                            "\(context): \(codes)")
                }
            }
        }
    }

    @Test("the capture-loss notice counts the missing bytes and their share of the acknowledged bytes")
    func noticeCountsTheLoss() throws {
        let scenario = Self.recipe(.bodyMiddle, nextOnNewConnection: true).build(seed: 3)
        let lostBytes = scenario.conversations.map { $0.statistics(.clientToServer).lostBytes }.reduce(0, +)
        let (_, findings) = try BITSScenarioTests.analyse(scenario.captureScenario.pcapFile())
        let notice = try #require(findings.findings.first { $0.code.rawValue == "capture-loss" })
        #expect(notice.severity == .notice)
        #expect(notice.message.contains("client to server \(lostBytes) of "), "\(notice.message)")
        #expect(notice.message.contains("server to client 0 of "), "\(notice.message)")
    }

    @Test("a capture without loss reports no capture-loss, even when TCP retransmits and reorders")
    func noLossNoNotice() throws {
        let impairments = Impairments(reorderProbability: 0.4, duplicateProbability: 0.3, overlapProbability: 0.3)
        let scenario = try #require(BITSScenarioCatalog.named("three-connections"))
            .build(impairments: impairments, seed: 5)
        let (_, findings) = try BITSScenarioTests.analyse(scenario.captureScenario.pcapFile())
        #expect(!findings.findings.contains { $0.code.rawValue == "capture-loss" })
    }
}
