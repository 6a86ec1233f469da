import CaptureIO
import Foundation
import Testing

/// Following a file as a client appends to it (the TLS key log `live` follows): only what was
/// appended, whole lines only, truncation and replacement read from the start again, a file that
/// appears later, the rate limit and the bounds.
@Suite struct AppendedLinesFollowerTests {
    /// A path in a fresh temporary folder (removed by the caller).
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-follow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Appends `text` to the file at `path`.
    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// What one forced poll hands out, as text.
    static func poll(_ follower: AppendedLinesFollower, force: Bool = true) -> String {
        var text = ""
        follower.poll(force: force) { text += String(decoding: $0, as: UTF8.self) }
        return text
    }

    @Test("appends are read once each, whole lines only; a partial line waits for its end")
    func appendsAndPartialLines() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("keys.log").path
        try "".write(toFile: path, atomically: false, encoding: .utf8)
        let follower = AppendedLinesFollower(path: path, maxBytes: 1 << 20)
        #expect(Self.poll(follower) == "")
        try Self.append("ONE 1\nTWO", to: path)
        #expect(Self.poll(follower) == "ONE 1\n")
        #expect(Self.poll(follower) == "", "nothing new: nothing handed out again")
        try Self.append(" 2\r\nTHREE 3\n", to: path)
        #expect(Self.poll(follower) == "TWO 2\r\nTHREE 3\n")
        try Self.append("FOUR", to: path)
        #expect(Self.poll(follower) == "")
        try Self.append(" 4\n", to: path)
        #expect(Self.poll(follower) == "FOUR 4\n")
        #expect(follower.restarts == 0 && follower.opened)
    }

    @Test("a truncated file, or one replaced under the same path, is read from its start")
    func truncationAndReplacement() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("keys.log").path
        try "A 1\nB 2\nC".write(toFile: path, atomically: false, encoding: .utf8)
        let follower = AppendedLinesFollower(path: path, maxBytes: 1 << 20)
        #expect(Self.poll(follower) == "A 1\nB 2\n")
        // Truncated and rewritten shorter: the partial "C" is forgotten, the new text read.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("D 4\n".utf8))
        try handle.close()
        #expect(Self.poll(follower) == "D 4\n")
        #expect(follower.restarts == 1)
        // Replaced by another file (a rename over it, as an editor or log rotation does).
        let other = folder.appendingPathComponent("new.log").path
        try "E 5\nF 6\n".write(toFile: other, atomically: false, encoding: .utf8)
        #expect(rename(other, path) == 0)
        #expect(Self.poll(follower) == "E 5\nF 6\n")
        #expect(follower.restarts == 2)
        try Self.append("G 7\n", to: path)
        #expect(Self.poll(follower) == "G 7\n")
    }

    @Test("a file that does not exist yet is read once it appears")
    func appearsLater() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("later.log").path
        let follower = AppendedLinesFollower(path: path, maxBytes: 1 << 20)
        #expect(Self.poll(follower) == "" && !follower.opened)
        try "H 8\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(Self.poll(follower) == "H 8\n" && follower.opened)
    }

    @Test("polls closer than the interval do nothing unless forced")
    func rateLimit() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("keys.log").path
        try "I 9\n".write(toFile: path, atomically: false, encoding: .utf8)
        let follower = AppendedLinesFollower(path: path, maxBytes: 1 << 20, minimumInterval: .seconds(3600))
        #expect(Self.poll(follower, force: false) == "I 9\n", "the first poll reads")
        try Self.append("J 10\n", to: path)
        #expect(Self.poll(follower, force: false) == "", "too soon")
        #expect(Self.poll(follower, force: true) == "J 10\n")
        let quick = AppendedLinesFollower(path: path, maxBytes: 1 << 20, minimumInterval: .milliseconds(20))
        #expect(Self.poll(quick, force: false) == "I 9\nJ 10\n")
        try Self.append("K 11\n", to: path)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(Self.poll(quick, force: false) == "K 11\n", "after the interval")
    }

    @Test("bounded: a line over the partial limit is dropped, nothing past maxBytes is read")
    func bounds() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("keys.log").path
        let long = String(repeating: "x", count: AppendedLinesFollower.maxPartialLineBytes + 10)
        try ("L 12\n" + long).write(toFile: path, atomically: false, encoding: .utf8)
        let follower = AppendedLinesFollower(path: path, maxBytes: 1 << 20)
        #expect(Self.poll(follower) == "L 12\n")
        try Self.append("still long\nM 13\n", to: path)
        #expect(Self.poll(follower) == "M 13\n")
        #expect(follower.longLinesDropped == 1)

        let small = folder.appendingPathComponent("small.log").path
        try "N 14\nO 15\nP 16\n".write(toFile: small, atomically: false, encoding: .utf8)
        let bounded = AppendedLinesFollower(path: small, maxBytes: 10)
        #expect(Self.poll(bounded) == "N 14\nO 15\n")
        #expect(bounded.reachedLimit)
        try Self.append("Q 17\n", to: small)
        #expect(Self.poll(bounded) == "")
    }
}
