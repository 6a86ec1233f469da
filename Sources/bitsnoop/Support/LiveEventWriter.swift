import AnalyzerCore
import BITSAnalyzer
import ReportOutput

/// Writes what happens during `bitsnoop live`: one line per event for a person, and/or one NDJSON
/// object per event, each flushed at once so that `| jq` follows live. Also keeps every finding
/// for the final timeline.
final class LiveEventWriter: BITSSessionObserver, FindingSink {
    private let human: OutputFile?
    private let ndjson: OutputFile?
    private let precision: TimestampPrecision
    private let progressSeconds: Double
    private let lines: LiveEventLines
    private var lastProgress: [String: CaptureTimestamp] = [:]
    /// Every finding reported, in order.
    let collector = FindingCollector()

    /// Creates a writer. `progressSeconds` is the least capture time between two progress lines of
    /// one session; `style` colours and fits the human lines.
    init(human: OutputFile?, ndjson: OutputFile?, precision: TimestampPrecision, progressSeconds: Double,
         style: TextStyle = .plain) {
        self.lines = LiveEventLines(style: style)
        self.human = human
        self.ndjson = ndjson
        self.precision = precision
        self.progressSeconds = progressSeconds
    }

    private func emit(_ event: JSONValue, line: String?) {
        if let ndjson {
            ndjson.write(event.serialized(pretty: false) + "\n")
            ndjson.flush()
        }
        if let human, let line {
            human.write(line + "\n")
            human.flush()
        }
    }

    func sessionStarted(_ session: BITSSession) {
        emit(LiveEvents.sessionCreated(session, precision: precision), line: lines.created(session))
    }

    func requestFinished(_ request: BITSRequestRecord, in session: BITSSession) {
        var line: String?
        if request.type == .fragment, let id = session.sessionID {
            let time = request.ackTime ?? request.time
            if lastProgress[id].map({ time.seconds(since: $0) >= progressSeconds }) ?? true {
                lastProgress[id] = time
                line = lines.progress(session, time: time)
            }
        }
        emit(LiveEvents.request(request, in: session, precision: precision), line: line)
    }

    func sessionEnded(_ session: BITSSession, time: CaptureTimestamp) {
        if let id = session.sessionID { lastProgress[id] = nil }
        emit(LiveEvents.sessionEnded(session, time: time, precision: precision), line: lines.ended(session, time: time))
    }

    func report(_ finding: Finding) {
        collector.report(finding)
        emit(LiveEvents.finding(finding, precision: precision), line: lines.finding(finding))
    }

    /// Emits a `stats` event (NDJSON only: people get the summary at the end).
    func stats(time: CaptureTimestamp?, counters: [(String, UInt64)]) {
        emit(LiveEvents.stats(time: time, counters: counters, precision: precision), line: nil)
    }
}
