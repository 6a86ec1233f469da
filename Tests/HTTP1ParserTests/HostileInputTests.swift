import AnalyzerCore
import HTTP1Parser
import Testing
import TestSupport

/// Limits and hostile input: nothing traps, nothing grows past its bound, every stream's events
/// are well formed and independent of how the stream was cut.
@Suite struct HostileInputTests {
    @Test func headerBlockThatNeverEndsStaysWithinTheLimit() {
        var limits = Limits.HTTP()
        limits.maxHeaderBlockBytes = 1024
        let harness = Harness(limits: limits)
        var random = SplitMix(seed: 7)
        harness.client("GET / HTTP/1.1\n")
        var fed = 0
        let line = Harness.crlf("X-Pad: " + String(repeating: "a", count: 50) + "\n")
        let stream = Array((0..<2000).map { _ in line }.joined())
        while fed < stream.count {
            let size = min(Int.random(in: 1...700, using: &random), stream.count - fed)
            harness.clientBytes(Array(stream[fed..<(fed + size)]))
            fed += size
            #expect(harness.parser.bufferedHeadBytes <= 1024)
        }
        #expect(harness.anomalies == [.headerBlockTooLarge(limit: 1024)])
        // The next request line is found again; the abandoned request may still be answered.
        harness.client("\nGET /again HTTP/1.1\n\n")
        #expect(harness.summary.suffix(2) == ["req 0 head GET /again HTTP/1.1", "req 0 end none body=0 complete"])
        #expect(harness.parser.pendingRequests == 2)
    }

    @Test func startLineThatNeverEndsStaysWithinTheDefaultLimit() {
        let harness = Harness()
        harness.client("GET /")
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 10_000)
        for _ in 0..<20 {
            harness.clientBytes(chunk)
            #expect(harness.parser.bufferedHeadBytes <= Limits.HTTP().maxHeaderBlockBytes)
        }
        #expect(harness.anomalies == [.headerBlockTooLarge(limit: 65_536)])
        #expect(harness.parser.bufferedHeadBytes == 0)
    }

    @Test func headOfExactlyTheLimitIsAcceptedOneMoreIsNot() {
        let head = "GET / HTTP/1.1\r\nX: 0123456789\r\n\r\n"
        for (limit, accepted) in [(head.utf8.count, true), (head.utf8.count - 1, false)] {
            var limits = Limits.HTTP()
            limits.maxHeaderBlockBytes = limit
            let harness = Harness(limits: limits)
            harness.clientBytes(Array(head.utf8))
            #expect((harness.firstRequestHead != nil) == accepted, "limit \(limit)")
            #expect(harness.anomalies == (accepted ? [] : [.headerBlockTooLarge(limit: limit)]))
        }
    }

    @Test func oneFieldMoreThanTheLimitAbandonsTheHead() {
        let harness = Harness()
        let head = "BITS_POST / HTTP/1.1\n" + (0..<256).map { "X-\($0): v\n" }.joined() + "Content-Length: 0\n"
        harness.client(head + "\nGET /next HTTP/1.1\n\n")
        // The abandoned head (cut at its 257th field line) and the blank line after it are skipped.
        let skipped = Harness.crlf(head).count + 2
        #expect(harness.summary == [
            "! c2s tooManyHeaders(limit: 256)",
            "! c2s resynchronized(skippedBytes: \(skipped))",
            "req 0 head GET /next HTTP/1.1",
            "req 0 end none body=0 complete",
        ])
        // The abandoned request may still be answered: a placeholder waits ahead of /next.
        #expect(harness.parser.pendingRequests == 2)
    }

    @Test func exactlyTheFieldLimitIsAccepted() {
        let harness = Harness()
        let fields = (0..<255).map { "X-\($0): v\n" }.joined()
        harness.client("GET / HTTP/1.1\n" + fields + "Content-Length: 0\n\n")
        #expect(harness.firstRequestHead?.headers.count == 256)
        #expect(harness.anomalies.isEmpty)
    }

    @Test func hugeGapsSaturateInsteadOfTrapping() {
        let harness = Harness()
        harness.client("GET / HTTP/1.1\n\n")
        harness.server("HTTP/1.1 200 OK\n\n")
        harness.gap(.serverToClient, .max)
        harness.gap(.serverToClient, .max)
        harness.serverBytes([1, 2, 3])
        harness.end(.serverToClient)
        #expect(harness.summary.last == "rsp 0 end close body=3 gap=18446744073709551615 complete")

        let chunked = Harness()
        chunked.client("POST / HTTP/1.1\nTransfer-Encoding: chunked\n\nFFFFFFFFFFFFFFFF\nab")
        chunked.gap(.clientToServer, .max - 10)
        chunked.gap(.clientToServer, .max)
        chunked.finish()
        #expect(EventGrammar.problems(in: chunked.recorder.events).isEmpty)

        let fixed = Harness()
        fixed.client("POST / HTTP/1.1\nContent-Length: 18446744073709551615\n\nab")
        fixed.gap(.clientToServer, .max)
        fixed.finish()
        #expect(fixed.summary.contains("req 0 end cl=18446744073709551615 body=2 gap=18446744073709551613 complete"))
        #expect(EventGrammar.problems(in: fixed.recorder.events).isEmpty)
    }

    // MARK: - Random streams

    static let vocabulary: [[UInt8]] = [
        "GET / HTTP/1.1\r\n", "BITS_POST /u HTTP/1.1\r\n", "HEAD / HTTP/1.1\r\n", "x y HTTP/1.0\n",
        "HTTP/1.1 200 OK\r\n", "HTTP/1.1 100 Continue\r\n", "HTTP/1.1 204 No\r\n", "HTTP/1.1 101 Up\r\n",
        "HTTP/1.0 304 x\r\n", "HTTP/1.1 200\n", "Content-Length: 5\r\n", "Content-Length: 0\r\n",
        "Content-Length: 99999999999999999999999\r\n", "Content-Length: 1,2\r\n", "Content-Length: 3\n",
        "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip\r\n", " folded\r\n", "X: y\r\n", "bad line\r\n",
        "\r\n", "\r\n", "\n", "\r", "5\r\n", "hello", "0\r\n", "3;e=1\r\nabc\r\n", "FFFFFFFFFFFFFFFF\r\n",
        "12345678901234567890\r\n", ":", " ", "\u{0}", "HTTP/1.", "GET", "\r\n\r\n",
    ].map { Array($0.utf8) }

    static let requestLines = ["GET / HTTP/1.1\r\n", "BITS_POST /u HTTP/1.1\r\n", "HEAD / HTTP/1.1\r\n", "post /x HTTP/1.0\n"]
    static let statusLines = [
        "HTTP/1.1 200 OK\r\n", "HTTP/1.1 100 Continue\r\n", "HTTP/1.1 204 No\r\n", "HTTP/1.1 101 Up\r\n",
        "HTTP/1.0 304 x\r\n", "HTTP/1.1 500\n", "HTTP/1.1 413 Too Large\r\n",
    ]
    static let fieldLines = [
        "Content-Length: 5\r\n", "Content-Length: 0\r\n", "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n",
        "BITS-Packet-Type: Fragment\r\n", "X: y\r\n", " folded\r\n", "Content-Length: 1,2\r\n", "bad line\r\n",
        "Transfer-Encoding: gzip\r\n", "Content-Length: 99999999999999999999999\r\n",
    ]
    static let bodies = ["", "hello", "5\r\nhello\r\n0\r\n\r\n", "3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n", "hel", "\r\n"]

    /// A message-shaped piece: a start line, a few fields, a blank line, a body that may or may not fit.
    static func message(for direction: FlowDirection, random: inout SplitMix) -> [UInt8] {
        var text = (direction == .clientToServer ? requestLines : statusLines).randomElement(using: &random)!
        for _ in 0..<Int.random(in: 0...3, using: &random) { text += fieldLines.randomElement(using: &random)! }
        text += "\r\n" + bodies.randomElement(using: &random)!
        return Array(text.utf8)
    }

    static func randomLimits(_ random: inout SplitMix) -> Limits.HTTP {
        var limits = Limits.HTTP()
        // Nonsense (negative, zero) limits must not trap either.
        limits.maxHeaderBlockBytes = [-1, 8, 40, 200, 65_536, 65_536].randomElement(using: &random)!
        limits.maxHeaderCount = [-1, 0, 1, 3, 256, 256].randomElement(using: &random)!
        limits.maxPendingRequests = [-1, 0, 1, 2, 100].randomElement(using: &random)!
        limits.maxResyncScanBytes = [-1, 0, 10, 300, 1 << 20, 1 << 20].randomElement(using: &random)!
        return limits
    }

    /// Random traffic: message-shaped pieces, vocabulary soup, binary noise (all noise for every
    /// fourth seed), gaps of any size, and direction ends late in the stream.
    static func randomTranscript(seed: UInt64, random: inout SplitMix) -> Transcript {
        var steps: [Transcript.Step] = []
        let binary = seed % 4 == 0
        let count = Int.random(in: 1...40, using: &random)
        for step in 0..<count {
            let direction: FlowDirection = Bool.random(using: &random) ? .clientToServer : .serverToClient
            switch Int.random(in: 0..<40, using: &random) {
            case 0..<32:
                var bytes: [UInt8] = []
                let kind = binary ? 3 : Int.random(in: 0..<4, using: &random)
                switch kind {
                case 0, 1:
                    bytes = message(for: direction, random: &random)
                case 2:
                    for _ in 0..<Int.random(in: 1...6, using: &random) {
                        bytes += vocabulary.randomElement(using: &random)!
                    }
                default:
                    bytes = (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                }
                steps.append(.data(direction, bytes))
            case 32..<39:
                let lengths: [UInt64] = [1, 2, 3, 5, 100, 1 << 20, .max / 2, .max]
                steps.append(.gap(direction, lengths.randomElement(using: &random)!))
            default:
                steps.append(step * 2 > count ? .end(direction) : .gap(direction, 1))
            }
        }
        return Transcript(name: "random \(seed)", steps: steps)
    }

    @Test func randomStreamsAreWellFormedAndCutIndependent() {
        for seed in UInt64(0)..<600 {
            var random = SplitMix(seed: seed)
            let limits = Self.randomLimits(&random)
            let transcript = Self.randomTranscript(seed: seed, random: &random)
            let whole = transcript.run(limits: limits).events
            let problems = EventGrammar.problems(in: whole)
            #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(3))")
            for _ in 0..<3 {
                let cuts = Set((0..<Int.random(in: 1...30, using: &random)).map { _ in
                    Int.random(in: 1...max(1, transcript.dataCount), using: &random)
                })
                let cut = transcript.run(limits: limits, cuts: cuts).events
                #expect(cut == whole, "seed \(seed), cuts \(cuts.sorted())")
                if cut != whole { return }
            }
            if !problems.isEmpty { return }
        }
    }

    @Test(arguments: Fixtures.all)
    func mutatedFixturesAreWellFormedAndCutIndependent(_ fixture: Fixture) {
        var random = SplitMix(seed: UInt64(fixture.name.utf8.count))
        let original = fixture.transcript
        for round in 0..<40 {
            var steps = original.steps
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<steps.count, using: &random)
                guard case .data(let direction, var bytes) = steps[position], !bytes.isEmpty else { continue }
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.insert(contentsOf: Self.vocabulary.randomElement(using: &random)!, at: at)
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...20, using: &random)))
                }
                steps[position] = .data(direction, bytes)
            }
            let mutated = Transcript(name: "\(fixture.name) mutation \(round)", steps: steps)
            let whole = mutated.run(limits: fixture.limits).events
            let problems = EventGrammar.problems(in: whole)
            #expect(problems.isEmpty, "round \(round): \(problems.prefix(3))")
            let cuts = Set((0..<10).map { _ in Int.random(in: 1...max(1, mutated.dataCount), using: &random) })
            #expect(mutated.run(limits: fixture.limits, cuts: cuts).events == whole, "round \(round)")
        }
    }

    @Test(arguments: Fixtures.all)
    func fixturesAreWellFormed(_ fixture: Fixture) {
        #expect(EventGrammar.problems(in: fixture.transcript.run(limits: fixture.limits).events).isEmpty)
    }
}
