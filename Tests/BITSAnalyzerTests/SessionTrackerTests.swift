import AnalyzerCore
import Foundation
@testable import BITSAnalyzer
import Testing

@Suite struct SessionTrackerTests {
    @Test("the canonical Windows exchange is one completed session; its only finding is the Acks' missing session ID")
    func canonicalExchangeCompletes() throws {
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(canonicalExchange))
        harness.tracker.finish()
        // [MC-BUP] §4.1's IIS Acks to Fragment and Close-Session omit BITS-Session-Id (§5 #49).
        #expect(harness.codes == ["ack-missing-session-id"])
        let session = try #require(harness.sessions.first)
        #expect(harness.sessions.count == 1)
        #expect(session.sessionID == "{A0FF5911-4144-45B3-BF27-27AFC8EC8A67}")
        #expect(session.state == .completed)
        #expect(session.totalLength == 4892 && session.bytesAcknowledged == 4892)
        #expect(session.requests.map(\.type) == [.createSession, .fragment, .ping, .closeSession])
        #expect(session.requests.map(\.status) == [200, 200, 200, 200])
        #expect(session.requests[1].bodyBytes == 4892)
        #expect(session.chosenProtocol == "{7df0354d-249b-430f-820d-3d2a9bef4931}")
        #expect(session.contentName == "rfc2119.txt")
        #expect(session.url == "/upload/2000mb-rfc2119.txt" && session.host == "frankcao8")
    }

    @Test("sessions and findings do not depend on how the bytes were cut", arguments: [1, 2, 3, 7, 64, 1460])
    func splitInvariance(chunk: Int) {
        let transcript = canonicalExchange.replacingOccurrences(of: "bytes 0-4891/4892", with: "bytes 10-4901/5000")
        let whole = TranscriptHarness()
        whole.play(TranscriptHarness.blocks(transcript))
        whole.tracker.finish()
        let pieces = TranscriptHarness()
        pieces.play(TranscriptHarness.blocks(transcript), chunk: chunk)
        pieces.tracker.finish()
        #expect(!whole.codes.isEmpty)
        #expect(pieces.codes == whole.codes)
        #expect(pieces.sessions.map(\.state) == whole.sessions.map(\.state))
        #expect(pieces.findings.findings == whole.findings.findings)
    }

    @Test("a fragment past the expected offset is a gap; its 416 is no server error")
    func gapAnswered416() throws {
        let transcript = canonicalExchange
            .replacingOccurrences(of: "bytes 0-4891/4892", with: "bytes 100-4991/5000")
            .replacingOccurrences(of: "HTTP/1.1 200 OK\nBITS-Packet-Type: Ack\nContent-Length: 0\nBITS-Received-Content-Range: 4892",
                                  with: "HTTP/1.1 416 Requested Range Not Satisfiable\nBITS-Packet-Type: Ack\nContent-Length: 0\nBITS-Received-Content-Range: 0")
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(transcript))
        harness.tracker.finish()
        #expect(harness.codes.contains("fragment-gap"))
        #expect(harness.codes.contains("out-of-sync-416"))
        #expect(!harness.codes.contains("server-error"))
        #expect(harness.codes.contains("partial-file-close"))
        #expect(harness.sessions.first?.state == .closedPartial)
    }

    @Test("a request never answered is a missing Ack; the session is orphaned")
    func missingAck() throws {
        var blocks = TranscriptHarness.blocks(canonicalExchange)
        blocks.removeLast(5)  // keep Create, its Ack and the Fragment; drop its Ack and what follows
        let harness = TranscriptHarness()
        harness.play(blocks)
        harness.tracker.finish()
        #expect(harness.codes == ["missing-ack", "orphaned-session"])
        let session = try #require(harness.sessions.first)
        #expect(session.state == .orphaned)
        #expect(session.requests.last?.unanswered == true)
        #expect(harness.findings.findings.allSatisfy { $0.sessionID == session.sessionID })
    }

    @Test("two BITS requests before an answer are pipelined")
    func pipelined() {
        var blocks = TranscriptHarness.blocks(canonicalExchange)
        // Send the Ping before the Fragment's Ack.
        blocks.swapAt(3, 4)
        let harness = TranscriptHarness()
        harness.play(blocks)
        harness.tracker.finish()
        #expect(harness.codes == ["pipelined-request", "ack-missing-session-id"])
        #expect(harness.sessions.first?.state == .completed)
    }

    @Test("a fragment on a second connection continues the same session")
    func secondConnection() throws {
        let blocks = TranscriptHarness.blocks(canonicalExchange)
        let harness = TranscriptHarness()
        harness.play(Array(blocks[0...1]), connection: 1)
        harness.play(Array(blocks[2...]), connection: 2)
        harness.tracker.finish()
        #expect(harness.codes == ["session-multi-connection", "ack-missing-session-id"])
        let session = try #require(harness.sessions.first)
        #expect(session.connections == [1, 2])
        #expect(session.state == .completed)
    }
}
