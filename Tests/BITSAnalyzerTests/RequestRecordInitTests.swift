import AnalyzerCore
@testable import BITSAnalyzer
import Testing
import TestSupport

/// The record the tracker builds in one piece (the memberwise initializer) is the record built
/// and then filled in field by field.
@Suite struct RequestRecordInitTests {
    @Test("the memberwise record and the public initializer's equal one filled in by hand", arguments: [false, true])
    func wholeEqualsFilled(filled: Bool) {
        let time = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 5)
        let range = filled ? ContentRange(headerValue: "bytes 0-9/10") : nil
        var byHand = BITSRequestRecord(type: .unknown("X"), method: "BITS_POST", url: "/u", host: filled ? "h" : nil, time: time,
                                       connection: 3)
        byHand.range = range
        byHand.contentLength = filled ? 10 : nil
        byHand.bodyBytes = filled ? 7 : 0
        byHand.bodyGapBytes = filled ? 3 : 0
        byHand.contentName = filled ? "n" : nil
        let whole = BITSRequestRecord(type: .unknown("X"), method: "BITS_POST", url: "/u", host: filled ? "h" : nil, time: time,
                                      connection: 3, range: range, contentLength: filled ? 10 : nil, bodyBytes: filled ? 7 : 0,
                                      bodyGapBytes: filled ? 3 : 0, contentName: filled ? "n" : nil)
        #expect(dumped(whole) == dumped(byHand))
        #expect(whole.status == nil && whole.ackTime == nil && whole.received == nil && whole.errorCode == nil
                    && whole.errorContext == nil && !whole.challenge && !whole.unanswered)
    }
}
