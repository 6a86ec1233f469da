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

    /// The section's markup.
    func render() -> String {
        let sessions = context.timeline.sessions
        var out = "<section id=\"timeline\">\n<h2>Sessions</h2>\n"
        out += "<nav class=\"pager\" aria-label=\"Session pages\">"
            + "<label>Show <select id=\"state-filter\"><option value=\"\">all sessions</option>"
            + "<option value=\"with-findings\">with findings</option>"
        for state in BITSSessionState.allCases where sessions.contains(where: { $0.state == state }) {
            out += "<option value=\"\(state.rawValue)\">\(state.rawValue)</option>"
        }
        out += "</select></label> <button type=\"button\" id=\"page-prev\">◀ Previous</button> "
            + "<span id=\"page-info\">Sessions 1–\(context.sessionsDrawn) of \(context.sessionsDrawn)</span> "
            + "<button type=\"button\" id=\"page-next\">Next ▶</button> "
            + "<button type=\"button\" id=\"expand-all\">Open all on page</button></nav>\n"
        out += axis()
        out += "<div id=\"sessions\" data-page-size=\"\(max(context.limits.sessionsPerPage, 1))\">\n"
        if sessions.isEmpty { out += "<p class=\"empty\">No BITS session in the capture.</p>\n" }
        for (index, session) in sessions.prefix(context.sessionsDrawn).enumerated() {
            out += row(index: index, session: session)
        }
        if context.sessionsDrawn < sessions.count {
            out += "<p class=\"note\">\(sessions.count - context.sessionsDrawn) more sessions are not drawn "
                + "(limit: \(context.limits.maxSessions) rows).</p>\n"
        }
        out += "</div>\n</section>\n"
        return out
    }

    /// The zoom controls and the time axis above the rows, with ticks in seconds from the start.
    /// The page's script zooms the rows' drawings (buttons, or a drag across the axis) and rewrites
    /// the ticks and the label; without it the whole capture is shown.
    private func axis() -> String {
        let scale = context.scale
        var out = "<nav class=\"zoom\" aria-label=\"Time axis zoom\">Time axis: "
            + "<button type=\"button\" id=\"zoom-in\" title=\"Zoom in (or drag across the axis)\">+ Zoom in</button> "
            + "<button type=\"button\" id=\"zoom-out\">− Zoom out</button> "
            + "<button type=\"button\" id=\"zoom-left\" title=\"Earlier\">◀</button> "
            + "<button type=\"button\" id=\"zoom-right\" title=\"Later\">▶</button> "
            + "<button type=\"button\" id=\"zoom-reset\">Whole capture</button> "
            + "<span class=\"hint\">or drag across the axis to zoom to a stretch of time</span></nav>\n"
        out += "<p id=\"zoom-info\" class=\"axis-label\">Time axis: the whole capture, "
            + "+0 to +\(HumanUnits.duration(scale.span)) from its first message</p>\n"
        out += axisSVG(scale, attributes: "id=\"time-axis\" data-span=\"\(scale.span)\" "
            + "data-left=\"\(HTMLText.number(scale.left))\" data-right=\"\(HTMLText.number(scale.right))\"")
        return out
    }

    /// An axis drawing of `scale`: about eight ticks, labelled `+duration` from its start.
    private func axisSVG(_ scale: TimelineScale, attributes: String) -> String {
        var out = "<svg class=\"axis\" \(attributes) viewBox=\"0 0 \(Int(HTMLReportContext.rowWidth)) 22\" "
            + "preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-label=\"time axis\"><g class=\"ticks\">"
        for tick in scale.ticks(count: 8) {
            let x = scale.left + (scale.right - scale.left) * tick / scale.span
            out += "<line x1=\"\(HTMLText.number(x))\" y1=\"14\" x2=\"\(HTMLText.number(x))\" y2=\"22\"/>"
            out += "<text x=\"\(HTMLText.number(x))\" y=\"11\" text-anchor=\"middle\">+\(HumanUnits.duration(tick))</text>"
        }
        out += "</g></svg>\n"
        return out
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

    private func row(index: Int, session: BITSSession) -> String {
        let findings = context.findingsBySession[index] ?? []
        let worst = context.worstSeverity(findings)
        let anchor = HTMLReport.sessionAnchor(index)
        var out = "<details class=\"session state-\(session.state.rawValue)\" id=\"\(anchor)\" "
            + "data-state=\"\(session.state.rawValue)\" data-findings=\"\(findings.count)\""
        if let worst { out += " data-severity=\"\(worst)\"" }
        out += ">\n<summary><span class=\"row-head\">"
            + "<span class=\"sid\">\(HTMLText.escape(session.sessionID ?? "(no session ID)"))</span>"
            + "<span class=\"chip state-\(session.state.rawValue)\">\(session.state.rawValue)</span>"
            + "<span class=\"progress\">\(HTMLText.escape(progress(session)))</span>"
            + "<span class=\"url\">\(HTMLText.escape(session.url))</span>"
        if let worst {
            out += "<span class=\"chip sev-\(worst)\">\(findings.count) finding\(findings.count == 1 ? "" : "s")</span>"
        }
        out += "</span>\n"
            + track(index: index, session: session, findings: findings, scale: context.scale, laneLimit: Self.maxLanes,
                    kind: "overview")
            + "</summary>\n"
        out += "<div class=\"detail\">\n" + facts(index: index, session: session)
        out += ownTimeline(index: index, session: session, findings: findings)
        out += HTMLByteMapView(map: SessionByteMap(session: session, fragmentLimit: context.limits.maxRequestsPerSession))
            .render()
        out += requestTable(session)
        if !findings.isEmpty {
            out += "<h4>Findings</h4>\n<ul class=\"session-findings\">\n"
            for findingIndex in findings {
                let finding = context.timeline.findings[findingIndex]
                out += "<li><a href=\"#\(HTMLReport.findingAnchor(findingIndex))\">"
                    + "<span class=\"chip sev-\(finding.severity)\">"
                    + "\(finding.severity)</span> <code>\(HTMLText.escape(finding.code.rawValue))</code></a> "
                    + "\(HTMLText.escape(finding.message))</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</div>\n</details>\n"
        return out
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
    private func ownTimeline(index: Int, session: BITSSession, findings: [Int]) -> String {
        let scale = sessionScale(session, findings: findings)
        return "<h4>Time line of this session</h4>\n<p class=\"axis-label\">Its own time scale: +0 is "
            + "\(context.clock(scale.start)) (\(context.relative(scale.start)) in the capture), the end "
            + "+\(HumanUnits.duration(scale.span)) later.</p>\n"
            + axisSVG(scale, attributes: "data-session=\"\(index + 1)\"")
            + track(index: index, session: session, findings: findings, scale: scale,
                    laneLimit: max(context.limits.maxLanesPerSession, 1), kind: "own-scale")
    }

    /// A session's drawing on `scale`: a lane per connection (connections past `laneLimit` share
    /// lanes, labelled with all of theirs), requests where they happened, finding markers on top.
    /// `kind` is `overview` (the row, which the page's script zooms) or `own-scale` (the details).
    private func track(index: Int, session: BITSSession, findings: [Int], scale: TimelineScale, laneLimit: Int,
                       kind: String) -> String {
        let lanes = max(1, min(session.connections.count, laneLimit))
        let height = Self.markerBand + Double(lanes) * Self.laneHeight + 2
        var laneOf: [Int: Int] = [:]
        for (position, connection) in session.connections.enumerated() where laneOf[connection] == nil {
            laneOf[connection] = position % laneLimit
        }
        var out = "<svg class=\"track \(kind)\" viewBox=\"0 0 \(Int(HTMLReportContext.rowWidth)) \(HTMLText.number(height))\" "
            + "preserveAspectRatio=\"xMinYMin meet\" role=\"img\" aria-label=\"requests of session \(index + 1)\">"
        for lane in 0..<lanes {
            let y = Self.markerBand + Double(lane) * Self.laneHeight
            out += "<rect class=\"lane\(lane % 2 == 0 ? "" : " odd")\" x=\"\(HTMLText.number(scale.left))\" "
                + "y=\"\(HTMLText.number(y))\" width=\"\(HTMLText.number(scale.right - scale.left))\" "
                + "height=\"\(HTMLText.number(Self.laneHeight))\"/>"
            let labels = session.connections.enumerated().filter { $0.offset % laneLimit == lane }.map { "#\($0.element)" }
            out += "<text class=\"lane-label\" x=\"2\" y=\"\(HTMLText.number(y + 9))\">"
                + "<title>connection\(labels.count == 1 ? "" : "s") \(labels.joined(separator: ", "))</title>"
                + HTMLText.escape(Self.laneLabel(labels)) + "</text>"
        }
        out += "<g class=\"plot\">"
        for request in session.requests.prefix(context.limits.maxRequestsPerSession) {
            let lane = laneOf[request.connection] ?? 0
            out += HTMLRequestMark(request: request, session: session, lane: lane, context: context, scale: scale).render()
        }
        for findingIndex in findings {
            let finding = context.timeline.findings[findingIndex]
            let x = scale.x(finding.time ?? session.lastTime)
            out += "<a href=\"#\(HTMLReport.findingAnchor(findingIndex))\">"
                + "<path class=\"finding sev-\(finding.severity)\" data-code=\"\(HTMLText.escape(finding.code.rawValue))\" "
                + "data-x=\"\(HTMLText.number(x))\" d=\"M\(HTMLText.number(x)) \(HTMLText.number(Self.markerBand - 1)) l-5 -9 h10 z\">"
                + "<title>\(finding.severity) \(HTMLText.escape(finding.code.rawValue)): "
                + "\(HTMLText.escape(finding.message))</title></path></a>"
        }
        out += "</g></svg>\n"
        return out
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

    private func facts(index: Int, session: BITSSession) -> String {
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
        if let name = session.contentName { lines.append(("Content-Name", name)) }
        if let reply = session.replyURL {
            lines.append(("Reply URL", reply + (session.replyFetched ? " (fetched)" : " (not fetched)")))
        }
        if let host = session.hostID { lines.append(("Host ID", host)) }
        lines += extraDetails(index, session).map { ($0.label, $0.value) }
        var out = "<dl class=\"facts\">"
        for (label, value) in lines {
            out += "<dt>\(HTMLText.escape(label))</dt><dd>\(HTMLText.escape(value))</dd>"
        }
        return out + "</dl>\n"
    }

    private func requestTable(_ session: BITSSession) -> String {
        var out = "<h4>Requests</h4>\n<table class=\"requests\"><thead><tr><th>#</th><th>time</th><th>type</th>"
            + "<th>conn</th><th>range</th><th>body</th><th>status</th><th>Ack after</th><th>received</th>"
            + "<th>error</th></tr></thead><tbody>\n"
        for (number, request) in session.requests.prefix(context.limits.maxRequestsPerSession).enumerated() {
            let rowClass = HTMLRequestMark.failed(request) ? " class=\"failed\""
                : HTMLRequestMark.resync(request) ? " class=\"resync\"" : ""
            out += "<tr\(rowClass)><td>\(number + 1)</td>"
                + "<td title=\"\(context.clock(request.time))\">\(context.relative(request.time))</td>"
                + "<td>\(HTMLText.escape(request.type.description))"
                + "\(request.method == "BITS_POST" ? "" : " (\(HTMLText.escape(request.method)))")</td>"
                + "<td>#\(request.connection)</td>"
                + "<td>\(request.range.map { HTMLText.escape($0.text) } ?? "")</td>"
                + "<td>\(request.bodyBytes > 0 || request.bodyGapBytes > 0 ? HumanUnits.bytes(request.bodyBytes) : "")"
                + "\(request.bodyGapBytes > 0 ? " (\(HumanUnits.bytes(request.bodyGapBytes)) missing)" : "")</td>"
                + "<td>\(request.status.map(String.init) ?? (request.unanswered ? "none" : "-"))"
                + "\(request.challenge ? " (challenge)" : "")</td>"
                + "<td>\(request.ackTime.map { HumanUnits.duration($0.seconds(since: request.time)) } ?? "")</td>"
                + "<td>\(request.received.map { HTMLText.grouped($0) } ?? "")</td><td>"
            if let code = request.errorCode {
                out += HTMLText.escape(code.description + (code.name.map { " \($0)" } ?? ""))
            }
            if let errorContext = request.errorContext { out += " " + HTMLText.escape(errorContext) }
            out += "</td></tr>\n"
        }
        out += "</tbody></table>\n"
        if session.requests.count > context.limits.maxRequestsPerSession {
            out += "<p class=\"note\">\(session.requests.count - context.limits.maxRequestsPerSession) more requests "
                + "are not drawn (limit: \(context.limits.maxRequestsPerSession)).</p>\n"
        }
        return out
    }
}
