import Testing
@testable import UploadExtraction
import TestSupport

/// Names built from hostile wire values stay one plain path component inside the folder.
@Suite struct SafeFileNameTests {
    /// (session ID, Content-Name, URL) → name.
    static let cases: [(String?, String?, String, String)] = [
        ("{0D60179D-182F-469D-9191-0224FCC906C5}", "report.zip", "/upload/x",
         "{0D60179D-182F-469D-9191-0224FCC906C5}-report.zip"),
        ("{ID}", nil, "/upload/report.zip", "{ID}-report.zip"),
        ("{ID}", nil, "http://bits.example/upload/a%20b.zip?x=1#f", "{ID}-a_b.zip"),
        ("{ID}", "../../etc/passwd", "/u", "{ID}-passwd"),
        ("{ID}", "..\\..\\Windows\\win.ini", "/u", "{ID}-win.ini"),
        ("{ID}", "/", "/upload/", "{ID}-upload"),
        ("{ID}", "..", "/..", "{ID}-upload"),
        ("{ID}", nil, "/up/%2e%2e%2f%2e%2e%2fsecret", "{ID}-secret"),
        ("../../x", "a.txt", "/u", "x-a.txt"),
        ("/etc/", "cron.d", "/u", "etc-cron.d"),
        ("{ID}", "name\u{0}with\nnul\tand\u{7F}ctl.bin", "/u", "{ID}-name_with_nul_and_ctl.bin"),
        ("{ID}", "-rf .hidden", "/u", "{ID}-rf.hidden"),
        ("{ID}", ".bashrc", "/u", "{ID}-bashrc"),
        ("{ID}", "r\u{E9}sum\u{E9}.pdf", "/u", "{ID}-r_sum.pdf"),
        (nil, nil, "", "session-3-upload"),
        ("   ", "", "/", "session-3-upload"),
        ("{ID}", "a...b....zip", "/u", "{ID}-a.b.zip"),
    ]

    @Test("hostile IDs, Content-Names and URLs become plain names", arguments: cases.indices)
    func sanitises(index: Int) {
        let (id, contentName, url, wanted) = Self.cases[index]
        let parts = SafeFileName.parts(sessionID: id, sessionNumber: 3, contentName: contentName, url: url)
        #expect(parts.name(attempt: 0, partial: false) == wanted)
        #expect(parts.name(attempt: 2, partial: true) == parts.stem + "-2" + parts.fileExtension + ".partial")
    }

    @Test("long values are cut to bounded names")
    func boundedLength() {
        let parts = SafeFileName.parts(sessionID: String(repeating: "I", count: 5_000), sessionNumber: 1,
                                       contentName: String(repeating: "n", count: 5_000) + ".zip", url: "/")
        let name = parts.name(attempt: SafeFileName.maxNameBytes, partial: true)
        #expect(parts.stem.utf8.count + parts.fileExtension.utf8.count <= SafeFileName.maxNameBytes)
        #expect(parts.fileExtension == ".zip")
        #expect(name.utf8.count <= 255)
        #expect(parts.stem.hasPrefix(String(repeating: "I", count: SafeFileName.maxIDBytes) + "-n"))
    }

    @Test("random byte strings always give one allowed path component (seeded)")
    func randomInputs() {
        var random = SplitMix(seed: 0x5AFE)
        let alphabet: [UInt8] = Array("./\\%2e%2f%00..-_ aZ{}\u{1}\n".utf8) + [0, 0x7F, 0xC3, 0xA9, 0xFF]
        for _ in 0..<3_000 {
            func draw() -> String {
                let bytes = (0..<random.below(40)).map { _ in alphabet[random.below(alphabet.count)] }
                return String(decoding: bytes, as: UTF8.self)
            }
            let parts = SafeFileName.parts(sessionID: draw(), sessionNumber: 1, contentName: draw(), url: draw())
            let name = parts.name(attempt: random.below(3), partial: random.below(2) == 0)
            #expect(SafeFileName.isSingleComponent(name), "\(name)")
            #expect(!name.hasPrefix(".") && !name.hasPrefix("-") && !name.contains(".."), "\(name)")
            #expect(name.utf8.allSatisfy { SafeFileName.isAllowed($0) }, "\(name)")
        }
    }
}
