@testable import HTTP1Parser
import Testing

/// The queue of requests waiting for their responses (its oldest entry kept apart from the list)
/// behaves as a plain list: the same entries come out in the same order, and the same count and
/// first entry are seen at every step, over long random runs of appends and removals.
@Suite struct PendingRequestQueueTests {
    @Test func behavesAsAPlainList() {
        var generator = SystemRandomNumberGenerator()
        var wrong: [String] = []
        for run in 0..<60 {
            var queue = PendingRequestQueue()
            var model: [PendingRequestQueue.Entry] = []
            // Runs lean towards appends or removals so that the queue grows past the compaction
            // points and drains again.
            let appendPercent = [30, 50, 70][run % 3]
            for step in 0..<1_000 {
                if Int.random(in: 0..<100, using: &generator) < appendPercent {
                    let entry = PendingRequestQueue.Entry(index: step % 7 == 0 ? nil : step, isHEAD: step % 5 == 0)
                    queue.append(entry)
                    model.append(entry)
                } else {
                    let removed = queue.removeFirst()
                    let expected = model.isEmpty ? nil : model.removeFirst()
                    if removed != expected { wrong.append("run \(run) step \(step): removed \(String(describing: removed))") }
                }
                if queue.count != model.count || queue.first != model.first {
                    wrong.append("run \(run) step \(step): count \(queue.count) vs \(model.count)")
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }
}
