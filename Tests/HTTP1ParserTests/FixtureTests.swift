import AnalyzerCore
import HTTP1Parser
import Testing
import TestSupport

/// Each transcript gives exactly the expected events, and the same events however it is cut.
@Suite struct FixtureTests {
    @Test(arguments: Fixtures.all)
    func expectedEvents(_ fixture: Fixture) {
        let recorded = fixture.transcript.run(limits: fixture.limits)
        #expect(recorded.summary == fixture.expected)
        #expect(recorded.emptyBodyPieces == 0)
    }

    @Test(arguments: Fixtures.all)
    func wholeEqualsByteByByte(_ fixture: Fixture) {
        let transcript = fixture.transcript
        let whole = transcript.run(limits: fixture.limits).events
        let everyByte = transcript.run(limits: fixture.limits, cuts: Set(0...transcript.dataCount))
        #expect(everyByte.events == whole)
        #expect(everyByte.emptyBodyPieces == 0)
    }

    @Test(arguments: Fixtures.all)
    func everySingleCutGivesTheSameEvents(_ fixture: Fixture) {
        let transcript = fixture.transcript
        let whole = transcript.run(limits: fixture.limits).events
        var differing: [Int] = []
        for cut in 1..<transcript.dataCount where transcript.run(limits: fixture.limits, cuts: [cut]).events != whole {
            differing.append(cut)
        }
        #expect(differing.isEmpty, "cuts giving other events: \(differing.prefix(10))")
    }

    @Test(arguments: Fixtures.all)
    func randomMultiCutsGiveTheSameEvents(_ fixture: Fixture) {
        let transcript = fixture.transcript
        let whole = transcript.run(limits: fixture.limits).events
        var random = SplitMix(seed: 0xC0FFEE)
        for _ in 0..<200 {
            let count = Int.random(in: 1...20, using: &random)
            let cuts = Set((0..<count).map { _ in Int.random(in: 1..<max(2, transcript.dataCount), using: &random) })
            let events = transcript.run(limits: fixture.limits, cuts: cuts).events
            #expect(events == whole, "cuts \(cuts.sorted())")
            if events != whole { break }
        }
    }

    @Test func wellFormedTrafficRaisesNoUnexpectedAnomaly() {
        for fixture in Fixtures.wellFormed {
            let anomalies = fixture.transcript.run().anomalies
            let allowed: [HTTPAnomaly] = [.contentLengthWithChunked, .obsoleteLineFolding]
            #expect(anomalies.allSatisfy(allowed.contains), "\(fixture.name): \(anomalies)")
        }
    }
}
