import BITSAnalyzer
import ReportOutput
import Testing

@Suite struct SessionByteMapTests {
    typealias Kind = SessionByteMap.Kind
    typealias F = ReportFixtures

    /// The spans as `kind start-end` strings (end exclusive), for compact expectations.
    static func describe(_ spans: [SessionByteMap.Span]) -> [String] {
        spans.map { "\($0.kind.rawValue) \($0.start)-\($0.end)" }
    }

    @Test("a clean upload is acknowledged from 0 to the total, with nothing else")
    func cleanUpload() {
        let map = SessionByteMap(session: F.session(requests: [
            F.fragment(0, 999, of: 3000, at: 10), F.fragment(1000, 1999, of: 3000, at: 20),
            F.fragment(2000, 2999, of: 3000, at: 30),
        ], closed: true))
        #expect(Self.describe(map.spans) == ["acknowledged 0-3000"])
        #expect(map.events.isEmpty)
        #expect(map.missingAtClose == nil)
        #expect(map.extent == 3000)
    }

    @Test("a hole jumped over and never filled is skipped on the way, a gap at the end, and missing at Close")
    func gapMissingAtClose() {
        let map = SessionByteMap(session: F.session(requests: [
            F.fragment(0, 999, of: 4000, at: 10),
            // The server keeps its offset at 1000 and answers 416.
            F.fragment(2000, 2999, of: 4000, at: 20, status: 416, received: 1000),
            F.request(.closeSession, at: 30),
        ], closed: true))
        #expect(Self.describe(map.spans) == ["acknowledged 0-1000", "gap 1000-2000", "unacknowledged 2000-3000",
                                             "unsent 3000-4000"])
        #expect(Self.describe(map.events) == ["skipped 1000-2000"])
        #expect(map.missingAtClose.map { "\($0.start)-\($0.end)" } == "1000-4000")
    }

    @Test("the same range twice is a duplicate; a range over part of earlier bytes is an overlap")
    func duplicateAndOverlap() {
        let map = SessionByteMap(session: F.session(requests: [
            F.fragment(0, 999, of: 3000, at: 10),
            F.fragment(0, 999, of: 3000, at: 20),
            F.fragment(500, 1999, of: 3000, at: 30),
            F.fragment(2000, 2999, of: 3000, at: 40),
        ]))
        #expect(Self.describe(map.spans) == ["acknowledged 0-3000"])
        #expect(Self.describe(map.events) == ["duplicate 0-1000", "overlap 500-1000"])
        #expect(map.missingAtClose == nil, "not closed")
    }

    @Test("bytes sent again after a 416 refused them are re-sent, not duplicate")
    func resentAfter416() {
        let map = SessionByteMap(session: F.session(requests: [
            F.fragment(0, 999, of: 3000, at: 10),
            // Out of order: the server keeps its offset at 1000 and asks the client to resume there.
            F.fragment(2000, 2999, of: 3000, at: 20, status: 416, received: 1000),
            F.fragment(1000, 1999, of: 3000, at: 30),
            F.fragment(2000, 2999, of: 3000, at: 40),
        ]))
        #expect(Self.describe(map.spans) == ["acknowledged 0-3000"])
        #expect(Self.describe(map.events) == ["skipped 1000-2000", "resent 2000-3000"])
    }

    @Test("a range over bytes accepted before and bytes refused before is part overlap, part re-sent")
    func resentAndOverlap() {
        let map = SessionByteMap(session: F.session(requests: [
            F.fragment(0, 999, of: 3000, at: 10),
            F.fragment(1000, 1999, of: 3000, at: 20, status: 500, received: 1000),
            F.fragment(500, 2999, of: 3000, at: 30),
            // Accepted once now: a third copy is a duplicate.
            F.fragment(500, 2999, of: 3000, at: 40),
        ]))
        #expect(Self.describe(map.events) == ["overlap 500-1000", "resent 1000-2000", "duplicate 500-3000"])
    }

    @Test("fragments sent but never answered are unacknowledged; a range past the total widens the map")
    func unansweredAndPastTotal() {
        let map = SessionByteMap(session: F.session(requests: [
            F.fragment(0, 999, of: 2000, at: 10),
            F.fragment(1000, 2499, of: 2000, at: 20, status: nil),
        ]))
        #expect(map.extent == 2500)
        #expect(map.total == 2000)
        #expect(Self.describe(map.spans) == ["acknowledged 0-1000", "unacknowledged 1000-2500"])
    }

    @Test("hostile ranges (last = UInt64.max, a claimed Ack past everything) do not trap")
    func hostileRanges() {
        var huge = F.fragment(0, 10, of: 20, at: 10)
        huge.range = ContentRange(first: UInt64.max - 5, last: UInt64.max, total: UInt64.max)
        var session = F.session(requests: [huge, F.fragment(0, 9, of: 20, at: 20)])
        session.bytesAcknowledged = UInt64.max
        let map = SessionByteMap(session: session)
        #expect(map.extent == UInt64.max)
        #expect(map.spans.first?.kind == .acknowledged)
        let page = HTMLReport(timeline: F.report([session])).render()
        #expect(page.contains("</html>"))
    }

    @Test("at most fragmentLimit fragments are read, and the map says it was cut")
    func fragmentLimit() {
        let requests = (0..<10).map { F.fragment(UInt64($0) * 100, UInt64($0) * 100 + 99, of: 1000, at: Int64($0)) }
        let map = SessionByteMap(session: F.session(requests: requests), fragmentLimit: 4)
        #expect(map.truncated)
        #expect(!SessionByteMap(session: F.session(requests: requests), fragmentLimit: 10).truncated)
    }
}
