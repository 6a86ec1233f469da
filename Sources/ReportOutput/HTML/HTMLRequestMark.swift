import AnalyzerCore
import BITSAnalyzer

/// One request drawn on a session row: a Fragment as a bar from the request to its Ack, other
/// requests as a mark; failed Acks, 416 resynchronisations and requests never answered in their own
/// colours; the details in a hover title.
struct HTMLRequestMark {
    /// The request.
    let request: BITSRequestRecord
    /// Its session (for the end of an unanswered bar).
    let session: BITSSession
    /// The lane (connection) it is drawn in.
    let lane: Int
    /// Shared data.
    let context: HTMLReportContext
    /// The time axis it is drawn on: the capture's (overview) or the session's own (details).
    let scale: TimelineScale

    /// Least width of a fragment bar, so that an instant Ack still shows.
    static let minimumBarWidth = 2.0

    /// Whether the answer was a 416 (Range Not Satisfiable): not a failure but the server telling
    /// the client where to resume (BITS-Received-Content-Range).
    static func resync(_ request: BITSRequestRecord) -> Bool { request.status == 416 }

    /// Whether the answer was a failure: an HTTP status outside 2xx (a challenge and a 416
    /// resynchronisation aside) or a BITS error code.
    static func failed(_ request: BITSRequestRecord) -> Bool {
        if request.challenge || resync(request) { return false }
        if let code = request.errorCode, !code.isNoError { return true }
        guard let status = request.status else { return false }
        return !(200...299).contains(status)
    }

    /// The outcome class: `ok`, `failed`, `resync`, `challenge` or `unanswered`.
    var outcome: String {
        if request.challenge { return "challenge" }
        if Self.resync(request) { return "resync" }
        if Self.failed(request) { return "failed" }
        if request.status == nil { return "unanswered" }
        return "ok"
    }


    /// Writes the mark's SVG element, with its hover title, to `out`.
    func render(into out: inout HTMLWriter) {
        let top = HTMLSessionRows.markerBand + Double(lane) * HTMLSessionRows.laneHeight
        let x = scale.x(request.time)
        let title = description
        switch request.type {
        case .fragment:
            let end = scale.x(request.ackTime ?? session.lastTime)
            let width = max(end - x, Self.minimumBarWidth)
            // data-x1: the true end, before the least width; the page's zoom stretches from it.
            out.element("rect", ["class": "frag \(outcome)", "x": HTMLText.number(x), "y": HTMLText.number(top + 2),
                                 "data-x1": HTMLText.number(end), "width": HTMLText.number(width),
                                 "height": HTMLText.number(HTMLSessionRows.laneHeight - 4)]) {
                $0.element("title", text: title)
            }
        case .createSession, .closeSession, .cancelSession:
            let kind = request.type == .createSession ? "create" : request.type == .closeSession ? "close" : "cancel"
            out.element("rect", ["class": "mark \(kind) \(outcome)", "x": HTMLText.number(x - 1.5),
                                 "y": HTMLText.number(top), "width": "3",
                                 "height": HTMLText.number(HTMLSessionRows.laneHeight)]) {
                $0.element("title", text: title)
            }
        default:
            out.element("rect", ["class": "mark ping \(outcome)", "x": HTMLText.number(x - 1.5),
                                 "y": HTMLText.number(top + 3), "width": "3",
                                 "height": HTMLText.number(HTMLSessionRows.laneHeight - 6)]) {
                $0.element("title", text: title)
            }
        }
    }

    /// `fragment 0-4095/10000 on #2 at +0.120 s: 200 after 3 ms, received 4096`.
    private var description: String {
        var text = "\(request.type) "
        if let range = request.range { text += "\(range.text) " }
        text += "on #\(request.connection) at \(context.relative(request.time)): "
        if let status = request.status {
            text += "\(status)"
            if let ack = request.ackTime { text += " after \(HumanUnits.duration(ack.seconds(since: request.time)))" }
            if let received = request.received { text += ", received \(received)" }
            if let code = request.errorCode, !code.isNoError { text += ", error \(code)\(code.name.map { " \($0)" } ?? "")" }
            if Self.resync(request) { text += " (the server asks the client to resume at its received offset)" }
        } else {
            text += "never answered"
        }
        return text
    }
}
