import AnalyzerCore
import HTTP1Parser
import Testing
import TestSupport

/// Start lines and header fields, through the public parser.
@Suite struct HeadParsingTests {
    /// Every byte in a field name: a field iff it is an RFC 9110 `tchar` (line feeds and colons,
    /// which end the line or the name, are left out).
    @Test func fieldNamesTakeExactlyTheTokenCharacters() {
        let tchar = Set(Array("!#$%&'*+-.^_`|~0123456789".utf8) + (0x41...0x5A) + (0x61...0x7A))
        for byte in UInt8.min...UInt8.max where byte != 0x0A && byte != 0x3A {
            let harness = Harness()
            harness.clientBytes(Array("BITS_POST / HTTP/1.1\r\nX".utf8) + [byte] + Array("Y: v\r\n\r\n".utf8))
            #expect(harness.firstRequestHead?.headers.count == (tchar.contains(byte) ? 1 : 0), "byte \(byte)")
        }
    }

    struct RequestLineCase: Sendable, CustomTestStringConvertible {
        var line: String
        /// method, target, version; nil when the line must be rejected.
        var parsed: (String, String, String)?
        var testDescription: String { line.debugDescription }
    }

    static let requestLines: [RequestLineCase] = [
        .init(line: "GET / HTTP/1.1", parsed: ("GET", "/", "HTTP/1.1")),
        .init(line: "BITS_POST /upload/x.bin HTTP/1.1", parsed: ("BITS_POST", "/upload/x.bin", "HTTP/1.1")),
        .init(line: "bits_post /x HTTP/1.0", parsed: ("bits_post", "/x", "HTTP/1.0")),
        .init(line: "M-SEARCH * HTTP/1.1", parsed: ("M-SEARCH", "*", "HTTP/1.1")),
        .init(line: "GET http://h.example:8080/a?b=c HTTP/1.1", parsed: ("GET", "http://h.example:8080/a?b=c", "HTTP/1.1")),
        .init(line: "GET /a b HTTP/1.1", parsed: ("GET", "/a b", "HTTP/1.1")),
        .init(line: "PRI * HTTP/2.0", parsed: ("PRI", "*", "HTTP/2.0")),
        .init(line: "GET /", parsed: nil),
        .init(line: "GET HTTP/1.1", parsed: nil),
        .init(line: " GET / HTTP/1.1", parsed: nil),
        .init(line: "GET / HTTP/1.1x", parsed: nil),
        .init(line: "GET / http/1.1", parsed: nil),
        .init(line: "GET / HTTP/11", parsed: nil),
        .init(line: "GE(T / HTTP/1.1", parsed: nil),
        .init(line: "GET\t/ HTTP/1.1", parsed: nil),
        .init(line: "GET /\u{01} HTTP/1.1", parsed: nil),
        .init(line: "GET / HTTP/1.1\rX", parsed: nil),
        .init(line: "\u{16}\u{03}\u{01}\u{02}\u{00}", parsed: nil),
    ]

    @Test(arguments: requestLines)
    func requestLine(_ testCase: RequestLineCase) {
        let harness = Harness()
        harness.client(testCase.line + "\n\n")
        if let (method, target, version) = testCase.parsed {
            let head = harness.firstRequestHead
            #expect(head?.method == method)
            #expect(head?.target == target)
            #expect(head?.version.description == version)
            #expect(harness.anomalies.isEmpty)
        } else {
            #expect(harness.firstRequestHead == nil)
            #expect(harness.anomalies.first == .malformedStartLine)
        }
    }

    struct StatusLineCase: Sendable, CustomTestStringConvertible {
        var line: String
        /// status and reason; nil when the line must be rejected.
        var parsed: (Int, String)?
        var testDescription: String { line.debugDescription }
    }

    static let statusLines: [StatusLineCase] = [
        .init(line: "HTTP/1.1 200 OK", parsed: (200, "OK")),
        .init(line: "HTTP/1.1 200", parsed: (200, "")),
        .init(line: "HTTP/1.1 200 ", parsed: (200, "")),
        .init(line: "HTTP/1.0 404 Not Found", parsed: (404, "Not Found")),
        .init(line: "HTTP/1.1 500 Reason: with colon", parsed: (500, "Reason: with colon")),
        .init(line: "HTTP/1.1 999 Odd\tTab", parsed: (999, "Odd\tTab")),
        .init(line: "HTTP/1.1 20 OK", parsed: nil),
        .init(line: "HTTP/1.1 2000 OK", parsed: nil),
        .init(line: "http/1.1 200 OK", parsed: nil),
        .init(line: "HTTP/1.1200 OK", parsed: nil),
        .init(line: "HTTP/1.1  200 OK", parsed: nil),
        .init(line: "HTTP/1.1 abc OK", parsed: nil),
        .init(line: "ICY 200 OK", parsed: nil),
        .init(line: "HTTP/1.1 200 O\u{00}K", parsed: nil),
    ]

    /// A start line that comes whole in one piece is taken in one step (`wholeStartLine`), one that
    /// comes in pieces byte by byte through the sniffer: both must end the same way at the same
    /// byte, for every start line above, with bare line feeds and with CRLF, stray carriage returns,
    /// and head limits that cut the line at each of its bytes.
    @Test func startLinesGiveTheSameEventsWholeAsByteByByte() {
        let requests = Self.requestLines.map(\.line) + ["GET / HTTP/1.1\r", "GET\r", "\rGET / HTTP/1.1", "GET / HTTP/1.1\r\r"]
        let statuses = Self.statusLines.map(\.line) + ["HTTP/1.1 200 OK\r", "HTTP/1.1 200\r", "HTTP/1.1 20", "HTTP/1.1 200 \u{7F}"]
        var compared = 0
        for request in requests {
            for status in statuses.prefix(3) + [statuses[compared % statuses.count]] {
                for lineEnd in ["\n", "\r\n"] {
                    // A good request after the line: where the parser resumes after a bad one shows.
                    let client = Array((request + lineEnd + "Content-Length: 0" + lineEnd + lineEnd
                        + "GET /next HTTP/1.1" + lineEnd + lineEnd).utf8)
                    let server = Array((status + lineEnd + "Content-Length: 0" + lineEnd + lineEnd).utf8)
                    // Limits from below the start line's length (cut inside it) to the default.
                    for limit in [1, 2, 5, 9, 13, 14, 15, request.utf8.count, request.utf8.count + 1, 64 << 10] {
                        var limits = Limits.HTTP()
                        limits.maxHeaderBlockBytes = limit
                        let whole = Self.events(client: client, server: server, limits: limits, byteByByte: false)
                        let bytes = Self.events(client: client, server: server, limits: limits, byteByByte: true)
                        #expect(whole == bytes, "\(request.debugDescription) / \(status.debugDescription), limit \(limit)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 1_000)
    }

    /// The events of a client and a server transcript fed whole or one byte at a time.
    private static func events(client: [UInt8], server: [UInt8], limits: Limits.HTTP,
                               byteByByte: Bool) -> [RecordingDelegate.Event] {
        let harness = Harness(limits: limits)
        for (bytes, direction) in [(client, FlowDirection.clientToServer), (server, .serverToClient)] {
            if byteByByte {
                for byte in bytes { [byte].withUnsafeBytes { harness.receive($0, direction) } }
            } else {
                bytes.withUnsafeBytes { harness.receive($0, direction) }
            }
        }
        harness.finish()
        return harness.recorder.events
    }

    @Test(arguments: statusLines)
    func statusLine(_ testCase: StatusLineCase) {
        let harness = Harness()
        harness.client("GET / HTTP/1.1\n\n")
        harness.server(testCase.line + "\nContent-Length: 0\n\n")
        if let (status, reason) = testCase.parsed {
            #expect(harness.firstResponseHead?.status == status)
            #expect(harness.firstResponseHead?.reason == reason)
            #expect(harness.anomalies.isEmpty)
        } else {
            #expect(harness.firstResponseHead == nil)
            #expect(harness.anomalies.first == .malformedStartLine)
        }
    }

    @Test func headerFieldsKeepOrderNamesAndRepeats() throws {
        let harness = Harness()
        harness.client("""
            BITS_POST /up HTTP/1.1
            BITS-Packet-Type:Create-Session
            X-Repeat: one
            x-repeat:   two  \t
            X-Empty:
            X-Folded: first
               second
            \tthird
            Content-Length: 0


            """)
        let head = try #require(harness.firstRequestHead)
        let headers = head.headers
        #expect(headers.count == 6)
        #expect(headers.map(\.name) == ["BITS-Packet-Type", "X-Repeat", "x-repeat", "X-Empty", "X-Folded", "Content-Length"])
        #expect(headers["bits-packet-type"] == "Create-Session")
        #expect(headers["BITS-PACKET-TYPE"] == "Create-Session")
        #expect(headers["X-REPEAT"] == "one")
        #expect(headers.values(for: "X-Repeat") == ["one", "two"])
        #expect(headers["X-Empty"] == "")
        #expect(headers["X-Folded"] == "first second third")
        #expect(headers.contains("content-length"))
        #expect(!headers.contains("Content-Type"))
        #expect(headers["Missing"] == nil)
        #expect(headers.values(for: "Missing").isEmpty)
        #expect(harness.anomalies == [.obsoleteLineFolding])
        // Start line, seven field lines (two continuations), empty line; all with CRLF.
        #expect(head.headBytes == Harness.crlf("""
            BITS_POST /up HTTP/1.1
            BITS-Packet-Type:Create-Session
            X-Repeat: one
            x-repeat:   two  \t
            X-Empty:
            X-Folded: first
               second
            \tthird
            Content-Length: 0


            """).count)
    }

    @Test func malformedHeaderLinesAreIgnoredAndCounted() throws {
        let harness = Harness()
        harness.client("""
            GET / HTTP/1.1
             continuation with nothing to continue
            No colon here
            Bad Name: x
            : no name
            Content-Length : 5
            Good: yes
            \tcontinues good


            """)
        let head = try #require(harness.firstRequestHead)
        #expect(head.headers.fields == [HTTPHeaderField(name: "Good", value: "yes continues good")])
        #expect(harness.anomalies == [.malformedHeader(count: 5), .obsoleteLineFolding])
        // The ignored `Content-Length : 5` must not frame a body.
        #expect(harness.summary.last == "req 0 end none body=0 complete")
    }

    /// Header blocks of assorted field lines (good, folded, malformed, odd bytes, long names) give
    /// the fields a plain reading of RFC 9112 gives (``referenceFields(_:)``), and the same events fed
    /// whole, byte by byte and cut in two at every index.
    @Test func fieldLinesMatchAPlainReadingHoweverTheHeadIsCut() throws {
        let pool = ["Host: x", "BITS-Packet-Type: Create-Session", "X_Under.score~: v", " folded", "\tfolded too  ",
                    "No colon", ": empty name", "Bad Name: x", "Caf\u{e9}: x", "X-Long-Name-Of-Many-Words-Indeed:value",
                    "x:", "A:b:c", "Name\u{7F}: x", "Trailing:   v  \t", "Content-Type: text/plain; q=\u{e9}", "-:-",
                    "content-RANGE: bytes 0-1/2", "BITS-Session-Id: {x}", "bits-packet-type:Ack", "Content\rLength: 0",
                    "BITS-Host-Id-Fallback-Timeout: 5", "Hosts: y"]
        var random = SplitMix(seed: 9112)
        var compared = 0
        for round in 0..<120 {
            let lines = (0..<Int.random(in: 0...8, using: &random)).map { _ in pool.randomElement(using: &random)! }
            let lineEnd = round % 3 == 0 ? "\n" : "\r\n"
            let head = Array(("BITS_POST /up HTTP/1.1" + lineEnd + lines.map { $0 + lineEnd }.joined() + lineEnd).utf8)
            let whole = Self.events(client: head, server: [], limits: .init(), byteByByte: false)
            let parsed = try #require(whole.lazy.compactMap { event -> HTTPRequestHead? in
                if case .requestHead(_, let head) = event { return head } else { return nil }
            }.first, "\(lines)")
            let (fields, malformed, folded) = Self.referenceFields(lines)
            #expect(parsed.headers.fields == fields, "\(lines)")
            for name in HTTPFieldName.all {
                let values = fields.filter { HTTPFieldName($0.name) == name }.map(\.value)
                #expect(parsed.headers.values(for: name) == values && parsed.headers[name] == values.first, "\(lines) \(name)")
            }
            var anomalies: [RecordingDelegate.Event] = []
            if malformed > 0 { anomalies.append(.anomaly(.clientToServer, .malformedHeader(count: malformed))) }
            if folded { anomalies.append(.anomaly(.clientToServer, .obsoleteLineFolding)) }
            #expect(whole.filter { if case .anomaly = $0 { true } else { false } } == anomalies, "\(lines)")
            #expect(Self.events(client: head, server: [], limits: .init(), byteByByte: true) == whole, "\(lines)")
            for cut in 1..<head.count {
                let harness = Harness()
                head[..<cut].withUnsafeBytes { harness.receive($0, .clientToServer) }
                head[cut...].withUnsafeBytes { harness.receive($0, .clientToServer) }
                harness.finish()
                #expect(harness.recorder.events == whole, "\(lines) cut at \(cut)")
                compared += 1
            }
        }
        #expect(compared > 5_000)
    }

    /// The fields of `lines` read plainly: a line starting with a space or tab continues the field
    /// before it (joined with one space) or is malformed; another is `name: value` when it has a
    /// colon after one or more token characters (RFC 9110 `tchar`) and nothing else; values trimmed
    /// of spaces and tabs. Also how many lines are malformed and whether any was folded.
    private static func referenceFields(_ lines: [String]) -> ([HTTPHeaderField], Int, Bool) {
        let tchar = Set(Array("!#$%&'*+-.^_`|~0123456789".utf8) + (0x41...0x5A) + (0x61...0x7A))
        let whitespace: Set<UInt8> = [0x20, 0x09]
        func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
            let start = bytes.firstIndex { !whitespace.contains($0) } ?? bytes.endIndex
            let end = bytes.lastIndex { !whitespace.contains($0) }.map { $0 + 1 } ?? start
            return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
        }
        var fields: [HTTPHeaderField] = []
        var malformed = 0
        var folded = false
        var lastWasField = false
        for line in lines.map({ Array($0.utf8) }) {
            if whitespace.contains(line[0]) {
                guard lastWasField else {
                    malformed += 1
                    continue
                }
                folded = true
                let text = trimmed(line[...])
                if !text.isEmpty {
                    fields[fields.count - 1].value += (fields[fields.count - 1].value.isEmpty ? "" : " ") + text
                }
                continue
            }
            guard let colon = line.firstIndex(of: 0x3A), colon > 0, line[..<colon].allSatisfy(tchar.contains) else {
                malformed += 1
                lastWasField = false
                continue
            }
            fields.append(HTTPHeaderField(name: String(decoding: line[..<colon], as: UTF8.self),
                                          value: trimmed(line[(colon + 1)...])))
            lastWasField = true
        }
        return (fields, malformed, folded)
    }

    @Test func headersValueTypeLookups() {
        var headers: HTTPHeaders = ["Content-Length": "0", "X-A": "1", "x-a": "2"]
        #expect(headers.count == 3)
        #expect(headers["CONTENT-length"] == "0")
        #expect(headers.values(for: "X-a") == ["1", "2"])
        headers.append(name: "X-B", value: "3")
        #expect(headers.contains("x-b"))
        #expect(!headers.contains("x-"))
        #expect(!headers.contains("x-bb"))
        #expect(Array(headers).map(\.value) == ["0", "1", "2", "3"])
        #expect(HTTPHeaders().isEmpty)
    }

    @Test func headByteCountsExcludeBlankLinesBefore() throws {
        let harness = Harness()
        harness.client("\n\nGET / HTTP/1.1\nHost: x\n\n")
        let head = try #require(harness.firstRequestHead)
        #expect(head.headBytes == "GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8.count)
        #expect(harness.anomalies.isEmpty)
    }
}
