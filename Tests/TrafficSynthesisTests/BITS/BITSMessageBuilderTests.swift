import Testing
import TrafficSynthesis

@Suite struct BITSMessageBuilderTests {
    static let builder = BITSMessageBuilder(
        host: "frankcao8", path: "/upload/2000mb-rfc2119.txt", contentName: "rfc2119.txt"
    )
    static let session = "{A0FF5911-4144-45B3-BF27-27AFC8EC8A67}"

    static func text(_ message: SyntheticHTTPMessage) -> String { String(decoding: message.bytes, as: UTF8.self) }

    @Test func createSessionIsByteExact() {
        #expect(Self.text(Self.builder.createSession()) == """
            BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1\r
            Accept: */*\r
            BITS-Packet-Type: Create-Session\r
            BITS-Supported-Protocols: {7df0354d-249b-430f-820d-3d2a9bef4931}\r
            Content-Name: rfc2119.txt\r
            User-Agent: Microsoft BITS/7.8\r
            Host: frankcao8\r
            Content-Length: 0\r
            Connection: Keep-Alive\r
            \r

            """)
    }

    @Test func fragmentCarriesRangeLengthAndBody() {
        let body: [UInt8] = Array("hello".utf8)
        let message = Self.builder.fragment(sessionID: Self.session, first: 10, last: 14, total: 4892, body: body)
        #expect(Self.text(message) == """
            BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1\r
            Accept: */*\r
            BITS-Packet-Type: Fragment\r
            BITS-Session-Id: {A0FF5911-4144-45B3-BF27-27AFC8EC8A67}\r
            Content-Name: rfc2119.txt\r
            Content-Range: bytes 10-14/4892\r
            User-Agent: Microsoft BITS/7.8\r
            Host: frankcao8\r
            Content-Length: 5\r
            Connection: Keep-Alive\r
            \r
            hello
            """)
    }

    @Test func requestsWithoutBodyAndTheirSessionHeaders() {
        let cases: [(SyntheticHTTPMessage, String, String?)] = [
            (Self.builder.ping(), "Ping", nil),
            (Self.builder.closeSession(sessionID: Self.session), "Close-Session", Self.session),
            (Self.builder.cancelSession(sessionID: Self.session), "Cancel-Session", Self.session),
        ]
        for (message, type, session) in cases {
            #expect(message.value(of: "BITS-Packet-Type") == type)
            #expect(message.value(of: "bits-session-id") == session)
            #expect(message.value(of: "Content-Length") == "0")
            #expect(message.body.isEmpty)
            #expect(message.startLine == "BITS_POST /upload/2000mb-rfc2119.txt HTTP/1.1")
        }
    }

    @Test func acksAreByteExact() {
        let create = Self.builder.createSessionAck(sessionID: Self.session, hostID: "node2", hostIDFallbackTimeout: 110)
        #expect(Self.text(create) == """
            HTTP/1.1 200 OK\r
            Server: Microsoft-IIS/10.0\r
            Pragma: no-cache\r
            BITS-Packet-Type: Ack\r
            BITS-Protocol: {7df0354d-249b-430f-820d-3d2a9bef4931}\r
            BITS-Session-Id: {A0FF5911-4144-45B3-BF27-27AFC8EC8A67}\r
            Content-Length: 0\r
            Accept-Encoding: identity\r
            BITS-Host-Id: node2\r
            BITS-Host-Id-Fallback-Timeout: 110\r
            \r

            """)
        let fragment = Self.builder.fragmentAck(status: 416, sessionID: nil, received: 4892, replyURL: "r\\x.bin")
        #expect(Self.text(fragment) == """
            HTTP/1.1 416 Requested Range Not Satisfiable\r
            Server: Microsoft-IIS/10.0\r
            Pragma: no-cache\r
            BITS-Packet-Type: Ack\r
            Content-Length: 0\r
            BITS-Received-Content-Range: 4892\r
            BITS-Reply-URL: r\\x.bin\r
            \r

            """)
        let error = Self.builder.errorAck(status: 500, errorCode: "0x8020001F", sessionID: Self.session)
        #expect(error.headers.suffix(2) == [
            SyntheticHeaderField("BITS-Error-Code", "0x8020001F"), SyntheticHeaderField("BITS-Error-Context", "0x5"),
        ])
        #expect(error.startLine == "HTTP/1.1 500 Internal Server Error")
        let old = Self.builder.errorAck(status: 403, errorCode: "0x80070005", errorHeaderName: "BITS-Error")
        #expect(old.value(of: "BITS-Error") == "0x80070005" && old.value(of: "BITS-Error-Code") == nil)
    }

    @Test func spellingAppliesToRequestsAndAcks() {
        var upper = Self.builder
        upper.spelling = .upperCase
        #expect(upper.createSession().value(of: "BITS-Packet-Type") == "CREATE-SESSION")
        #expect(upper.ack().value(of: "BITS-Packet-Type") == "ACK")
        var lower = Self.builder
        lower.spelling = .lowerCase
        #expect(lower.closeSession(sessionID: nil).value(of: "BITS-Packet-Type") == "close-session")
        #expect(BITSMessageBuilder.RequestType.allCases.map(\.code)
            == ["ping", "create-session", "fragment", "close-session", "cancel-session"])
    }

    @Test func headersCanBeOverriddenRemovedAndInserted() {
        var message = Self.builder.ping()
        message.setHeader("host", "other")
        #expect(message.headers.filter { $0.name.lowercased() == "host" } == [SyntheticHeaderField("host", "other")])
        message.removeHeader("USER-AGENT")
        #expect(message.value(of: "User-Agent") == nil)
        message.insertHeader("Authorization", "Negotiate abc", before: "Host")
        #expect(message.headers.map(\.name)
            == ["Accept", "BITS-Packet-Type", "Authorization", "host", "Content-Length", "Connection"])
        message.headers.append(SyntheticHeaderField("X-Twice", "1"))
        message.headers.append(SyntheticHeaderField("x-twice", "2"))
        message.setHeader("X-Twice", "3")
        #expect(message.headers.filter { $0.name.lowercased() == "x-twice" } == [SyntheticHeaderField("X-Twice", "3")])
        var ack = Self.builder.ack()
        ack.setStatus(201)
        #expect(ack.startLine == "HTTP/1.1 201 Created" && ack.statusCode == 201)
        ack.setStatus(299, reason: "Odd")
        #expect(ack.startLine == "HTTP/1.1 299 Odd")
        #expect(message.statusCode == nil)
    }

    @Test func rawExtrasAreWellFramed() {
        let challenge = Self.builder.authenticationChallenge()
        #expect(challenge.statusCode == 401)
        #expect(challenge.headers.filter { $0.name == "WWW-Authenticate" }.map(\.value) == ["Negotiate", "NTLM"])
        #expect(challenge.value(of: "BITS-Packet-Type") == nil)
        #expect(challenge.value(of: "Content-Length") == String(challenge.body.count) && !challenge.body.isEmpty)
        let partial = Self.builder.partialContent(body: [1, 2, 3], first: 0, total: 3)
        #expect(partial.startLine == "HTTP/1.1 206 Partial Content")
        #expect(partial.value(of: "Content-Range") == "bytes 0-2/3" && partial.value(of: "Content-Length") == "3")
        let get = Self.builder.replyRequest(path: "/upload/r.bin", range: 0...2)
        #expect(get.startLine == "GET /upload/r.bin HTTP/1.1" && get.value(of: "Range") == "bytes=0-2")
    }

    @Test func sessionGUIDsAreBracedUpperCaseVersion4AndSeeded() {
        var first = SeededGenerator(seed: 9)
        var second = SeededGenerator(seed: 9)
        let guid = BITSGUID.random(using: &first)
        #expect(guid == BITSGUID.random(using: &second))
        #expect(guid != BITSGUID.random(using: &first))
        let text = Array(guid)
        #expect(text.count == 38 && text.first == "{" && text.last == "}")
        #expect([9, 14, 19, 24].allSatisfy { text[$0] == "-" })
        #expect(text[15] == "4" && "89AB".contains(text[20]))
        #expect(guid == guid.uppercased())
        #expect(BITSGUID.format(high: 0x7DF0_354D_249B_430F, low: 0x820D_3D2A_9BEF_4931, upperCase: false)
            == BITSMessageBuilder.protocolGUID)
    }
}
