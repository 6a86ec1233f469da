import AnalyzerCore
import BITSAnalyzer
import Foundation
import Testing
import UploadExtraction
#if canImport(Glibc)
import Glibc
#endif

/// Nothing is ever written outside the folder, nothing in it is replaced, and no symbolic link in it
/// is followed, whatever the names on the wire and whatever was in the folder before.
@Suite struct FolderSafetyTests {
    /// A sandbox: `inside` is the extraction folder, `outside` a sibling that must stay untouched.
    struct Sandbox {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-safety-\(UUID().uuidString)")
        var inside: URL { root.appendingPathComponent("out") }
        var outside: URL { root.appendingPathComponent("elsewhere") }

        init() throws {
            try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try Data("precious".utf8).write(to: outside.appendingPathComponent("victim"))
        }

        /// Every path under the root, relative, with symbolic links not followed.
        func tree() throws -> [String] {
            let enumerator = FileManager.default.enumerator(atPath: root.path)
            return (enumerator?.allObjects as? [String] ?? []).sorted()
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// Extracts one 100-byte upload of session `id` named `contentName` into `sandbox.inside`.
    static func extract(into folder: URL, id: String?, contentName: String?, url: String = "/upload/x.bin") throws
        -> ExtractedFile
    {
        let driver = try ExtractorDriver(folder: folder)
        driver.start(1, session: 0, first: 0, last: 99, total: 100)
        driver.body(1, [UInt8](repeating: 0x41, count: 100), at: 0)
        driver.end(1)
        driver.accept(1, session: 0, 0..<100, acknowledged: 100)
        let files = try driver.finishFiles([
            ExtractorDriver.session(id: id, acknowledged: 100, total: 100, contentName: contentName, url: url),
        ])
        return try #require(files[0])
    }

    @Test("names built to escape the folder land inside it as plain names", arguments: [
        ("../elsewhere/victim", "../../elsewhere/victim"),
        ("/tmp/x", "/etc/passwd"),
        ("..", ".."),
        ("{ID}", "..\\..\\elsewhere\\victim"),
        ("{ID}\u{0}/../x", "a\u{0}/../../b"),
        (String(repeating: "../", count: 200), String(repeating: "%2e%2e%2f", count: 200)),
    ])
    func escapesStayInside(id: String, contentName: String) throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let file = try Self.extract(into: sandbox.inside, id: id, contentName: contentName,
                                    url: "/up/" + contentName)
        #expect(SafeFileName.isSingleComponent(file.path))
        #expect(try sandbox.tree() == ["elsewhere", "elsewhere/victim", "out", "out/\(file.path)"])
        #expect(try String(contentsOf: sandbox.outside.appendingPathComponent("victim"), encoding: .utf8) == "precious")
    }

    @Test("an existing file of the same name is kept; the new one takes the next number")
    func neverOverwrites() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let taken = sandbox.inside.appendingPathComponent("{ID}-report.zip")
        try Data("mine".utf8).write(to: taken)
        let file = try Self.extract(into: sandbox.inside, id: "{ID}", contentName: "report.zip")
        #expect(file.path == "{ID}-report-1.zip")
        #expect(try Data(contentsOf: taken) == Data("mine".utf8))
        let second = try Self.extract(into: sandbox.inside, id: "{ID}", contentName: "report.zip")
        #expect(second.path == "{ID}-report-2.zip")
    }

    @Test("symbolic links already in the folder are never followed: not as the file's name")
    func symlinkAtTargetName() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let victim = sandbox.outside.appendingPathComponent("victim")
        let created = sandbox.outside.appendingPathComponent("created")
        // One link to an existing file, one dangling link that following would create.
        #expect(symlink(victim.path, sandbox.inside.appendingPathComponent("{ID}-report.zip").path) == 0)
        #expect(symlink(created.path, sandbox.inside.appendingPathComponent("{ID}-report-1.zip").path) == 0)
        let file = try Self.extract(into: sandbox.inside, id: "{ID}", contentName: "report.zip")
        #expect(file.path == "{ID}-report-2.zip")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious")
        #expect(!FileManager.default.fileExists(atPath: created.path))
        let placed = sandbox.inside.appendingPathComponent(file.path).path
        let attributes = try FileManager.default.attributesOfItem(atPath: placed)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
    }

    @Test("symbolic links already in the folder are never followed: not as the work folder")
    func symlinkAtWorkFolderName() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        for attempt in 0..<3 {  // the first work folder names this process would try
            let name = ".bitsnoop-extract-\(getpid())-\(attempt)"
            #expect(symlink(sandbox.outside.path, sandbox.inside.appendingPathComponent(name).path) == 0)
        }
        let file = try Self.extract(into: sandbox.inside, id: "{ID}", contentName: "report.zip")
        #expect(file.path == "{ID}-report.zip")
        let outsideNow = try FileManager.default.contentsOfDirectory(atPath: sandbox.outside.path)
        #expect(outsideNow == ["victim"])
        // The links are left as they were; the work folder is gone.
        let inside = try FileManager.default.contentsOfDirectory(atPath: sandbox.inside.path).sorted()
        #expect(inside.count == 4 && inside.contains("{ID}-report.zip"))
    }

    @Test("the folder itself may be a link the user chose; a regular file there is refused")
    func folderArgument() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let link = sandbox.root.appendingPathComponent("link")
        #expect(symlink(sandbox.inside.path, link.path) == 0)
        let file = try Self.extract(into: link, id: "{ID}", contentName: "a.bin")
        #expect(FileManager.default.fileExists(atPath: sandbox.inside.appendingPathComponent(file.path).path))
        #expect(throws: ExtractionError.self) {
            _ = try UploadExtractor(directory: sandbox.outside.appendingPathComponent("victim").path,
                                    findings: FindingCollector())
        }
    }
}
