import AnalyzerCore
import HTTP1Parser
import Testing

/// Chunked transfer coding: sizes, delimiters, extensions and trailers, good and hostile.
@Suite struct ChunkedBodyTests {
    static let head = "POST /c HTTP/1.1\nTransfer-Encoding: chunked\n\n"

    struct BadChunkCase: Sendable, CustomTestStringConvertible {
        var name: String
        var body: [UInt8]
        var anomaly: HTTPAnomaly
        /// The body bytes delivered before the failure.
        var delivered: Int
        var testDescription: String { name }
    }

    static let badChunks: [BadChunkCase] = [
        .init(name: "20 hex digits", body: Harness.crlf("12345678901234567890\n"),
              anomaly: .badChunkSize("more than 16 significant hexadecimal digits"), delivered: 0),
        .init(name: "17 significant hex digits", body: Harness.crlf("1FFFFFFFFFFFFFFFF\n"),
              anomaly: .badChunkSize("more than 16 significant hexadecimal digits"), delivered: 0),
        .init(name: "0x prefix", body: Harness.crlf("0x5\n"),
              anomaly: .badChunkSize("unexpected byte 0x78"), delivered: 0),
        .init(name: "empty size line", body: Harness.crlf("\n"),
              anomaly: .badChunkSize("unexpected byte 0x0D"), delivered: 0),
        .init(name: "bare LF empty size line", body: Array("\n".utf8),
              anomaly: .badChunkSize("no hexadecimal digits"), delivered: 0),
        .init(name: "space before size", body: Harness.crlf(" 5\n"),
              anomaly: .badChunkSize("unexpected byte 0x20"), delivered: 0),
        .init(name: "two numbers", body: Harness.crlf("5 6\n"),
              anomaly: .badChunkSize("unexpected byte 0x36"), delivered: 0),
        .init(name: "CR not followed by LF", body: Array("5\rX".utf8),
              anomaly: .badChunkSize("carriage return not followed by a line feed"), delivered: 0),
        .init(name: "endless extension", body: Array(("5;" + String(repeating: "e", count: 5000)).utf8),
              anomaly: .badChunkSize("line longer than 4096 bytes"), delivered: 0),
        .init(name: "data not followed by a line end", body: Harness.crlf("5\nhelloX"),
              anomaly: .badChunkDelimiter, delivered: 5),
        .init(name: "data followed by CR and garbage", body: Array("5\r\nhello\rX".utf8),
              anomaly: .badChunkDelimiter, delivered: 5),
    ]

    @Test(arguments: badChunks)
    func badChunkFramingCutsTheMessageAndResyncs(_ testCase: BadChunkCase) {
        let harness = Harness()
        harness.client(Self.head)
        harness.clientBytes(testCase.body)
        harness.client("\nGET /next HTTP/1.1\n\n")
        let summary = harness.summary
        let bodyLines = testCase.delivered > 0 ? ["req 0 body \(testCase.delivered):hello"] : []
        #expect(Array(summary.prefix(3 + bodyLines.count)) == ["req 0 head POST /c HTTP/1.1"] + bodyLines + [
            "! c2s \(testCase.anomaly)",
            "req 0 end chunked body=\(testCase.delivered) incomplete",
        ])
        #expect(summary.suffix(2) == ["req 1 head GET /next HTTP/1.1", "req 1 end none body=0 complete"])
        #expect(harness.anomalies.contains { if case .resynchronized = $0 { true } else { false } })
    }

    @Test func sixteenSignificantDigitsAndLeadingZerosAreAccepted() {
        let harness = Harness()
        harness.client(Self.head + "000000000000000000000001\nx\nFFFFFFFFFFFFFFFF\nabc")
        harness.end(.clientToServer)
        #expect(harness.summary == [
            "req 0 head POST /c HTTP/1.1",
            "req 0 body 4:xabc",
            "req 0 end chunked body=4 incomplete",
            "! c2s incompleteMessageAtEnd(missingBodyBytes: nil)",
        ])
    }

    @Test func trailerWithTooManyFields() {
        var limits = Limits.HTTP()
        limits.maxHeaderCount = 2
        let harness = Harness(limits: limits)
        harness.client(Self.head + "1\na\n0\nA: 1\nB: 2\nC: 3\n\n")
        #expect(harness.summary.prefix(4) == [
            "req 0 head POST /c HTTP/1.1",
            "req 0 body 1:a",
            "! c2s tooManyHeaders(limit: 2)",
            "req 0 end chunked body=1 incomplete",
        ])
    }

    @Test func trailerTooLarge() {
        var limits = Limits.HTTP()
        limits.maxHeaderBlockBytes = 64
        let harness = Harness(limits: limits)
        harness.client(Self.head + "0\nX: " + String(repeating: "a", count: 100) + "\n\n")
        #expect(harness.summary.prefix(3) == [
            "req 0 head POST /c HTTP/1.1",
            "! c2s headerBlockTooLarge(limit: 64)",
            "req 0 end chunked body=0 incomplete",
        ])
    }

    @Test func gapRunningPastChunkDataLosesFraming() {
        let harness = Harness()
        harness.client(Self.head + "5\nab")
        harness.gap(.clientToServer, 10)
        #expect(harness.summary == [
            "req 0 head POST /c HTTP/1.1",
            "req 0 body 2:ab",
            "req 0 gap 3",
            "req 0 end chunked body=2 gap=3 incomplete",
            "! c2s desynchronized(gap-in-chunked-framing, gapLength: 7)",
        ])
    }
}
