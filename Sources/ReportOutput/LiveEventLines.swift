import AnalyzerCore
import BITSAnalyzer

/// The lines `bitsnoop live` prints for a person, one per event, coloured and fitted to the
/// terminal by the same ``TextStyle`` rules as `analyze`'s summary: severities and states in their
/// colours; a line wider than the style's width has its URL elided in the middle (the endpoints on
/// a line of their own), and a finding's message wrapped on indented lines of its own.
public struct LiveEventLines: Sendable {
    /// Colours and width.
    public let style: TextStyle

    /// Lines in `style`.
    public init(style: TextStyle) { self.style = style }

    /// `10:42:07.123  session {ID} created: /upload/x from 10.0.0.1:50000 to 10.0.0.2:80`; wider
    /// than the style allows, the URL elided in the middle and `from … to …` on an indented line of
    /// its own (joined with a newline).
    public func created(_ session: BITSSession) -> String {
        let head = "\(LiveEvents.clock(session.firstTime))  session \(session.sessionID ?? "(no id)") "
        let ends = "from \(session.client) to \(session.servers.first?.description ?? "?")"
        let painted = head + style.bold("created") + ": "
        let plainCount = head.count + "created: ".count
        guard let width = style.width, plainCount + session.url.count + 1 + ends.count > width else {
            return painted + session.url + " " + ends
        }
        let url = TextTable.elide(session.url, to: max(width - plainCount, 12))
        return painted + url + "\n    " + ends
    }

    /// `10:42:08.000  session {ID} progress: 1.2 MiB / 6.0 MiB (20%)`.
    public func progress(_ session: BITSSession, time: CaptureTimestamp) -> String {
        "\(LiveEvents.clock(time))  session \(session.sessionID ?? "(no id)") progress: \(LiveEvents.progress(session))"
    }

    /// `10:43:00.000  session {ID} ended: completed, 6.0 MiB / 6.0 MiB (100%)`, the state in its colour.
    public func ended(_ session: BITSSession, time: CaptureTimestamp) -> String {
        "\(LiveEvents.clock(time))  session \(session.sessionID ?? "(no id)") ended: "
            + style.paint(session.state.rawValue, state: session.state) + ", \(LiveEvents.progress(session))"
    }

    /// `10:42:09.000  warning code {ID} conn 2: message`, the severity and code in the severity's
    /// colour; wider than the style allows, the message goes on indented lines of its own.
    /// Several lines are joined with newlines (no newline at the end).
    public func finding(_ finding: Finding) -> String {
        let place = [finding.sessionID, finding.connection.map { "conn \($0)" }].compactMap { $0 }.joined(separator: " ")
        let clock = finding.time.map(LiveEvents.clock) ?? ""
        let label = "\(finding.severity) \(finding.code)"
        let head = "\(clock)  \(label)" + (place.isEmpty ? "" : " \(place)") + ":"
        let paintedHead = "\(clock)  " + style.paint(label, severity: finding.severity)
            + (place.isEmpty ? "" : " \(place)") + ":"
        guard let width = style.width, head.count + 1 + finding.message.count > width else {
            return paintedHead + " " + finding.message
        }
        let indent = "    "
        let lines = TimelineReport.wrap(finding.message, width: max(width - indent.count, 20))
        return ([paintedHead] + lines.map { indent + $0 }).joined(separator: "\n")
    }
}
