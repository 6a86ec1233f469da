import AnalyzerCore
import CaptureIO

/// A capture that lets a ``ProgressMeter`` look at how far reading has got every
/// ``ProgressMeter/packetInterval`` packets. The per-packet cost is one decrement and compare.
struct ProgressingCapture: PacketSource {
    /// The capture read.
    let capture: OfflineCapture
    /// The meter, or `nil` for no progress.
    let meter: ProgressMeter?
    /// What the meter counts (sessions, connections) so far, asked only when it is updated.
    let count: () -> Int
    private var countdown = ProgressMeter.packetInterval

    /// Wraps `capture`.
    init(capture: OfflineCapture, meter: ProgressMeter?, count: @escaping () -> Int) {
        self.capture = capture
        self.meter = meter
        self.count = count
    }

    /// The capture's next packet; every ``ProgressMeter/packetInterval`` packets, updates the meter first.
    /// - Throws: what the capture throws.
    mutating func nextPacket() throws -> CapturedPacket? {
        if let meter {
            countdown -= 1
            if countdown == 0 {
                countdown = ProgressMeter.packetInterval
                meter.update(capture.progress, count: count())
            }
        }
        return try capture.nextPacket()
    }

    /// The capture's precision.
    var timestampPrecision: TimestampPrecision { capture.timestampPrecision }
    /// The capture's interruptions.
    var interruptions: [CaptureInterruption] { capture.interruptions }
}
