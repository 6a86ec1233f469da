import Foundation
import Testing

/// Real BITS traffic over real sockets, captured by tcpdump on lo, analysed by bitsnoop.
@Suite(.serialized) struct RealCaptureAnalysisTests {
    @Test("bitsnoop analyze on a real loopback capture matches what the client did",
          .enabled(if: LoopbackCapture.unavailableReason == nil,
                   Comment(rawValue: LoopbackCapture.unavailableReason ?? "")))
    func analyzeRealCapture() throws {
        let recording = try LoopbackCapture.record()
        defer { try? FileManager.default.removeItem(atPath: recording.pcapPath) }
        let run = try LoopbackProcess(LoopbackProcess.builtExecutable("bitsnoop"),
                                      ["analyze", "--json", "-", recording.pcapPath])
        try run.wait(timeout: 60)
        #expect(run.status == 0, "\(run.errorText)")
        let timeline = try TimelineComparison.document(run.output)
        TimelineComparison.check(timeline, against: recording.manifest, label: "analyze")
        // Times come from the capture, with its precision.
        let first = (timeline["sessions"] as? [[String: Any]])?.first?["first_time"] as? String ?? ""
        #expect(first.hasSuffix("Z") && first.contains("T"))
    }
}
