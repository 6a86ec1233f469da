import AnalyzerCore
@testable import BITSAnalyzer
import Testing

/// The body observer hook: what it hears of Fragment bodies and the offsets each Ack accepted.
@Suite struct BodyObserverTests {
    /// Records every call, with the body bytes received per request.
    final class Recorder: BITSBodyObserver {
        var events: [String] = []
        var bodies: [BITSRequestKey: [UInt8]] = [:]

        func fragmentStarted(_ start: BITSFragmentStart) {
            events.append("start \(start.request.index) \(start.range.first)-\(start.range.last) "
                              + "session \(start.knownSession.map(String.init) ?? "-")")
        }

        func fragmentBody(_ bytes: UnsafeRawBufferPointer, bodyOffset: UInt64, request: BITSRequestKey) {
            #expect(bodyOffset == UInt64(bodies[request, default: []].count), "pieces arrive in order")
            bodies[request, default: []] += bytes
        }

        func fragmentBodyGap(length: UInt64, bodyOffset: UInt64, request: BITSRequestKey) {
            events.append("gap \(request.index)")
        }

        func fragmentBodyEnded(_ request: BITSRequestKey) { events.append("end \(request.index)") }

        func fragmentAccepted(_ verdict: BITSFragmentVerdict) {
            events.append("accepted \(verdict.request.index) \(verdict.accepted) ack \(verdict.acknowledged)")
        }

        func fragmentDiscarded(_ request: BITSRequestKey, time: CaptureTimestamp) {
            events.append("discarded \(request.index)")
        }

        func sessionRetired(_ session: BITSSession) -> ExtractedFile? {
            events.append("retired \(session.number)")
            return nil
        }
    }

    static func fragment(_ first: Int, _ last: Int, total: Int = 200) -> String {
        """
        >>>
        BITS_POST /upload/x.bin HTTP/1.1
        BITS-Packet-Type: Fragment
        BITS-Session-Id: {S}
        Content-Range: bytes \(first)-\(last)/\(total)
        Content-Length: \(last - first + 1)

        {BODY \(last - first + 1)}
        """
    }

    static func ack(_ status: Int, received: Int) -> String {
        "<<<\nHTTP/1.1 \(status) X\nBITS-Packet-Type: Ack\nContent-Length: 0\nBITS-Received-Content-Range: \(received)\n"
    }

    static let transcript = [
        ">>>\nBITS_POST /upload/x.bin HTTP/1.1\nBITS-Packet-Type: Create-Session\nContent-Length: 0\n",
        "<<<\nHTTP/1.1 200 OK\nBITS-Packet-Type: Ack\nBITS-Session-Id: {S}\nContent-Length: 0\n",
        fragment(0, 99), ack(200, received: 100),
        fragment(50, 149), ack(200, received: 150),  // overlap: only 100..<150 is new
        fragment(180, 199), ack(416, received: 150),  // past the offset: nothing stored
        fragment(150, 199), ack(200, received: 170),  // short Ack
        fragment(170, 199),  // never answered
    ].joined(separator: "\n")

    @Test("each fragment is heard whole, then its verdict: the new, acknowledged offsets or nothing",
          arguments: [1, 7, 4_096])
    func verdicts(chunk: Int) {
        let harness = TranscriptHarness()
        let recorder = Recorder()
        harness.tracker.bodyObserver = recorder
        harness.play(TranscriptHarness.blocks(Self.transcript), chunk: chunk)
        #expect(recorder.events == [
            "start 1 0-99 session 1", "end 1", "accepted 1 0..<100 ack 100",
            "start 2 50-149 session 1", "end 2", "accepted 2 100..<150 ack 150",
            "start 3 180-199 session 1", "end 3", "discarded 3",
            "start 4 150-199 session 1", "end 4", "accepted 4 150..<170 ack 170",
            "start 5 170-199 session 1", "end 5", "discarded 5",
        ])
        let bodies = recorder.bodies.sorted { $0.key.index < $1.key.index }.map(\.value)
        #expect(bodies.map(\.count) == [100, 100, 20, 50, 30])
        #expect(bodies[1] == (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    }

    @Test("with and without an observer the analysis is the same")
    func observerChangesNothing() {
        let plain = TranscriptHarness()
        plain.play(TranscriptHarness.blocks(Self.transcript))
        let observed = TranscriptHarness()
        let recorder = Recorder()
        observed.tracker.bodyObserver = recorder
        observed.play(TranscriptHarness.blocks(Self.transcript))
        plain.tracker.finish()
        observed.tracker.finish()
        #expect(plain.codes == observed.codes)
        let summary = { (harness: TranscriptHarness) in
            harness.sessions.flatMap(\.requests).map { "\($0.type) \($0.status ?? 0) \($0.received ?? 0)" }
        }
        #expect(summary(plain) == summary(observed))
        #expect(summary(plain).count == 6)
        #expect(!recorder.events.isEmpty)
        // The session leaves the tracker once, at the end, and the observer hears it last.
        #expect(recorder.events.last == "retired 1")
        #expect(recorder.events.filter { $0.hasPrefix("retired") }.count == 1)
    }
}
