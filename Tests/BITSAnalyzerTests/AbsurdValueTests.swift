import AnalyzerCore
@testable import BITSAnalyzer
import Foundation
import Testing

/// Numbers at the edge of 64 bits in BITS headers are findings, never traps.
@Suite struct AbsurdValueTests {
    @Test("a range over all 2^64 offsets has a saturated length; one byte at the top has length 1")
    func rangeLengthAtTheTop() {
        #expect(ContentRange(first: 0, last: .max, total: .max).length == .max)
        #expect(ContentRange(first: .max, last: .max, total: .max).length == 1)
        #expect(ContentRange(first: 10, last: 5, total: 100).length == 0)
    }

    // Found with the hand-made fuzz input fuzz/regressions/bits/bits-absurd-ranges: the Ack of a
    // fragment whose range ends at 2^64 - 1 computed the next offset as last + 1 and trapped.
    @Test("fragments ending at offset 2^64 - 1 and their Acks are reported, not trapped on", arguments: [
        ("bytes 0-18446744073709551615/18446744073709551615", ["range-beyond-total", "ack-range-mismatch"]),
        ("bytes 18446744073709551615-18446744073709551615/18446744073709551615", ["range-beyond-total", "fragment-gap"]),
    ])
    func rangeEndingAtTheTop(range: String, expected: [String]) {
        let transcript = canonicalExchange.replacingOccurrences(of: "bytes 0-4891/4892", with: range)
        let harness = TranscriptHarness()
        harness.play(TranscriptHarness.blocks(transcript))
        harness.tracker.finish()
        for code in expected { #expect(harness.codes.contains(code), "\(harness.codes)") }
        let mismatch = harness.findings.findings.first { $0.code.rawValue == "ack-range-mismatch" }
        if expected.contains("ack-range-mismatch") {
            #expect(mismatch?.message.contains("expected 18446744073709551616") == true)
        }
        #expect(harness.sessions.count == 1)
    }
}
