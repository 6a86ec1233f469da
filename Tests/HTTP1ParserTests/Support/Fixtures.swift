import AnalyzerCore
import HTTP1Parser
import Testing

/// A transcript, the limits to parse it with, and the events it must give (as summary lines).
struct Fixture: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var limits: Limits.HTTP = .init()
    var expected: [String]

    var transcript: Transcript { Transcript(name, text) }
    var testDescription: String { name }
}

/// Limits with a small resync scan budget, for the abandon tests.
private let smallScan: Limits.HTTP = {
    var limits = Limits.HTTP()
    limits.maxResyncScanBytes = 100
    return limits
}()

enum Fixtures {
    static let sessionID = "{f1d3c0a2-9a43-4a0e-8a5b-1c2d3e4f5a6b}"

    /// Normal traffic: every fixture here must parse without anomalies except where expected.
    static let wellFormed: [Fixture] = [
        Fixture(name: "BITS upload: create, fragment, close", text: """
            >>>
            BITS_POST /upload/report.bin HTTP/1.1
            Host: bits.example
            BITS-Packet-Type: Create-Session
            BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}
            Content-Length: 0

            <<<
            HTTP/1.1 200 OK
            BITS-Packet-Type: Ack
            BITS-Protocol: {7df0354d-249b-430f-820d-3d2a9bef4931}
            BITS-Session-Id: \(sessionID)
            Content-Length: 0

            >>>
            BITS_POST /upload/report.bin HTTP/1.1
            Host: bits.example
            BITS-Packet-Type: Fragment
            BITS-Session-Id: \(sessionID)
            Content-Name: report.bin
            Content-Range: bytes 0-299/300
            Content-Length: 300

            >>> bytes 300
            <<<
            HTTP/1.1 200 OK
            BITS-Packet-Type: Ack
            BITS-Session-Id: \(sessionID)
            BITS-Received-Content-Range: 300
            Content-Length: 0

            >>>
            BITS_POST /upload/report.bin HTTP/1.1
            Host: bits.example
            BITS-Packet-Type: Close-Session
            BITS-Session-Id: \(sessionID)
            Content-Length: 0

            <<<
            HTTP/1.1 200 OK
            BITS-Packet-Type: Ack
            BITS-Session-Id: \(sessionID)
            Content-Length: 0

            """, expected: [
                "req 0 head BITS_POST /upload/report.bin HTTP/1.1",
                "req 0 end cl=0 body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 end cl=0 body=0 complete",
                "req 1 head BITS_POST /upload/report.bin HTTP/1.1",
                "req 1 body 300B",
                "req 1 end cl=300 body=300 complete",
                "rsp 1 head 200 OK",
                "rsp 1 end cl=0 body=0 complete",
                "req 2 head BITS_POST /upload/report.bin HTTP/1.1",
                "req 2 end cl=0 body=0 complete",
                "rsp 2 head 200 OK",
                "rsp 2 end cl=0 body=0 complete",
            ]),
        Fixture(name: "pipelined requests, responses in one burst", text: """
            >>>
            GET /one HTTP/1.1
            Host: a

            POST /two HTTP/1.1
            Content-Length: 4

            2222GET /three HTTP/1.1

            <<<
            HTTP/1.1 200 OK
            Content-Length: 3

            oneHTTP/1.1 201 Created
            Content-Length: 0

            HTTP/1.1 200 OK
            Transfer-Encoding: chunked

            5
            three
            0

            """, expected: [
                "req 0 head GET /one HTTP/1.1",
                "req 0 end none body=0 complete",
                "req 1 head POST /two HTTP/1.1",
                "req 1 body 4:2222",
                "req 1 end cl=4 body=4 complete",
                "req 2 head GET /three HTTP/1.1",
                "req 2 end none body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 body 3:one",
                "rsp 0 end cl=3 body=3 complete",
                "rsp 1 head 201 Created",
                "rsp 1 end cl=0 body=0 complete",
                "rsp 2 head 200 OK",
                "rsp 2 body 5:three",
                "rsp 2 end chunked body=5 complete",
            ]),
        Fixture(name: "chunked bodies with extensions, leading zeros and trailers", text: """
            >>>
            POST /chunked HTTP/1.1
            Transfer-Encoding: chunked

            5;name=value
            hello
            0000A ; ext="quoted;semi"
            0123456789
            0
            Trailer-One: 1
            Trailer-Two: 2

            <<<
            HTTP/1.1 200 OK
            Transfer-Encoding: gzip, chunked
            Content-Length: 99

            3
            abc
            0

            """, expected: [
                "req 0 head POST /chunked HTTP/1.1",
                "req 0 body 15:hello0123456789",
                "req 0 end chunked body=15 complete",
                "rsp 0 head 200 OK",
                "! s2c contentLengthWithChunked",
                "rsp 0 body 3:abc",
                "rsp 0 end chunked body=3 complete",
            ]),
        Fixture(name: "100-continue before the body", text: """
            >>>
            BITS_POST /up HTTP/1.1
            Expect: 100-continue
            Content-Length: 4

            <<<
            HTTP/1.1 100 Continue

            >>>
            data\\
            <<<
            HTTP/1.1 201 Created
            Content-Length: 2

            ok\\
            """, expected: [
                "req 0 head BITS_POST /up HTTP/1.1",
                "rsp 0 head 100 Continue",
                "rsp 0 end none body=0 complete",
                "req 0 body 4:data",
                "req 0 end cl=4 body=4 complete",
                "rsp 0 head 201 Created",
                "rsp 0 body 2:ok",
                "rsp 0 end cl=2 body=2 complete",
            ]),
        Fixture(name: "HEAD, 204 and 304 responses have no body", text: """
            >>>
            HEAD /file HTTP/1.1

            GET /nothing HTTP/1.1

            GET /cached HTTP/1.1

            <<<
            HTTP/1.1 200 OK
            Content-Length: 1234

            HTTP/1.1 204 No Content
            Content-Length: 5

            HTTP/1.1 304 Not Modified
            Transfer-Encoding: chunked

            """, expected: [
                "req 0 head HEAD /file HTTP/1.1",
                "req 0 end none body=0 complete",
                "req 1 head GET /nothing HTTP/1.1",
                "req 1 end none body=0 complete",
                "req 2 head GET /cached HTTP/1.1",
                "req 2 end none body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 end none body=0 complete",
                "rsp 1 head 204 No Content",
                "rsp 1 end none body=0 complete",
                "rsp 2 head 304 Not Modified",
                "rsp 2 end none body=0 complete",
            ]),
        Fixture(name: "response body until close", text: """
            >>>
            GET /download HTTP/1.0

            <<<
            HTTP/1.0 200 OK
            Content-Type: application/octet-stream

            <<< bytes 500
            <<< end
            >>> end
            """, expected: [
                "req 0 head GET /download HTTP/1.0",
                "req 0 end none body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 body 500B",
                "rsp 0 end close body=500 complete",
            ]),
        Fixture(name: "folded, repeated and lower-case headers, lower-case method", text: """
            >>>
            bits_post /x HTTP/1.1
            bits-packet-type: Ping
            X-Folded: first
               second part
            \tthird
            X-Repeat: a
            X-Repeat: b
            content-length: 0

            <<<
            HTTP/1.1 200 OK
            bits-packet-type: ack
            content-length: 0

            """, expected: [
                "req 0 head bits_post /x HTTP/1.1",
                "! c2s obsoleteLineFolding",
                "req 0 end cl=0 body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 end cl=0 body=0 complete",
            ]),
        Fixture(name: "bare LF line ends and blank lines before a request", text: """
            >>> lf
            BITS_POST /lf HTTP/1.1
            Content-Length: 3

            abc

            BITS_POST /lf HTTP/1.1
            Transfer-Encoding: chunked

            2
            de
            0

            <<< lf
            HTTP/1.1 200 OK
            Content-Length: 0

            HTTP/1.1 200
            Content-Length: 0

            """, expected: [
                "req 0 head BITS_POST /lf HTTP/1.1",
                "req 0 body 3:abc",
                "req 0 end cl=3 body=3 complete",
                "req 1 head BITS_POST /lf HTTP/1.1",
                "req 1 body 2:de",
                "req 1 end chunked body=2 complete",
                "rsp 0 head 200 OK",
                "rsp 0 end cl=0 body=0 complete",
                "rsp 1 head 200 ",
                "rsp 1 end cl=0 body=0 complete",
            ]),
        Fixture(name: "requests left waiting at the end", text: """
            >>>
            BITS_POST /a HTTP/1.1
            Content-Length: 0

            BITS_POST /b HTTP/1.1
            Content-Length: 0

            <<<
            HTTP/1.1 200 OK
            Content-Length: 0

            """, expected: [
                "req 0 head BITS_POST /a HTTP/1.1",
                "req 0 end cl=0 body=0 complete",
                "req 1 head BITS_POST /b HTTP/1.1",
                "req 1 end cl=0 body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 end cl=0 body=0 complete",
                "unanswered 1",
            ]),
    ]

    /// Gaps, garbage and resynchronisation.
    static let impaired: [Fixture] = [
        Fixture(name: "gap inside a Content-Length body", text: """
            >>>
            BITS_POST /up HTTP/1.1
            Content-Length: 100

            >>> bytes 30
            >>> gap 20
            >>> bytes 50
            <<<
            HTTP/1.1 200 OK
            Content-Length: 0

            """, expected: [
                "req 0 head BITS_POST /up HTTP/1.1",
                "req 0 body 30B",
                "req 0 gap 20",
                "req 0 body 50B",
                "req 0 end cl=100 body=80 gap=20 complete",
                "rsp 0 head 200 OK",
                "rsp 0 end cl=0 body=0 complete",
            ]),
        Fixture(name: "gap reaching exactly the end of a body", text: """
            >>>
            BITS_POST /up HTTP/1.1
            Content-Length: 100

            >>> bytes 30
            >>> gap 70
            >>>
            BITS_POST /up HTTP/1.1
            Content-Length: 0

            """, expected: [
                "req 0 head BITS_POST /up HTTP/1.1",
                "req 0 body 30B",
                "req 0 gap 70",
                "req 0 end cl=100 body=30 gap=70 complete",
                "req 1 head BITS_POST /up HTTP/1.1",
                "req 1 end cl=0 body=0 complete",
                "unanswered 0",
                "unanswered 1",
            ]),
        Fixture(name: "gap past the end of a body loses the next head", text: """
            >>>
            BITS_POST /up HTTP/1.1
            Content-Length: 100

            >>> bytes 30
            >>> gap 100
            >>>
            nt-Length: 0

            BITS_POST /up HTTP/1.1
            Content-Length: 0

            <<<
            HTTP/1.1 200 OK
            Content-Length: 0

            HTTP/1.1 200 Lost
            Content-Length: 0

            HTTP/1.1 200 OK
            Content-Length: 0

            """, expected: [
                "req 0 head BITS_POST /up HTTP/1.1",
                "req 0 body 30B",
                "req 0 gap 70",
                "req 0 end cl=100 body=30 gap=70 complete",
                "! c2s desynchronized(gap-past-body-end, gapLength: 30)",
                "! c2s resynchronized(skippedBytes: 16)",
                "req 1 head BITS_POST /up HTTP/1.1",
                "req 1 end cl=0 body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 end cl=0 body=0 complete",
                "rsp - head 200 Lost",
                "! s2c responseToLostRequest",
                "rsp - end cl=0 body=0 complete",
                "rsp 1 head 200 OK",
                "rsp 1 end cl=0 body=0 complete",
            ]),
        Fixture(name: "gap inside chunk data", text: """
            >>>
            POST /c HTTP/1.1
            Transfer-Encoding: chunked

            A
            012\\
            >>> gap 4
            >>>
            789
            0

            """, expected: [
                "req 0 head POST /c HTTP/1.1",
                "req 0 body 3:012",
                "req 0 gap 4",
                "req 0 body 3:789",
                "req 0 end chunked body=6 gap=4 complete",
                "unanswered 0",
            ]),
        Fixture(name: "gap in a chunk-size line", text: """
            >>>
            POST /c HTTP/1.1
            Transfer-Encoding: chunked

            3
            abc
            1\\
            >>> gap 3
            >>>
            xyz
            0

            GET /next HTTP/1.1

            """, expected: [
                "req 0 head POST /c HTTP/1.1",
                "req 0 body 3:abc",
                "req 0 end chunked body=3 incomplete",
                "! c2s desynchronized(gap-in-chunked-framing, gapLength: 3)",
                "! c2s resynchronized(skippedBytes: 10)",
                "req 1 head GET /next HTTP/1.1",
                "req 1 end none body=0 complete",
                "unanswered 0",
                "unanswered 1",
            ]),
        Fixture(name: "gap in a request head", text: """
            >>>
            BITS_POST /up HTTP/1.1
            BITS-Pac\\
            >>> gap 10
            >>>
            ype: Ping
            Content-Length: 0

            BITS_POST /up HTTP/1.1
            Content-Length: 0

            <<<
            HTTP/1.1 200 First
            Content-Length: 0

            HTTP/1.1 200 Second
            Content-Length: 0

            """, expected: [
                "! c2s desynchronized(gap-in-head, gapLength: 10)",
                "! c2s resynchronized(skippedBytes: 64)",
                "req 0 head BITS_POST /up HTTP/1.1",
                "req 0 end cl=0 body=0 complete",
                "rsp - head 200 First",
                "! s2c responseToLostRequest",
                "rsp - end cl=0 body=0 complete",
                "rsp 0 head 200 Second",
                "rsp 0 end cl=0 body=0 complete",
            ]),
        Fixture(name: "gap in a response head: its request stays unanswered", text: """
            >>>
            GET /a HTTP/1.1

            GET /b HTTP/1.1

            <<<
            HTTP/1.1 200 OK
            Content-Le\\
            <<< gap 5
            <<<
            th: 0

            HTTP/1.1 200 OK
            Content-Length: 1

            b\\
            """, expected: [
                "req 0 head GET /a HTTP/1.1",
                "req 0 end none body=0 complete",
                "req 1 head GET /b HTTP/1.1",
                "req 1 end none body=0 complete",
                "! s2c desynchronized(gap-in-head, gapLength: 5)",
                "unanswered 0",
                "! s2c resynchronized(skippedBytes: 36)",
                "rsp 1 head 200 OK",
                "rsp 1 body 1:b",
                "rsp 1 end cl=1 body=1 complete",
            ]),
        Fixture(name: "gap in an until-close body", text: """
            >>>
            GET /d HTTP/1.0

            <<<
            HTTP/1.0 200 OK

            <<< bytes 10
            <<< gap 1000
            <<< bytes 10
            <<< end
            """, expected: [
                "req 0 head GET /d HTTP/1.0",
                "req 0 end none body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 body 10B",
                "rsp 0 gap 1000",
                "rsp 0 body 10B",
                "rsp 0 end close body=20 gap=1000 complete",
            ]),
        Fixture(name: "garbage before a request (capture started mid-stream)", text: """
            >>>
            \u{01}\u{02}\u{7F}binary tail of an earlier body
            more: text
            BITS_POST /up HTTP/1.1
            Content-Length: 0

            <<<
            some earlier response body
            HTTP/1.1 200 OK
            Content-Length: 0

            """, expected: [
                "! c2s malformedStartLine",
                "! c2s resynchronized(skippedBytes: 47)",
                "req 0 head BITS_POST /up HTTP/1.1",
                "req 0 end cl=0 body=0 complete",
                "! s2c malformedStartLine",
                "! s2c resynchronized(skippedBytes: 28)",
                "rsp 0 head 200 OK",
                "rsp 0 end cl=0 body=0 complete",
            ]),
        Fixture(name: "response longer than its Content-Length", text: """
            >>>
            GET /a HTTP/1.1

            GET /b HTTP/1.1

            <<<
            HTTP/1.1 200 OK
            Content-Length: 2

            okEXTRA GARBAGE
            HTTP/1.1 200 OK
            Content-Length: 0

            """, expected: [
                "req 0 head GET /a HTTP/1.1",
                "req 0 end none body=0 complete",
                "req 1 head GET /b HTTP/1.1",
                "req 1 end none body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 body 2:ok",
                "rsp 0 end cl=2 body=2 complete",
                "! s2c malformedStartLine",
                "! s2c resynchronized(skippedBytes: 15)",
                "rsp 1 head 200 OK",
                "rsp 1 end cl=0 body=0 complete",
            ]),
        Fixture(name: "resync gives up after the scan limit, restarts after a gap", text: """
            >>> bytes 300
            >>>

            BITS_POST /ignored HTTP/1.1
            Content-Length: 0

            >>> gap 7
            >>>
            garbage
            BITS_POST /found HTTP/1.1
            Content-Length: 0

            """, limits: smallScan, expected: [
                "! c2s malformedStartLine",
                "! c2s resyncAbandoned(scannedBytes: 100)",
                "! c2s resynchronized(skippedBytes: 9)",
                "req 0 head BITS_POST /found HTTP/1.1",
                "req 0 end cl=0 body=0 complete",
                "unanswered 0",
            ]),
        Fixture(name: "loss of unknown size inside a Content-Length body", text: """
            >>>
            BITS_POST /up HTTP/1.1
            Content-Length: 100

            >>> bytes 30
            >>> loss
            >>>
            the body's last line
            BITS_POST /next HTTP/1.1
            Content-Length: 0

            <<<
            HTTP/1.1 200 OK
            Content-Length: 0

            """, expected: [
                "req 0 head BITS_POST /up HTTP/1.1",
                "req 0 body 30B",
                "req 0 gap 70",
                "req 0 end cl=100 body=30 gap=70 complete",
                "! c2s desynchronized(gap-past-body-end, gapLength: unknown)",
                "! c2s resynchronized(skippedBytes: 22)",
                "req 1 head BITS_POST /next HTTP/1.1",
                "req 1 end cl=0 body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 end cl=0 body=0 complete",
                "unanswered 1",
            ]),
        Fixture(name: "loss of unknown size between messages", text: """
            >>>
            BITS_POST /a HTTP/1.1
            Content-Length: 0

            >>> loss
            >>>
            BITS_POST /b HTTP/1.1
            Content-Length: 0

            """, expected: [
                "req 0 head BITS_POST /a HTTP/1.1",
                "req 0 end cl=0 body=0 complete",
                "! c2s desynchronized(gap-between-messages, gapLength: unknown)",
                "! c2s resynchronized(skippedBytes: 0)",
                "req 1 head BITS_POST /b HTTP/1.1",
                "req 1 end cl=0 body=0 complete",
                "unanswered 0",
                "unanswered 1",
            ]),
        Fixture(name: "loss of unknown size inside a head", text: """
            >>>
            BITS_POST /a HTTP/1.1
            Content-\\
            >>> loss
            >>>
            BITS_POST /b HTTP/1.1
            Content-Length: 0

            """, expected: [
                "! c2s desynchronized(gap-in-head, gapLength: unknown)",
                "! c2s resynchronized(skippedBytes: 31)",
                "req 0 head BITS_POST /b HTTP/1.1",
                "req 0 end cl=0 body=0 complete",
                "unanswered 0",
            ]),
        Fixture(name: "loss of unknown size inside a chunk", text: """
            >>>
            BITS_POST /up HTTP/1.1
            Transfer-Encoding: chunked

            10
            0123\\
            >>> loss
            >>>
            BITS_POST /b HTTP/1.1
            Content-Length: 0

            """, expected: [
                "req 0 head BITS_POST /up HTTP/1.1",
                "req 0 body 4:0123",
                "req 0 gap 12",
                "req 0 end chunked body=4 gap=12 incomplete",
                "! c2s desynchronized(gap-in-chunked-framing, gapLength: unknown)",
                "! c2s resynchronized(skippedBytes: 0)",
                "req 1 head BITS_POST /b HTTP/1.1",
                "req 1 end cl=0 body=0 complete",
                "unanswered 0",
                "unanswered 1",
            ]),
        Fixture(name: "loss of unknown size inside a body read until close", text: """
            >>>
            GET /x HTTP/1.1

            <<<
            HTTP/1.1 200 OK
            Connection: close

            abc\\
            <<< loss
            <<<
            def
            """, expected: [
                "req 0 head GET /x HTTP/1.1",
                "req 0 end none body=0 complete",
                "rsp 0 head 200 OK",
                "rsp 0 body 3:abc",
                "rsp 0 end close body=3 incomplete",
                "! s2c desynchronized(loss-in-until-close-body, gapLength: unknown)",
            ]),
    ]

    static let all = wellFormed + impaired
}
