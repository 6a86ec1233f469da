import AnalyzerCore
import BITSAnalyzer

/// What every part of the HTML report shares: the results, the limits, the session rows, the time
/// axis, which findings belong to which session row, and which findings the table lists.
struct HTMLReportContext {
    /// The analysis results.
    let timeline: TimelineReport
    /// Bounds on what is drawn.
    let limits: HTMLReportLimits
    /// The sessions that get a row, in row order: every kept session in the order first seen, or,
    /// when the digest left sessions out, the kept sessions with findings first (worst first).
    let rows: [BITSSession]
    /// How many sessions get a row.
    var sessionsDrawn: Int { rows.count }
    /// Indexes into `timeline.findings` of the findings table's rows, in capture order: the first
    /// ``HTMLReportLimits/maxFindings``; when the digest left sessions out, only those of a drawn
    /// session or of none.
    let listedFindings: [Int]
    /// Earliest time of any session or finding, if any.
    let firstTime: CaptureTimestamp?
    /// Latest time of any session or finding, if any.
    let lastTime: CaptureTimestamp?
    /// The shared axis of the session rows, in SVG units.
    let scale: TimelineScale
    /// Indexes into `timeline.findings` of each drawn session's findings, by session index.
    let findingsBySession: [Int: [Int]]
    /// The drawn session each finding belongs to, by finding index.
    let sessionOfFinding: [Int: Int]

    /// Left edge of the time axis in a row's SVG (the gutter holds lane labels).
    static let axisLeft = 44.0
    /// Right edge of the time axis in a row's SVG.
    static let axisRight = 994.0
    /// Width of a row's SVG in user units.
    static let rowWidth = 1000.0

    init(timeline: TimelineReport, limits: HTMLReportLimits) {
        self.timeline = timeline
        self.limits = limits
        let leftOut = timeline.digest.sessionsLeftOut > 0
        rows = Array((leftOut ? timeline.digest.keptSessionsWorstFirst : timeline.keptSessions)
            .prefix(max(limits.maxSessions, 0)))
        var first: CaptureTimestamp?
        var last: CaptureTimestamp?
        for session in rows {
            first = min(first ?? session.firstTime, session.firstTime)
            last = max(last ?? session.lastTime, session.lastTime)
        }
        for finding in timeline.findings {
            guard let time = finding.time else { continue }
            first = min(first ?? time, time)
            last = max(last ?? time, time)
        }
        firstTime = first
        lastTime = last
        scale = TimelineScale(start: first ?? .zero, end: last ?? .zero, left: Self.axisLeft, right: Self.axisRight)

        // A finding names its session by number (a refused session has no ID), or else by ID: the
        // first drawn session with that ID gets it.
        var rowOfNumber: [Int: Int] = [:]
        var rowOfID: [String: Int] = [:]
        for (index, session) in rows.enumerated() {
            if rowOfNumber[session.number] == nil { rowOfNumber[session.number] = index }
            if let id = session.sessionID, rowOfID[id] == nil { rowOfID[id] = index }
        }
        var bySession: [Int: [Int]] = [:]
        var ofFinding: [Int: Int] = [:]
        for (index, finding) in timeline.findings.enumerated() {
            let row = finding.sessionNumber.map { rowOfNumber[$0] } ?? finding.sessionID.flatMap { rowOfID[$0] }
            guard let row else { continue }
            bySession[row, default: []].append(index)
            ofFinding[index] = row
        }
        findingsBySession = bySession
        sessionOfFinding = ofFinding
        let tableRows = max(limits.maxFindings, 0)
        if leftOut {
            var listed: [Int] = []
            for (index, finding) in timeline.findings.enumerated() where listed.count < tableRows {
                let tied = finding.sessionID != nil || finding.sessionNumber != nil
                if !tied || ofFinding[index] != nil { listed.append(index) }
            }
            listedFindings = listed
        } else {
            listedFindings = Array(timeline.findings.indices.prefix(tableRows))
        }
    }

    /// A capture time as RFC 3339 with the capture's precision.
    func clock(_ time: CaptureTimestamp) -> String { time.rfc3339(precision: timeline.precision) }

    /// `+1.234 s`: a time as seconds since the start of the axis.
    func relative(_ time: CaptureTimestamp) -> String {
        let seconds = scale.offset(time)
        // Hostile timestamps can be centuries apart: beyond a million years, Int conversion could trap.
        guard seconds.isFinite, seconds < 3e13 else { return "-" }
        // Times before the start do not occur (the axis starts at the earliest); clamp anyway.
        let millis = Int((max(seconds, 0) * 1000).rounded())
        return "+\(millis / 1000).\(String(repeating: "0", count: 3 - String(millis % 1000).count))\(millis % 1000) s"
    }

    /// The most severe of the given findings, if any.
    func worstSeverity(_ findingIndexes: [Int]) -> Severity? {
        findingIndexes.map { timeline.findings[$0].severity }.max()
    }
}
