import AnalyzerCore
import BITSAnalyzer
import Foundation
import ReportOutput
import Testing

@Suite struct FindingAdviceTests {
    typealias F = ReportFixtures

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func findingsDoc() throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("docs/findings.md"), encoding: .utf8)
    }

    /// The first cell of every table row that holds a code: `` | `code` | ``.
    static func codes(inTableRowsOf text: Substring) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            let cell = line.dropFirst(3).prefix { $0 != "`" }
            return String(cell)
        }
    }

    @Test("every BITS finding code has advice")
    func everyBITSCodeHasAdvice() {
        for kind in BITSFindingKind.catalogue {
            let advice = FindingAdvice.advice(for: kind.code)
            #expect(advice.map { !$0.isEmpty } == true, "\(kind.code) has no advice")
        }
    }

    @Test("docs/findings.md: every catalogued code has advice, and its Advice section repeats the code's text")
    func documentedAdvice() throws {
        let text = try Self.findingsDoc()
        let split = try #require(text.range(of: "\n## Advice"))
        let catalogued = Set(Self.codes(inTableRowsOf: text[..<split.lowerBound]))
        let advised = Set(FindingAdvice.codes.map(\.rawValue))
        #expect(catalogued.count > 60)
        #expect(catalogued == advised,
                "documented only: \(catalogued.subtracting(advised)); advice only: \(advised.subtracting(catalogued))")
        let adviceSection = text[split.upperBound...]
        for code in FindingAdvice.codes {
            let row = "| `\(code)` | \(FindingAdvice.advice(for: code)!) |"
            #expect(adviceSection.contains(row), "\(code): advice missing or different in docs/findings.md")
        }
    }

    /// `server-error` messages as the Ack rules write them, and the advice each should get.
    static let serverErrors: [(message: String, errorCode: UInt32?, status: UInt32?)] = [
        ("Create-Session answered 403 0x80070005 (E_ACCESSDENIED), context 0x5 (BG_ERROR_CONTEXT_REMOTE_FILE)",
         0x8007_0005, 403),
        ("Create-Session answered 501 0x80070005 (E_ACCESSDENIED)", 0x8007_0005, 501),
        ("Fragment answered 500 0x80200020 (BG_E_TOO_LARGE)", 0x8020_0020, 500),
        ("Fragment answered 500 0x8020001F (BG_E_SESSION_NOT_FOUND)", 0x8020_001F, 500),
        ("Fragment answered 500 0x80070070 (ERROR_DISK_FULL)", 0x8007_0070, 500),
        ("Create-Session answered 500 0x80200023 (BG_E_SERVER_EXECUTE_ENABLE)", 0x8020_0023, 500),
        ("Fragment answered 400 0x80070057 (E_INVALIDARG)", 0x8007_0057, 400),
        ("Close-Session answered 500 0x8020001E (BG_E_ERROR_CONTEXT_REMOTE_APPLICATION), context 0x7", 0x8020_001E, 500),
        ("Create-Session answered 404", nil, 404),
        ("Create-Session answered 409, context 0x5", nil, 409),
        ("Fragment answered 413", nil, 413),
        ("Fragment answered 500 0x80190194 (BG_E_HTTP_ERROR_404)", 0x8019_0194, 500),
        ("Ping answered 503", nil, 503),
        ("Ping answered 401", nil, 401),
        ("Fragment answered 411", nil, 411),
        ("Create-Session answered 501", nil, 501),
        ("Fragment answered 500", nil, 500),
    ]

    @Test("a server-error's advice follows its error code, else its status, else the code's")
    func serverErrorAdvice() throws {
        func advice(_ example: (message: String, errorCode: UInt32?, status: UInt32?)) -> String? {
            let specific = BITSFindingAdvice.serverError(errorCode: example.errorCode.map(BITSErrorCode.init),
                                                         status: example.status ?? 0)
            return BITSFindingAdvice.advice(for: Finding(code: BITSFindingKind.serverError.code, severity: .warning,
                                                         message: example.message, advice: specific))
        }
        let general = FindingAdvice.advice(for: BITSFindingKind.serverError.code)
        #expect(try #require(advice(Self.serverErrors[0])).hasPrefix("E_ACCESSDENIED: the upload virtual directory"))
        #expect(try #require(advice(Self.serverErrors[1])).contains("BITS uploads are not enabled"))
        let tooLarge = try #require(advice(Self.serverErrors[2]))
        #expect(tooLarge.contains("BITSMaximumUploadSize") && tooLarge.contains("maxAllowedContentLength"))
        #expect(try #require(advice(Self.serverErrors[3])).contains("BITSSessionTimeout"))
        #expect(try #require(advice(Self.serverErrors[4])).contains("disk is full"))
        #expect(advice(("", nil, 404)) == BITSFindingAdvice.advice(status: 404))
        #expect(advice(("", 0x8019_0194, 500)) == BITSFindingAdvice.advice(status: 404))
        #expect(advice(("", 0x1234_5678, 500)) == BITSFindingAdvice.advice(status: 500))
        #expect(advice(("", nil, 299)) == general)
        // A finding that carries no advice of its own gets its code's.
        #expect(BITSFindingAdvice.advice(for: Finding(code: BITSFindingKind.serverError.code, severity: .warning,
                                                      message: "Fragment answered 500 0x80200020")) == general)
        // Other codes keep their own advice whatever the message says.
        #expect(BITSFindingAdvice.advice(for: Finding(code: BITSFindingKind.missingAck.code, severity: .warning,
                                                      message: "Fragment answered 500 0x80200020"))
            == FindingAdvice.advice(for: BITSFindingKind.missingAck.code))
        #expect(BITSFindingAdvice.advice(for: Finding(code: FindingCode(rawValue: "no-such-code"), severity: .info,
                                                      message: "x")) == nil)
    }

    @Test("docs/findings.md lists every server-error advice by error code and status")
    func documentedServerErrorAdvice() throws {
        let text = try Self.findingsDoc()
        let section = try #require(text.range(of: "### `server-error` by error code and status"))
        let table = text[section.upperBound...]
        for example in Self.serverErrors {
            let advice: String?
            if let code = example.errorCode {
                advice = BITSFindingAdvice.advice(errorCode: BITSErrorCode(code), status: example.status)
            } else {
                advice = BITSFindingAdvice.advice(status: example.status!)
            }
            let text = try #require(advice, "\(example.message) has no specific advice")
            #expect(table.contains(" | \(text) | "), "\(example.message): advice missing or different in docs")
        }
    }

    @Test("the JSON of a finding carries advice, null for a code without any")
    func jsonAdvice() throws {
        let known = Finding(code: FindingCode(rawValue: "orphaned-session"), severity: .warning, sessionID: "{S}",
                            message: "500 of 2000 bytes acknowledged")
        let unknown = Finding(code: FindingCode(rawValue: "no-such-code"), severity: .info, message: "x")
        guard case .object(let members) = FindingJSON.value(known, precision: .microseconds) else {
            Issue.record("not an object"); return
        }
        #expect(members.map(\.0) == ["code", "severity", "session_id", "connection", "time", "message", "advice"])
        #expect(members.last?.1 == .string(FindingAdvice.advice(for: known.code)!))
        guard case .object(let others) = FindingJSON.value(unknown, precision: .microseconds) else {
            Issue.record("not an object"); return
        }
        #expect(others.last?.0 == "advice" && others.last?.1 == .null)
        let serialized = FindingJSON.value(known, precision: .microseconds).serialized(pretty: false)
        #expect(serialized.contains("\"advice\":\"The client stopped without closing or cancelling"))
    }

    @Test("the text summary shows the advice under each finding; without a width, on one line")
    func textAdvice() {
        let finding = Finding(code: FindingCode(rawValue: "fragment-gap"), severity: .warning, sessionID: "{S}",
                              message: "bytes 100-199/1000 while 50 expected")
        let text = F.report([F.session(id: "{S}", requests: [F.request(.createSession, at: 0)])], findings: [finding]).text()
        let lines = text.split(separator: "\n").map(String.init)
        let head = lines.firstIndex { $0.hasPrefix("  warning  fragment-gap  bytes 100-199") }
        #expect(head != nil)
        if let head {
            #expect(lines[head + 1] == "      advice: " + FindingAdvice.advice(for: finding.code)!)
        }
        let none = F.report([], findings: [Finding(code: FindingCode(rawValue: "no-such-code"), severity: .info,
                                                   message: "x")]).text()
        #expect(!none.contains("advice:"))
    }

    @Test("the HTML findings table shows the advice under the message, escaped")
    func htmlAdvice() throws {
        // malformed-content-range's advice quotes 'bytes first-last/total' and '<' stays out of it;
        // apostrophes are escaped like any text.
        let finding = Finding(code: FindingCode(rawValue: "malformed-content-range"), severity: .error,
                              message: "Content-Range <b>bad</b>")
        let advice = try #require(FindingAdvice.advice(for: finding.code))
        #expect(advice.contains("'"))
        let page = HTMLReport(timeline: F.report([], findings: [finding])).render()
        #expect(page.contains("<div class=\"advice\">" + HTMLText.escape("advice: " + advice) + "</div>"))
        #expect(!page.contains(advice))
        #expect(page.contains("Content-Range &lt;b&gt;bad&lt;/b&gt;<div class=\"advice\">"))
    }
}
