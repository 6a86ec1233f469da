@testable import BITSAnalyzer
import Testing

@Suite struct HeaderValueTests {
    @Test("Content-Range values", arguments: [
        ("bytes 0-4891/4892", ContentRange(first: 0, last: 4891, total: 4892)),
        ("Bytes 10-19/100", ContentRange(first: 10, last: 19, total: 100)),
        ("  bytes   5-5/6 ", ContentRange(first: 5, last: 5, total: 6)),
        ("bytes 0-1099/1000", ContentRange(first: 0, last: 1099, total: 1000)),  // parses: range-beyond-total
        ("bytes 18446744073709551614-18446744073709551614/18446744073709551615",
         ContentRange(first: 18_446_744_073_709_551_614, last: 18_446_744_073_709_551_614, total: 18_446_744_073_709_551_615)),
    ])
    func validRanges(text: String, expected: ContentRange) {
        #expect(ContentRange(headerValue: text) == expected)
    }

    @Test("malformed Content-Range values are rejected, never trapping", arguments: [
        "", "bytes", "bytes */1000", "bytes 0-99/*", "bytes 500-100/4000", "bytes -5-10/20", "bytes 0-9,20-29/100",
        "items 0-9/10", "bytes 0-18446744073709551616/18446744073709551617", "bytes 1e3-2000/3000",
        "bytes 0-99/100/200", "bytes 0-99", "bytes0-99/100", "bytes 0--99/100", "bytes +0-99/100",
        "bytes 00000000000000000000000000000000000000000000001-2/3",
    ])
    func malformedRanges(text: String) {
        #expect(ContentRange(headerValue: text) == nil)
    }

    @Test("error codes parse leniently and name known HRESULTs", arguments: [
        ("0x8020001F", 0x8020_001F, "BG_E_SESSION_NOT_FOUND"),
        ("x8020001f", 0x8020_001F, "BG_E_SESSION_NOT_FOUND"),
        ("80070057", 0x8007_0057, "E_INVALIDARG"),
        (" 0X80070005 ", 0x8007_0005, "E_ACCESSDENIED"),
        ("0x80190194", 0x8019_0194, "BG_E_HTTP_ERROR_404"),
        ("0", 0, nil),
        ("0x1", 1, nil),
    ] as [(String, UInt32, String?)])
    func errorCodes(text: String, value: UInt32, name: String?) {
        let code = BITSErrorCode(headerValue: text)
        #expect(code?.value == value)
        #expect(code?.name == name)
    }

    @Test("malformed error codes", arguments: ["", "0x", "zzz", "0x123456789", "-1", "0x8020001F0"])
    func malformedErrorCodes(text: String) {
        #expect(BITSErrorCode(headerValue: text) == nil)
    }

    @Test("packet types compare case-insensitively")
    func packetTypes() {
        #expect(BITSPacketType(headerValue: "CREATE-SESSION") == .createSession)
        #expect(BITSPacketType(headerValue: " fragment ") == .fragment)
        #expect(BITSPacketType(headerValue: "Close-Session") == .closeSession)
        #expect(BITSPacketType(headerValue: "cancel-session") == .cancelSession)
        #expect(BITSPacketType(headerValue: "Ack") == .ack)
        #expect(BITSPacketType(headerValue: "Upload") == .unknown("Upload"))
        #expect(BITSPacketType.fragment.description == "fragment")
    }

    @Test("reply URLs resolve against the upload URL's directory, as GETs name them")
    func replyURLs() {
        let reply = #"BITS-Sessions\Replies\{C85B4E0A-9EB9-4114-BFA4-8A43B4710091}\responsefile.bin"#
        let resolved = ReplyURL.resolve(reply, against: "/upload-ref-isapi-WebFarm/file.bin")
        let get = "/upload-ref-isapi-WebFarm/BITS-Sessions/Replies/%7BC85B4E0A-9EB9-4114-BFA4-8A43B4710091%7D/responsefile.bin"
        #expect(resolved == ReplyURL.normalizedPath(get))
        #expect(ReplyURL.resolve("http://node2/replies/r.bin", against: "/up/x") == "/replies/r.bin")
        #expect(ReplyURL.normalizedPath("http://host") == "/")
        #expect(ReplyURL.normalizedPath("/a%zz%4") == "/a%zz%4")
    }
}
