import AnalyzerCore
import CaptureIO
import Testing
import TrafficSynthesis

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Captures that cannot be opened")
struct OpenErrorTests {
    private func openError(_ paths: [String]) -> CaptureError? {
        #expect(throws: CaptureError.self) { try OfflineCapture(paths: paths) }
    }

    @Test("a missing file is fileNotFound, described in one line")
    func missingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("absent.pcap")
        let error = try #require(openError([path]))
        #expect(error.code == .fileNotFound)
        #expect(error.capture == path)
        #expect(error.description == "\(path): No such file or directory")
    }

    @Test("a path through a missing directory is fileNotFound")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        #expect(openError([directory.path("nowhere/trace.pcap")])?.code == .fileNotFound)
    }

    @Test(
        "an unreadable file is permissionDenied",
        .enabled(if: geteuid() != 0, "running as root: permission bits do not stop root from reading"))
    func unreadableFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(PcapFileWriter(linkType: 1).file([]), to: "secret.pcap")
        try FileManagerShim.setPermissions(path, 0o000)
        let error = try #require(openError([path]))
        #expect(error.code == .permissionDenied)
        #expect(error.description == "\(path): Permission denied")
    }

    @Test("a directory is not a capture")
    func directoryPath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("looks-like.pcap")
        try FileManagerShim.createDirectory(path)
        let error = try #require(openError([path]))
        #expect(error.code == .notACapture)
        #expect(error.description == "\(path): not a capture file (is a directory)")
    }

    @Test("an empty file is not a capture, said in those words (not libpcap's truncated header)")
    func emptyFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write([], to: "empty.pcap")
        let error = try #require(openError([path]))
        #expect(error.code == .notACapture)
        #expect(error.reason == "not a capture file (empty file)", "\(error.reason)")
        // Two bytes are a header cut short, not an empty file.
        let short = try directory.write([0xD4, 0xC3], to: "short.pcap")
        #expect(try #require(openError([short])).reason.hasPrefix("not a capture file (truncated dump file"))
    }

    @Test("a file cut inside its file header is not a capture", arguments: [3, 10, 23])
    func cutInsideFileHeader(length: Int) throws {
        let directory = try TemporaryDirectory()
        let header = PcapFileWriter(linkType: 1).fileHeader()
        let path = try directory.write(Array(header.prefix(length)), to: "cut.pcap")
        let error = try #require(openError([path]))
        #expect(error.code == .notACapture)
        #expect(error.reason.contains("truncated"), "\(error.reason)")
    }

    @Test("random bytes are not a capture, with libpcap's reason")
    func randomBytes() throws {
        var random = SeededGenerator(seed: 0xBAD_F00D)
        let directory = try TemporaryDirectory()
        let bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &random) }
        let path = try directory.write(bytes, to: "noise.bin")
        let error = try #require(openError([path]))
        #expect(error.code == .notACapture)
        #expect(error.description == "\(path): not a capture file (unknown file format)")
    }

    @Test("no capture, or standard input twice, is an invalid argument")
    func invalidArguments() {
        #expect(openError([])?.code == .invalidArgument)
        let twice = openError(["-", "-"])
        #expect(twice?.code == .invalidArgument)
        #expect(twice?.capture == "-")
    }

    @Test("descriptions stay on one line whatever the file name holds")
    func oneLineDescription() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("two\nlines.pcap")
        let error = try #require(openError([path]))
        #expect(error.code == .fileNotFound)
        #expect(!error.description.contains("\n"))
        #expect(error.description.contains("two\\nlines.pcap"))
    }

    @Test("error codes are distinct and named")
    func codes() {
        let codes: [CaptureError.Code] = [
            .fileNotFound, .permissionDenied, .notACapture, .readFailed, .interfaceUnavailable, .badFilter,
            .invalidArgument,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(CaptureError.Code.notACapture.description == "not-a-capture")
    }
}
