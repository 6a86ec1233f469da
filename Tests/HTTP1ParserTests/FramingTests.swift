import AnalyzerCore
import HTTP1Parser
import Testing

/// Body framing decisions (RFC 9112 §6.3) and pairing rules.
@Suite struct FramingTests {
    struct ContentLengthCase: Sendable, CustomTestStringConvertible {
        /// Values of the Content-Length fields, one per field line.
        var values: [String]
        /// The framing, or the anomaly raised instead.
        var outcome: Outcome
        enum Outcome: Sendable { case length(UInt64), anomaly(HTTPAnomaly) }
        var testDescription: String { values.debugDescription }
    }

    static let contentLengths: [ContentLengthCase] = [
        .init(values: ["0"], outcome: .length(0)),
        .init(values: ["007"], outcome: .length(7)),
        .init(values: ["5, 5"], outcome: .length(5)),
        .init(values: ["5", "5"], outcome: .length(5)),
        .init(values: ["  12  "], outcome: .length(12)),
        .init(values: ["18446744073709551615"], outcome: .length(UInt64.max)),
        .init(values: ["18446744073709551616"], outcome: .anomaly(.invalidContentLength("18446744073709551616"))),
        .init(values: ["1234567890123456789012345"], outcome: .anomaly(.invalidContentLength("1234567890123456789012345"))),
        .init(values: ["-1"], outcome: .anomaly(.invalidContentLength("-1"))),
        .init(values: ["+5"], outcome: .anomaly(.invalidContentLength("+5"))),
        .init(values: ["1.0"], outcome: .anomaly(.invalidContentLength("1.0"))),
        .init(values: ["0x10"], outcome: .anomaly(.invalidContentLength("0x10"))),
        .init(values: [""], outcome: .anomaly(.invalidContentLength(""))),
        .init(values: ["5,"], outcome: .anomaly(.invalidContentLength("5,"))),
        .init(values: ["1 2"], outcome: .anomaly(.invalidContentLength("1 2"))),
        .init(values: ["1,2"], outcome: .anomaly(.conflictingContentLength(["1,2"]))),
        .init(values: ["5", "6"], outcome: .anomaly(.conflictingContentLength(["5", "6"]))),
    ]

    @Test(arguments: contentLengths)
    func requestContentLength(_ testCase: ContentLengthCase) {
        let harness = Harness()
        let fields = testCase.values.map { "Content-Length: \($0)\n" }.joined()
        harness.client("BITS_POST /up HTTP/1.1\n" + fields + "\n")
        switch testCase.outcome {
        case .length(let length):
            #expect(harness.anomalies.isEmpty)
            if length == 0 {
                #expect(harness.summary.last == "req 0 end cl=0 body=0 complete")
            } else {
                harness.end(.clientToServer)
                #expect(harness.summary.contains("req 0 end cl=\(length) body=0 incomplete"))
            }
        case .anomaly(let anomaly):
            // The head is still reported (the server will answer it); its framing is unknown.
            #expect(harness.summary == [
                "req 0 head BITS_POST /up HTTP/1.1",
                "! c2s \(anomaly)",
                "req 0 end none body=0 incomplete",
            ])
            // The body that follows is skipped until the next request line.
            harness.client("body bytes\nGET /next HTTP/1.1\n\n")
            #expect(harness.summary.suffix(3) == [
                "! c2s resynchronized(skippedBytes: 12)",
                "req 1 head GET /next HTTP/1.1",
                "req 1 end none body=0 complete",
            ])
        }
    }

    @Test func chunkedWinsOverContentLength() {
        let harness = Harness()
        harness.client("POST / HTTP/1.1\nContent-Length: 100\nTransfer-Encoding: CHUNKED\n\n3\nabc\n0\n\n")
        #expect(harness.summary == [
            "req 0 head POST / HTTP/1.1",
            "! c2s contentLengthWithChunked",
            "req 0 body 3:abc",
            "req 0 end chunked body=3 complete",
        ])
    }

    @Test func requestWithUnsupportedTransferEncodingLosesFraming() {
        let harness = Harness()
        harness.client("POST / HTTP/1.1\nTransfer-Encoding: chunked, gzip\n\n")
        #expect(harness.summary == [
            "req 0 head POST / HTTP/1.1",
            "! c2s unsupportedTransferEncoding(\"chunked, gzip\")",
            "req 0 end none body=0 incomplete",
        ])
    }

    @Test func responseWithUnsupportedTransferEncodingRunsUntilClose() {
        let harness = Harness()
        harness.client("GET / HTTP/1.1\n\n")
        harness.server("HTTP/1.1 200 OK\nTransfer-Encoding: gzip\n\nzzz")
        harness.end(.serverToClient)
        #expect(harness.summary.suffix(4) == [
            "rsp 0 head 200 OK",
            "! s2c unsupportedTransferEncoding(\"gzip\")",
            "rsp 0 body 3:zzz",
            "rsp 0 end close body=3 complete",
        ])
    }

    @Test func switchingProtocolsTurnsTheRestIntoABody() {
        let harness = Harness()
        harness.client("GET /chat HTTP/1.1\nUpgrade: websocket\n\n")
        harness.server("HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n\n")
        harness.serverBytes([0x81, 0x05] + Array("hello".utf8))
        harness.end(.serverToClient)
        #expect(harness.summary.suffix(3) == [
            "rsp 0 head 101 Switching Protocols",
            "rsp 0 body 7B",
            "rsp 0 end close body=7 complete",
        ])
        #expect(harness.anomalies.isEmpty)
    }

    @Test func headMethodIsRecognisedInAnyCase() {
        let harness = Harness()
        harness.client("head / HTTP/1.1\n\n")
        harness.server("HTTP/1.1 200 OK\nContent-Length: 10\n\nHTTP/1.1 200 OK\nContent-Length: 0\n\n")
        #expect(harness.summary == [
            "req 0 head head / HTTP/1.1",
            "req 0 end none body=0 complete",
            "rsp 0 head 200 OK",
            "rsp 0 end none body=0 complete",
            "rsp - head 200 OK",
            "! s2c responseWithoutRequest",
            "rsp - end cl=0 body=0 complete",
        ])
    }

    @Test func interimResponsesLeaveTheRequestWaiting() {
        let harness = Harness()
        harness.server("HTTP/1.1 100 Continue\n\n")
        harness.client("BITS_POST / HTTP/1.1\nContent-Length: 0\n\n")
        harness.server("HTTP/1.1 100 Continue\n\nHTTP/1.1 103 Early Hints\nLink: </a>\n\n")
        harness.server("HTTP/1.1 200 OK\nContent-Length: 0\n\n")
        #expect(harness.summary == [
            "rsp - head 100 Continue",
            "! s2c responseWithoutRequest",
            "rsp - end none body=0 complete",
            "req 0 head BITS_POST / HTTP/1.1",
            "req 0 end cl=0 body=0 complete",
            "rsp 0 head 100 Continue",
            "rsp 0 end none body=0 complete",
            "rsp 0 head 103 Early Hints",
            "rsp 0 end none body=0 complete",
            "rsp 0 head 200 OK",
            "rsp 0 end cl=0 body=0 complete",
        ])
        #expect(harness.parser.pendingRequests == 0)
    }

    @Test func earlyResponsePairsWhileTheRequestBodyIsStillArriving() {
        let harness = Harness()
        harness.client("BITS_POST / HTTP/1.1\nContent-Length: 10\n\n12345")
        harness.server("HTTP/1.1 413 Request Entity Too Large\nContent-Length: 0\n\n")
        harness.client("67890")
        #expect(harness.summary == [
            "req 0 head BITS_POST / HTTP/1.1",
            "req 0 body 5:12345",
            "rsp 0 head 413 Request Entity Too Large",
            "rsp 0 end cl=0 body=0 complete",
            "req 0 body 5:67890",
            "req 0 end cl=10 body=10 complete",
        ])
    }

    @Test func pendingRequestsLimitGivesUpTheOldest() {
        var limits = Limits.HTTP()
        limits.maxPendingRequests = 3
        let harness = Harness(limits: limits)
        for index in 0..<5 { harness.client("GET /\(index) HTTP/1.1\n\n") }
        #expect(harness.parser.pendingRequests == 3)
        harness.server(String(repeating: "HTTP/1.1 200 OK\nContent-Length: 0\n\n", count: 4))
        let pairing = harness.summary.filter {
            $0.hasPrefix("rsp") && $0.contains("head") || $0.hasPrefix("unanswered") || $0.contains("pending")
        }
        #expect(pairing == [
            "! c2s pendingRequestsLimit(limit: 3)",
            "unanswered 0",
            "! c2s pendingRequestsLimit(limit: 3)",
            "unanswered 1",
            "rsp 2 head 200 OK",
            "rsp 3 head 200 OK",
            "rsp 4 head 200 OK",
            "rsp - head 200 OK",
        ])
    }
}
