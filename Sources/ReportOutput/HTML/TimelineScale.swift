import AnalyzerCore

/// Maps capture times onto the shared horizontal axis of the timeline: `[start, end]` onto
/// `[left, right]` in SVG user units.
struct TimelineScale {
    /// The earliest time drawn.
    let start: CaptureTimestamp
    /// Seconds from `start` to the latest time drawn; at least a microsecond, so nothing divides by zero.
    let span: Double
    /// Left edge of the drawing area.
    let left: Double
    /// Right edge of the drawing area.
    let right: Double

    /// A scale covering `start...end`.
    init(start: CaptureTimestamp, end: CaptureTimestamp, left: Double, right: Double) {
        self.start = start
        self.span = max(end.seconds(since: start), 0.000_001)
        self.left = left
        self.right = right
    }

    /// The x coordinate of `time`, clamped to the drawing area.
    func x(_ time: CaptureTimestamp) -> Double {
        let fraction = time.seconds(since: start) / span
        guard fraction.isFinite else { return left }
        return left + (right - left) * min(max(fraction, 0), 1)
    }

    /// Seconds since `start`.
    func offset(_ time: CaptureTimestamp) -> Double { time.seconds(since: start) }

    /// Tick positions for an axis: about `count` round steps (1, 2 or 5 times a power of ten seconds).
    func ticks(count: Int) -> [Double] {
        let rough = span / Double(max(count, 1))
        var step = 1e-6
        while step * 5 < rough { step *= 10 }
        // The smallest of step, 2 step, 5 step that is at least `rough` (5 step is, by the loop).
        if step < rough { step *= step * 2 >= rough ? 2 : 5 }
        var ticks: [Double] = []
        var value = 0.0
        while value <= span + step / 1000, ticks.count < 100 {
            ticks.append(value)
            value += step
        }
        return ticks
    }
}
