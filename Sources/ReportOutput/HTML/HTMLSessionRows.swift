import AnalyzerCore
import BITSAnalyzer

/// The timeline section: zoom controls and an axis, then one collapsible row per session with its
/// requests drawn on the shared time axis (a lane per connection), its finding markers, and, opened,
/// its details, its drawing on its own time scale, byte map and request table.
struct HTMLSessionRows {
    /// Shared data.
    let context: HTMLReportContext
    /// More detail lines per session (see ``HTMLReport/extraSessionDetails``).
    let extraDetails: (Int, BITSSession) -> [(label: String, value: String)]

    /// Lanes drawn per row; further connections share lanes (lane = connection order modulo this).
    static let maxLanes = 6
    /// Height of one lane in SVG units.
    static let laneHeight = 12.0
    /// Height of the band above the lanes that holds finding markers.
    static let markerBand = 11.0


    /// Writes the section to `out`.
    func render(into out: inout HTMLWriter) {
        let digest = context.timeline.digest
        out.raw("<section id=\"timeline\">\n<h2>Sessions</h2>\n")
        out.raw("<nav class=\"pager\" aria-label=\"Session pages\">"
            + "<label>Show <select id=\"state-filter\"><option value=\"\">all sessions</option>"
            + "<option value=\"with-findings\">with findings</option>")
        for state in BITSSessionState.allCases where context.rows.contains(where: { $0.state == state }) {
            out.element("option", ["value": state.rawValue], text: state.rawValue)
        }
        out.raw("</select></label> <button type=\"button\" id=\"page-prev\">◀ Previous</button> ")
        out.element("span", ["id": "page-info"], text: "Sessions 1–\(context.sessionsDrawn) of \(context.sessionsDrawn)")
        out.raw(" <button type=\"button\" id=\"page-next\">Next ▶</button> "
            + "<button type=\"button\" id=\"expand-all\">Open all on page</button></nav>\n")
        axis(into: &out)
        out.start("div", ["id": "sessions", "data-page-size": String(max(context.limits.sessionsPerPage, 1))])
        out.raw("\n")
        if digest.sessionCount == 0 { out.raw("<p class=\"empty\">No BITS session in the capture.</p>\n") }
        for (index, session) in context.rows.enumerated() {
            row(index: index, session: session, into: &out)
        }
        let kept = context.timeline.keptSessions.count
        if context.sessionsDrawn < kept {
            out.element("p", ["class": "note"], text: "\(kept - context.sessionsDrawn) more sessions are not drawn "
                + "(limit: \(context.limits.maxSessions) rows).")
            out.raw("\n")
        }
        if digest.sessionsLeftOut > 0 {
            out.element("p", ["class": "note", "id": "sessions-left-out"], text: HTMLOverview.leftOutSentence(digest))
            out.raw("\n")
        }
        out.raw("</div>\n</section>\n")
    }

    /// The zoom controls and the time axis above the rows, with ticks in seconds from the start.
    /// The page's script zooms the rows' drawings (buttons, or a drag across the axis) and rewrites
    /// the ticks and the label; without it the whole capture is shown.
    private func axis(into out: inout HTMLWriter) {
        let scale = context.scale
        out.raw("<nav class=\"zoom\" aria-label=\"Time axis zoom\">Time axis: "
            + "<button type=\"button\" id=\"zoom-in\" title=\"Zoom in (or drag across the axis)\">+ Zoom in</button> "
            + "<button type=\"button\" id=\"zoom-out\">− Zoom out</button> "
            + "<button type=\"button\" id=\"zoom-left\" title=\"Earlier\">◀</button> "
            + "<button type=\"button\" id=\"zoom-right\" title=\"Later\">▶</button> "
            + "<button type=\"button\" id=\"zoom-reset\">Whole capture</button> "
            + "<span class=\"hint\">or drag across the axis to zoom to a stretch of time</span></nav>\n")
        out.element("p", ["id": "zoom-info", "class": "axis-label"], text: "Time axis: the whole capture, "
            + "+0 to +\(HumanUnits.duration(scale.span)) from its first message")
        out.raw("\n")
        axisSVG(scale, id: "time-axis", span: scale, session: nil, into: &out)
    }

    /// An axis drawing of `scale`: about eight ticks, labelled `+duration` from its start. The
    /// shared axis has an `id` and its span and edges as data; a session's own one its number.
    private func axisSVG(_ scale: TimelineScale, id: String?, span: TimelineScale?, session: Int?,
                         into out: inout HTMLWriter) {
        out.start("svg", ["class": "axis", "id": id, "data-span": span.map { "\($0.span)" },
                          "data-left": span.map { HTMLText.number($0.left) },
                          "data-right": span.map { HTMLText.number($0.right) },
                          "data-session": session.map(String.init),
                          "viewBox": "0 0 \(Int(HTMLReportContext.rowWidth)) 22",
                          "preserveAspectRatio": "xMinYMin meet", "role": "img", "aria-label": "time axis"])
        out.start("g", ["class": "ticks"])
        for tick in scale.ticks(count: 8) {
            let x = HTMLText.number(scale.left + (scale.right - scale.left) * tick / scale.span)
            out.empty("line", ["x1": x, "y1": "14", "x2": x, "y2": "22"])
            out.element("text", ["x": x, "y": "11", "text-anchor": "middle"], text: "+\(HumanUnits.duration(tick))")
        }
        out.raw("</g></svg>\n")
    }

    /// The session's own time scale: from its first to its last message or finding.
    private func sessionScale(_ session: BITSSession, findings: [Int]) -> TimelineScale {
        var first = session.firstTime
        var last = session.lastTime
        for index in findings {
            guard let time = context.timeline.findings[index].time else { continue }
            first = min(first, time)
            last = max(last, time)
        }
        return TimelineScale(start: first, end: last, left: HTMLReportContext.axisLeft, right: HTMLReportContext.axisRight)
    }

    private func row(index: Int, session: BITSSession, into out: inout HTMLWriter) {
        let findings = context.findingsBySession[index] ?? []
        let worst = context.worstSeverity(findings)
        out.start("details", ["class": "session state-\(session.state.rawValue)", "id": HTMLReport.sessionAnchor(index),
                              "data-state": session.state.rawValue, "data-findings": String(findings.count),
                              "data-severity": worst.map { "\($0)" }])
        out.raw("\n<summary><span class=\"row-head\">")
        out.element("span", ["class": "sid"], text: session.sessionID ?? "(no session ID)")
        out.element("span", ["class": "chip state-\(session.state.rawValue)"], text: session.state.rawValue)
        if let rejection = SessionSummaryCells.rejection(session) {
            // Why it was refused, on the row itself: the status and the error code's name.
            out.element("span", ["class": "progress rejection", "title": Self.rejectionTitle(session)], text: rejection)
        } else {
            out.element("span", ["class": "progress"], text: progress(session))
        }
        out.element("span", ["class": "url"], text: session.url)
        if let worst {
            out.element("span", ["class": "chip sev-\(worst)"],
                        text: "\(findings.count) finding\(findings.count == 1 ? "" : "s")")
        }
        out.raw("</span>\n")
        track(index: index, session: session, findings: findings, scale: context.scale, laneLimit: Self.maxLanes,
              kind: "overview", into: &out)
        out.raw("</summary>\n<div class=\"detail\">\n")
        facts(index: index, session: session, into: &out)
        ownTimeline(index: index, session: session, findings: findings, into: &out)
        HTMLByteMapView(map: SessionByteMap(session: session, fragmentLimit: context.limits.maxRequestsPerSession))
            .render(into: &out)
        requestTable(session, into: &out)
        if !findings.isEmpty {
            out.raw("<h4>Findings</h4>\n<ul class=\"session-findings\">\n")
            for findingIndex in findings {
                let finding = context.timeline.findings[findingIndex]
                out.start("li")
                out.element("a", ["href": "#\(HTMLReport.findingAnchor(findingIndex))"]) {
                    $0.element("span", ["class": "chip sev-\(finding.severity)"], text: "\(finding.severity)")
                    $0.raw(" ")
                    $0.element("code", text: finding.code.rawValue)
                }
                out.text(" " + finding.message)
                out.end("li")
                out.raw("\n")
            }
            out.raw("</ul>\n")
        }
        out.raw("</div>\n</details>\n")
    }

    /// What a refused session's error code means (`0x80070005: access denied`), for the row's tooltip
    /// and details; `nil` without an error code.
    static func rejectionTitle(_ session: BITSSession) -> String? {
        guard let code = session.requests.last(where: { $0.type == .createSession && $0.status != nil })?.errorCode
        else { return nil }
        return code.description + (code.meaning.map { ": " + $0 } ?? "")
    }

    private func progress(_ session: BITSSession) -> String {
        let acknowledged = session.bytesAcknowledged ?? 0
        if session.missingDirection == .serverToClient {
            return "? / " + (session.totalLength.map { HumanUnits.bytes($0) } ?? "?")
        }
        guard let total = session.totalLength else {
            return session.bytesAcknowledged.map { HumanUnits.bytes($0) } ?? "no data"
        }
        let percent = total > 0 ? Int(Double(min(acknowledged, total)) / Double(total) * 100) : 100
        return "\(HumanUnits.bytes(acknowledged)) / \(HumanUnits.bytes(total)) (\(percent)%)"
    }

    /// The opened session's drawing on its own time scale (the overview's is the capture's), with
    /// a lane per connection up to ``HTMLReportLimits/maxLanesPerSession``.
    private func ownTimeline(index: Int, session: BITSSession, findings: [Int], into out: inout HTMLWriter) {
        let scale = sessionScale(session, findings: findings)
        out.raw("<h4>Time line of this session</h4>\n")
        out.element("p", ["class": "axis-label"], text: "Its own time scale: +0 is "
            + "\(context.clock(scale.start)) (\(context.relative(scale.start)) in the capture), the end "
            + "+\(HumanUnits.duration(scale.span)) later.")
        out.raw("\n")
        axisSVG(scale, id: nil, span: nil, session: index + 1, into: &out)
        track(index: index, session: session, findings: findings, scale: scale,
              laneLimit: max(context.limits.maxLanesPerSession, 1), kind: "own-scale", into: &out)
    }

    /// A session's drawing on `scale`: a lane per connection (connections past `laneLimit` share
    /// lanes, labelled with all of theirs), requests where they happened, finding markers on top.
    /// `kind` is `overview` (the row, which the page's script zooms) or `own-scale` (the details).
    private func track(index: Int, session: BITSSession, findings: [Int], scale: TimelineScale, laneLimit: Int,
                       kind: StaticString, into out: inout HTMLWriter) {
        let lanes = max(1, min(session.connections.count, laneLimit))
        let height = Self.markerBand + Double(lanes) * Self.laneHeight + 2
        var laneOf: [Int: Int] = [:]
        for (position, connection) in session.connections.enumerated() where laneOf[connection] == nil {
            laneOf[connection] = position % laneLimit
        }
        out.start("svg", ["class": "track \(kind)",
                          "viewBox": "0 0 \(Int(HTMLReportContext.rowWidth)) \(HTMLText.number(height))",
                          "preserveAspectRatio": "xMinYMin meet", "role": "img",
                          "aria-label": "requests of session \(index + 1)"])
        for lane in 0..<lanes {
            let y = Self.markerBand + Double(lane) * Self.laneHeight
            out.empty("rect", ["class": "lane\(lane % 2 == 0 ? "" : " odd")", "x": HTMLText.number(scale.left),
                               "y": HTMLText.number(y), "width": HTMLText.number(scale.right - scale.left),
                               "height": HTMLText.number(Self.laneHeight)])
            let labels = session.connections.enumerated().filter { $0.offset % laneLimit == lane }.map { "#\($0.element)" }
            out.element("text", ["class": "lane-label", "x": "2", "y": HTMLText.number(y + 9)]) {
                $0.element("title", text: "connection\(labels.count == 1 ? "" : "s") \(labels.joined(separator: ", "))")
                $0.text(Self.laneLabel(labels))
            }
        }
        out.start("g", ["class": "plot"])
        for request in session.requests.prefix(context.limits.maxRequestsPerSession) {
            let lane = laneOf[request.connection] ?? 0
            HTMLRequestMark(request: request, session: session, lane: lane, context: context, scale: scale)
                .render(into: &out)
        }
        for findingIndex in findings {
            let finding = context.timeline.findings[findingIndex]
            let x = HTMLText.number(scale.x(finding.time ?? session.lastTime))
            out.element("a", ["href": "#\(HTMLReport.findingAnchor(findingIndex))"]) {
                $0.element("path", ["class": "finding sev-\(finding.severity)", "data-code": finding.code.rawValue,
                                    "data-x": x, "d": "M\(x) \(HTMLText.number(Self.markerBand - 1)) l-5 -9 h10 z"]) {
                    $0.element("title", text: "\(finding.severity) \(finding.code.rawValue): \(finding.message)")
                }
            }
        }
        out.raw("</g></svg>\n")
    }

    /// Characters of a lane label that fit the gutter left of the axis.
    static let laneLabelCharacters = 8

    /// `#3`, `#1 #7`, or, when they do not fit the gutter, `#1 +2` (the first and how many more;
    /// the lane's title lists them all).
    static func laneLabel(_ labels: [String]) -> String {
        let all = labels.joined(separator: " ")
        guard all.count > laneLabelCharacters, let first = labels.first, labels.count > 1 else { return all }
        return "\(first) +\(labels.count - 1)"
    }

    private func facts(index: Int, session: BITSSession, into out: inout HTMLWriter) {
        var lines: [(String, String)] = [
            ("URL", session.url),
            ("Host", session.host ?? "-"),
            ("Client", session.client.description),
            ("Servers", session.servers.isEmpty ? "-" : session.servers.map(\.description).joined(separator: ", ")),
            ("Connections", session.connections.map { "#\($0)" }.joined(separator: ", ")),
            ("Protocol", session.chosenProtocol ?? "-"),
            ("Total length", session.totalLength.map { "\(HTMLText.grouped($0)) bytes" } ?? "unknown"),
            ("Acknowledged", session.bytesAcknowledged.map { "\(HTMLText.grouped($0)) bytes" } ?? "none"),
            ("Create-Session seen", session.createSeen ? "yes" : "no"),
            ("First / last", "\(context.clock(session.firstTime)) / \(context.clock(session.lastTime)) "
                + "(\(HumanUnits.duration(session.lastTime.seconds(since: session.firstTime))))"),
        ]
        if let reason = session.stateReason { lines.insert(("Outcome unknown", reason), at: 0) }
        if let rejection = SessionSummaryCells.rejection(session) {
            lines.insert(("Refused", rejection + (Self.rejectionTitle(session).map { " — " + $0 } ?? "")), at: 0)
        }
        if let name = session.contentName { lines.append(("Content-Name", name)) }
        if let reply = session.replyURL {
            lines.append(("Reply URL", reply + (session.replyFetched ? " (fetched)" : " (not fetched)")))
        }
        if let host = session.hostID { lines.append(("Host ID", host)) }
        lines += extraDetails(index, session).map { ($0.label, $0.value) }
        out.start("dl", ["class": "facts"])
        for (label, value) in lines {
            out.element("dt", text: label)
            out.element("dd", text: value)
        }
        out.raw("</dl>\n")
    }

    private func requestTable(_ session: BITSSession, into out: inout HTMLWriter) {
        out.raw("<h4>Requests</h4>\n<table class=\"requests\"><thead><tr><th>#</th><th>time</th><th>type</th>"
            + "<th>conn</th><th>range</th><th>body</th><th>status</th><th>Ack after</th><th>received</th>"
            + "<th>error</th></tr></thead><tbody>\n")
        for (number, request) in session.requests.prefix(context.limits.maxRequestsPerSession).enumerated() {
            let rowClass: String? = HTMLRequestMark.failed(request) ? "failed"
                : HTMLRequestMark.resync(request) ? "resync" : nil
            out.start("tr", ["class": rowClass])
            out.element("td", text: String(number + 1))
            out.element("td", ["title": context.clock(request.time)], text: context.relative(request.time))
            out.element("td", text: request.type.description
                + (request.method == "BITS_POST" ? "" : " (\(request.method))"))
            out.element("td", text: "#\(request.connection)")
            out.element("td", text: request.range?.text ?? "")
            out.element("td", text: (request.bodyBytes > 0 || request.bodyGapBytes > 0 ? HumanUnits.bytes(request.bodyBytes) : "")
                + (request.bodyGapBytes > 0 ? " (\(HumanUnits.bytes(request.bodyGapBytes)) missing)" : ""))
            out.element("td", text: (request.status.map(String.init) ?? (request.unanswered ? "none" : "-"))
                + (request.challenge ? " (challenge)" : ""))
            out.element("td", text: request.ackTime.map { HumanUnits.duration($0.seconds(since: request.time)) } ?? "")
            out.element("td", text: request.received.map { HTMLText.grouped($0) } ?? "")
            var error = request.errorCode.map { $0.description + ($0.name.map { " \($0)" } ?? "") } ?? ""
            if let errorContext = request.errorContext { error += " " + errorContext }
            out.element("td", text: error)
            out.end("tr")
            out.raw("\n")
        }
        out.raw("</tbody></table>\n")
        if session.requests.count > context.limits.maxRequestsPerSession {
            out.element("p", ["class": "note"], text: "\(session.requests.count - context.limits.maxRequestsPerSession) "
                + "more requests are not drawn (limit: \(context.limits.maxRequestsPerSession)).")
            out.raw("\n")
        }
    }
}
