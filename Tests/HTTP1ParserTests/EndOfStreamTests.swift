import AnalyzerCore
import HTTP1Parser
import Testing

/// Direction ends, connection finish, times and delegate ownership.
@Suite struct EndOfStreamTests {
    @Test func contentLengthBodyCutByTheEnd() {
        let harness = Harness()
        harness.client("BITS_POST / HTTP/1.1\nContent-Length: 10\n\nabc")
        harness.end(.clientToServer)
        #expect(harness.summary == [
            "req 0 head BITS_POST / HTTP/1.1",
            "req 0 body 3:abc",
            "req 0 end cl=10 body=3 incomplete",
            "! c2s incompleteMessageAtEnd(missingBodyBytes: Optional(7))",
        ])
    }

    @Test func partialHeadAtTheEndIsReportedWithoutAHead() {
        let harness = Harness()
        harness.client("BITS_POST / HTTP/1.1\nContent-Le")
        harness.end(.clientToServer)
        #expect(harness.summary == ["! c2s incompleteMessageAtEnd(missingBodyBytes: nil)"])
        #expect(harness.parser.bufferedHeadBytes == 0)
    }

    @Test func blankLinesAtTheEndAreNotAMessage() {
        let harness = Harness()
        harness.client("GET / HTTP/1.1\n\n\n\n")
        harness.end(.clientToServer)
        #expect(harness.anomalies.isEmpty)
    }

    @Test func untilCloseBodyCompletesAtTheEnd() {
        let harness = Harness()
        harness.client("GET / HTTP/1.1\n\n")
        harness.server("HTTP/1.1 200 OK\n\nall of it")
        #expect(!harness.summary.contains { $0.hasPrefix("rsp 0 end") })
        harness.end(.serverToClient)
        #expect(harness.summary.last == "rsp 0 end close body=9 complete")
    }

    @Test func dataAfterTheEndIsIgnoredAndReportedOnce() {
        let harness = Harness()
        harness.end(.clientToServer)
        harness.end(.clientToServer)
        harness.client("GET / HTTP/1.1\n\n")
        harness.client("GET / HTTP/1.1\n\n")
        #expect(harness.summary == ["! c2s dataAfterEnd"])
    }

    @Test func finishReportsEveryWaitingRequestOnce() {
        let harness = Harness()
        harness.client("GET /a HTTP/1.1\n\nGET /b HTTP/1.1\n\nGET /c HTTP/1.1\nContent-Length: 5\n\nab")
        harness.server("HTTP/1.1 200 OK\nContent-Length: 0\n\n")
        harness.finish()
        harness.finish()
        #expect(harness.summary.suffix(4) == [
            "req 2 end cl=5 body=2 incomplete",
            "! c2s incompleteMessageAtEnd(missingBodyBytes: Optional(3))",
            "unanswered 1",
            "unanswered 2",
        ])
        #expect(harness.parser.pendingRequests == 0)
    }

    @Test func lostRequestPlaceholdersAreNotReportedUnanswered() {
        let harness = Harness()
        harness.gap(.clientToServer, 50)
        #expect(harness.parser.pendingRequests == 1)
        harness.finish()
        #expect(harness.summary == ["! c2s desynchronized(gap-between-messages, gapLength: 50)"])
    }

    @Test func eventsCarryTheTimeOfTheCallThatCausedThem() {
        let harness = Harness()
        let t1 = CaptureTimestamp(seconds: 100, nanoseconds: 1)
        let t2 = CaptureTimestamp(seconds: 101, nanoseconds: 2)
        let t3 = CaptureTimestamp(seconds: 102, nanoseconds: 3)
        harness.time = t1
        harness.client("BITS_POST / HTTP/1.1\nContent-Length: 4\n\nab")
        harness.time = t2
        harness.client("cd")
        harness.time = t3
        harness.finish()
        // head, body "ab" (t1); body "cd", end (t2); unanswered (t3).
        #expect(harness.recorder.times == [t1, t1, t2, t2, t3])
    }

    @Test func delegateIsHeldStronglyAndReleasedWithTheParser() {
        var delegate: RecordingDelegate? = RecordingDelegate()
        weak let watcher = delegate
        var parser: HTTPConnectionParser? = HTTPConnectionParser(delegate: delegate!)
        delegate = nil
        // The parser keeps its delegate alive (no side table for a weak reference to it)...
        #expect(watcher != nil)
        Array("GET / HTTP/1.1\r\n\r\n".utf8).withUnsafeBytes {
            parser?.receive($0, direction: .clientToServer, time: .zero)
        }
        #expect(watcher?.events.count == 2)  // the head and the end of the GET
        // ...and lets it go with itself: no cycle.
        parser = nil
        #expect(watcher == nil)
    }
}
