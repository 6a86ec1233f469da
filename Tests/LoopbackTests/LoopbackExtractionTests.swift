import Foundation
import Testing

/// Real BITS traffic over real sockets, captured by tcpdump on lo: `bitsnoop analyze --extract`
/// must rebuild exactly the bytes the loopback server stored (its own report, hashed by its own
/// SHA-256), and for finished uploads the client's file.
@Suite(.serialized) struct LoopbackExtractionTests {
    @Test("files extracted from a real loopback capture are the bytes the server stored",
          .enabled(if: LoopbackCapture.unavailableReason == nil,
                   Comment(rawValue: LoopbackCapture.unavailableReason ?? "")))
    func extractRealCapture() throws {
        let recording = try LoopbackCapture.record()
        defer { try? FileManager.default.removeItem(atPath: recording.pcapPath) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-loop-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try LoopbackProcess(LoopbackProcess.builtExecutable("bitsnoop"),
                                      ["analyze", "--extract", folder.path, "--json", "-", recording.pcapPath])
        try run.wait(timeout: 120)
        #expect(run.status == 0, "\(run.errorText)")
        let timeline = try TimelineComparison.document(run.output)
        let sessions = timeline["sessions"] as? [[String: Any]] ?? []
        var checked = 0
        var completeFiles = 0
        for client in recording.manifest.sessions {
            let label = "session \(client.sessionID)"
            let server = try #require(recording.serverReport.session(client.sessionID), "\(label): server report")
            let analysed = try #require(sessions.first { ($0["session_id"] as? String) == client.sessionID },
                                        "\(label)")
            guard let file = analysed["file"] as? [String: Any] else {
                #expect(server.storedBytes == 0, "\(label): the server stored bytes but no file was extracted")
                continue
            }
            checked += 1
            let path = try #require(file["path"] as? String)
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(path)))
            #expect(bytes.count == server.storedBytes, "\(label): length")
            #expect(file["sha256"] as? String == server.sha256, "\(label): sha256 in the timeline")
            #expect(try LoopbackProcess.runLoopbackDigest(bytes) == server.sha256, "\(label): bytes on disk")
            let complete = file["complete"] as? Bool ?? false
            #expect(complete == (server.storedBytes == client.totalLength), "\(label): complete")
            #expect(path.hasSuffix(".partial") == !complete, "\(label): \(path)")
            if complete {
                completeFiles += 1
                #expect(server.sha256 == client.sha256, "\(label): the client's file")
            }
        }
        #expect(checked > 0 && completeFiles > 0, "\(checked) files checked, \(completeFiles) complete")
    }
}
