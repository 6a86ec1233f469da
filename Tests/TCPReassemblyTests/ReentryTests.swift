import AnalyzerCore
import TCPReassembly
import Testing

/// Whether the tests were built in debug mode, where the guard checks.
private let isDebugBuild: Bool = {
    #if DEBUG
    return true
    #else
    return false
    #endif
}()

/// The reassembler's per-packet state is `@exclusivity(unchecked)` because no consumer calls back
/// into it. Debug builds check that: a consumer that does stops the program, naming the entry.
@Suite(.enabled(if: isDebugBuild, "release builds compile the guard to nothing"))
struct ReentryTests {
    /// A consumer that feeds its reassembler again from inside a delivery (a bug the guard must catch).
    final class ReenteringConsumer: StreamConsumer, StreamConsumerFactory {
        weak var reassembler: TCPReassembler?

        func makeConsumer(for connection: ConnectionInfo) -> (any StreamConsumer)? { self }
        func connectionClosed(summary: ConnectionSummary) {}
        func streamData(_ bytes: UnsafeRawBufferPointer, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {
            reassembler?.feed(TestSegment(fromClient: true, sequence: 1_000, flags: .ack, payload: [1]))
        }
        func streamGap(length: UInt64, direction: FlowDirection, offset: UInt64, time: CaptureTimestamp) {}
        func streamEnded(direction: FlowDirection, time: CaptureTimestamp) {}
        func connectionClosed(_ summary: ConnectionSummary) {}
    }

    @Test("a consumer calling back into the reassembler stops a debug build")
    func reentryTraps() async {
        await #expect(processExitsWith: .failure) {
            let consumer = ReenteringConsumer()
            let reassembler = TCPReassembler(factory: consumer)
            consumer.reassembler = reassembler
            reassembler.feed(TestSegment(fromClient: true, sequence: 1, flags: .ack, payload: [7]))
        }
    }

    @Test("a second entry before the first returned stops a debug build")
    func guardTraps() async {
        await #expect(processExitsWith: .failure) {
            var guardian = ReentryGuard()
            guardian.enter("outer")
            guardian.enter("inner")
        }
    }
}
