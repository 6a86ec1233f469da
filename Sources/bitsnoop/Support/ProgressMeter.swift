#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaptureIO
import ReportOutput

/// The progress line of a long read on standard error: bytes read of the total, rate, sessions so
/// far; redrawn in place with a carriage return at most ``redrawInterval`` apart and cleared at the
/// end. Only made when standard error is a terminal (``OutputStyleOptions/progressMeter()``).
final class ProgressMeter {
    /// Least wall-clock time between two redraws.
    static let redrawInterval: Duration = .milliseconds(250)
    /// Packets between two looks at the clock (a power of two: the check is a mask).
    static let packetInterval = 1024

    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private let width: Int?
    private let noun: String
    private var drawn = false

    /// Creates a meter for a terminal `width` columns wide (`nil`: unknown), counting `noun`s.
    init(width: Int?, noun: String = "session") {
        self.width = width
        self.noun = noun
        started = clock.now
    }

    /// Called every ``packetInterval`` packets with how far reading got and how many `noun`s were
    /// found so far (both evaluated only when drawing): redraws when the last draw is old enough.
    func update(_ progress: @autoclosure () -> CaptureProgress, count: @autoclosure () -> Int) {
        let now = clock.now
        if let lastDraw, now - lastDraw < Self.redrawInterval { return }
        lastDraw = now
        draw(Self.line(progress(), count: count(), noun: noun, elapsed: now - started))
    }

    /// `read 12.0 MiB of 96.0 MiB (12%)  41.2 MiB/s  310 sessions  [2/3 files]`.
    static func line(_ progress: CaptureProgress, count: Int, noun: String, elapsed: Duration) -> String {
        let read = UInt64(clamping: max(progress.bytesRead, 0))
        var text = "read \(HumanUnits.bytes(read))"
        if let total = progress.totalBytes, total > 0 {
            let percent = min(100, Int(Double(read) / Double(total) * 100))
            text += " of \(HumanUnits.bytes(UInt64(clamping: total))) (\(percent)%)"
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if seconds > 0 {
            let rate = Double(read) / seconds
            // A rate beyond UInt64 is not possible for real reads; clamp so conversion cannot trap.
            text += "  \(HumanUnits.bytes(rate < 1.8e19 ? UInt64(rate) : .max))/s"
        }
        text += "  \(count) \(noun)\(count == 1 ? "" : "s")"
        if progress.captureCount > 1 { text += "  [\(progress.captureIndex + 1)/\(progress.captureCount) files]" }
        return text
    }

    /// Clears the line, if one was drawn.
    func finish() {
        guard drawn else { return }
        drawn = false
        write("\r\u{1B}[K")
    }

    private func draw(_ text: String) {
        // One column short of the width: a line that fills the last column would wrap on some terminals,
        // and a wrapped line cannot be redrawn with a carriage return.
        let fitted = width.map { String(text.prefix(max($0 - 1, 1))) } ?? text
        drawn = true
        write("\r" + fitted + "\u{1B}[K")
    }

    private func write(_ text: String) {
        OutputFile.standardError.write(text)
        OutputFile.standardError.flush()
    }
}
