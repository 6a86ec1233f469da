@testable import BITSAnalyzer
import Foundation
import Testing
import TestSupport

/// The HRESULT and BITS-Error-Context tables: complete, consistent, and safe on hostile input.
@Suite struct ErrorCodeTableTests {
    @Test("every table entry has a name and a one-line meaning")
    func entriesAreComplete() {
        #expect(BITSErrorCode.namedCodes.count > 200)
        for entry in BITSErrorCode.namedCodes {
            #expect(!entry.name.isEmpty, "\(BITSErrorCode(entry.value))")
            #expect(!entry.meaning.isEmpty, "\(entry.name)")
            #expect(!entry.meaning.contains("\n"), "\(entry.name)")
            #expect(entry.meaning.count <= 160, "\(entry.name): meaning longer than a line")
            let code = BITSErrorCode(entry.value)
            #expect(code.name == entry.name)
            #expect(code.meaning == entry.meaning)
            #expect(code.httpStatus == nil, "\(entry.name) collides with BG_E_HTTP_ERROR_*")
        }
    }

    @Test("values are sorted and unique, and so are names")
    func valuesAndNamesAreUnique() {
        let values = BITSErrorCode.namedCodes.map(\.value)
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
        let names = BITSErrorCode.namedCodes.map(\.name)
        #expect(Set(names).count == names.count)
    }

    @Test("known codes", arguments: [
        (0x8020_0013, "BG_E_INSUFFICIENT_RANGE_SUPPORT"),
        (0x8020_001F, "BG_E_SESSION_NOT_FOUND"),
        (0x8020_0020, "BG_E_TOO_LARGE"),
        (0x8020_0022, "BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH"),
        (0x8020_0076, "BG_E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK"),
        (0x8019_0194, "BG_E_HTTP_ERROR_404"),
        (0x8019_4000, "BITS_MC_JOB_CANCELLED"),
        (0x0020_0017, "BG_S_PARTIAL_COMPLETE"),
        (0x8007_0005, "E_ACCESSDENIED"),
        (0x8007_0057, "E_INVALIDARG"),
        (0x8007_000E, "E_OUTOFMEMORY"),
        (0x8000_4005, "E_FAIL"),
        (0x8007_0002, "ERROR_FILE_NOT_FOUND"),
        (0x8007_0027, "ERROR_HANDLE_DISK_FULL"),
        (0x8007_0070, "ERROR_DISK_FULL"),
        (0x8007_054F, "ERROR_INTERNAL_ERROR"),
        (0x8007_2EE2, "ERROR_WINHTTP_TIMEOUT"),
        (0x8007_2EE7, "ERROR_WINHTTP_NAME_NOT_RESOLVED"),
        (0x8007_2EFD, "ERROR_WINHTTP_CANNOT_CONNECT"),
        (0x8007_2EFE, "ERROR_WINHTTP_CONNECTION_ERROR"),
        (0x8007_2F0C, "ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED"),
        (0x8007_2F8F, "ERROR_WINHTTP_SECURE_FAILURE"),
        (0x8007_2F9A, "ERROR_WINHTTP_CLIENT_CERT_NO_ACCESS_PRIVATE_KEY"),
    ] as [(UInt32, String)])
    func knownCodes(value: UInt32, name: String) {
        let code = BITSErrorCode(value)
        #expect(code.name == name)
        #expect(code.meaning?.isEmpty == false)
    }

    @Test("every BG_E_ and BG_S_ value of bitsmsg.h's range is named, apart from its gaps")
    func bitsRangeIsComplete() {
        let gaps: Set<UInt32> = [0x06, 0x17, 0x1A, 0x2A, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F, 0x55, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F]
        for low in UInt32(0x01)...0x76 {
            let failure = BITSErrorCode(0x8020_0000 | low)
            let success = BITSErrorCode(0x0020_0000 | low)
            if gaps.contains(low) {
                #expect(failure.name == nil)
                let successCodes: Set<UInt32> = [0x06, 0x17, 0x1A, 0x2A, 0x55]
                #expect((success.name?.hasPrefix("BG_S_") == true) == successCodes.contains(low), "\(success)")
            } else {
                #expect(failure.name?.hasPrefix("BG_E_") == true, "\(failure)")
            }
        }
        #expect(BITSErrorCode(0x8020_0077).name == nil)
    }

    @Test("the spec's ERROR_DISK_FULL spelling is told apart from the real code")
    func diskFullMisprint() {
        let printed = BITSErrorCode(0x8007_0112)
        #expect(printed.name?.contains("MC-BUP") == true)
        #expect(printed.meaning?.contains("0x80070070") == true)
        #expect(BITSErrorCode(0x8007_0070).name == "ERROR_DISK_FULL")
    }

    @Test("BG_E_HTTP_ERROR_<status> covers statuses 100 to 599", arguments: [
        (0x8019_0063, nil, nil),
        (0x8019_0064, "BG_E_HTTP_ERROR_100", "the server answered HTTP 100 Continue"),
        (0x8019_0194, "BG_E_HTTP_ERROR_404", "the server answered HTTP 404 Not Found"),
        (0x8019_01F3, "BG_E_HTTP_ERROR_499", "the server answered HTTP 499"),
        (0x8019_0257, "BG_E_HTTP_ERROR_599", "the server answered HTTP 599"),
        (0x8019_0258, nil, nil),
        (0x8019_0000, nil, nil),
        (0x8019_FFFF, nil, nil),
    ] as [(UInt32, String?, String?)])
    func httpFamily(value: UInt32, name: String?, meaningPrefix: String?) {
        let code = BITSErrorCode(value)
        #expect(code.name == name)
        if let meaningPrefix {
            #expect(code.meaning?.hasPrefix(meaningPrefix) == true, "\(code.meaning ?? "nil")")
            #expect(code.httpStatus == value - 0x8019_0000)
        } else {
            #expect(code.meaning == nil)
            #expect(code.httpStatus == nil)
        }
    }

    @Test("unknown codes have neither name nor meaning", arguments: [0, 1, 0x8007_FFFF, 0xFFFF_FFFF, 0xC000_0005] as [UInt32])
    func unknownCodes(value: UInt32) {
        #expect(BITSErrorCode(value).name == nil)
        #expect(BITSErrorCode(value).meaning == nil)
    }

    @Test("error contexts parse leniently and are named", arguments: [
        ("0x5", 5, "BG_ERROR_CONTEXT_REMOTE_FILE"),
        ("5", 5, "BG_ERROR_CONTEXT_REMOTE_FILE"),
        ("0x00000007", 7, "BG_ERROR_CONTEXT_REMOTE_APPLICATION"),
        (" X7 ", 7, "BG_ERROR_CONTEXT_REMOTE_APPLICATION"),
        ("x0", 0, "BG_ERROR_CONTEXT_NONE"),
        ("0X8", 8, "BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK"),
        ("0x9", 9, nil),
        ("0xFFFFFFFF", 0xFFFF_FFFF, nil),
    ] as [(String, UInt32, String?)])
    func contexts(text: String, value: UInt32, name: String?) {
        let context = BITSErrorContext(headerValue: text)
        #expect(context?.value == value)
        #expect(context?.name == name)
        #expect((context?.meaning != nil) == (name != nil))
    }

    @Test("malformed error contexts are rejected", arguments: [
        "", " ", "0x", "x", "zz", "-5", "+5", "5 5", "0x1FFFFFFFF", "123456789", "0x5h", "\u{FF15}", "0x5\u{0}", "0x\u{301}5",
        "５", "0xx5", "05.0",
    ])
    func malformedContexts(text: String) {
        #expect(BITSErrorContext(headerValue: text) == nil)
    }

    @Test("every named context has a meaning; the description is as BITS sends it")
    func namedContexts() {
        #expect(BITSErrorContext.namedContexts.count == 9)
        for context in BITSErrorContext.namedContexts {
            #expect(context.name?.hasPrefix("BG_ERROR_CONTEXT_") == true)
            #expect(context.meaning?.isEmpty == false)
        }
        #expect(Set(BITSErrorContext.namedContexts.compactMap(\.name)).count == 9)
        #expect(BITSErrorContext.remoteFile.description == "0x5")
        #expect(BITSErrorContext(0x1A).description == "0x1A")
    }

    @Test("docs/error-codes.md lists every named code and context with its meaning")
    func documentationIsComplete() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/error-codes.md"), encoding: .utf8)
        for entry in BITSErrorCode.namedCodes {
            let row = "| `\(BITSErrorCode(entry.value))` | `\(entry.name)` | \(entry.meaning.replacingOccurrences(of: "|", with: "\\|")) |"
            #expect(text.contains(row), "\(entry.name) missing or different in docs/error-codes.md")
        }
        for context in BITSErrorContext.namedContexts {
            #expect(text.contains("| `\(context)` | `\(context.name ?? "")` | \(context.meaning ?? "") |"), "\(context)")
        }
    }

    @Test("hostile header values never trap either parser")
    func hostileValues() {
        var generator = SplitMix(seed: 0x5EED_E440)
        let alphabet: [String] = ["0", "x", "X", "f", "F", "9", "g", " ", "\t", "-", "+", "\u{0}", "é", "e\u{301}", "\u{FF10}",
                                  "🙂", "\r\n", "0x", "\u{202E}", "\u{FEFF}", "ffffffff"]
        var values = ["", String(repeating: "f", count: 100_000), String(repeating: "0", count: 9), "0x" + String(repeating: "0", count: 8),
                      String(repeating: " ", count: 1000) + "5"]
        for _ in 0..<5000 {
            let length = Int(generator.next() % 24)
            values.append((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }.joined())
        }
        for value in values {
            if let code = BITSErrorCode(headerValue: value) {
                _ = (code.name, code.meaning, code.description)
            }
            if let context = BITSErrorContext(headerValue: value) {
                _ = (context.name, context.meaning, context.description)
            }
        }
        #expect(BITSErrorCode(headerValue: "0x" + String(repeating: "0", count: 8)) == BITSErrorCode(0))
        #expect(BITSErrorContext(headerValue: String(repeating: " ", count: 1000) + "5") == BITSErrorContext(5))
    }
}

/// A small deterministic generator for the hostile-input test.