import BITSAnalyzer
import ReportOutput
import Testing
import TestSupport

/// Counts by state in an array against the dictionary they replace: the same counts, and only the
/// states counted, for random runs of every state.
@Suite struct SessionStateCountsTests {
    @Test("counts equal a dictionary's", arguments: 1...5)
    func equalDictionary(seed: UInt64) {
        var random = SplitMix(seed: seed)
        var counts = SessionStateCounts()
        var expected: [BITSSessionState: Int] = [:]
        #expect(counts.dictionary.isEmpty)
        let states = BITSSessionState.allCases
        // Fewer states for the small seeds: some are never counted.
        for _ in 0..<(Int(seed) * 300) {
            let state = states[Int(random.next() % UInt64(min(states.count, Int(seed) * 2)))]
            counts.add(state)
            expected[state, default: 0] += 1
        }
        #expect(counts.dictionary == expected)
    }
}
