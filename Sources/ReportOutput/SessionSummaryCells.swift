import AnalyzerCore
import BITSAnalyzer

/// What the summaries say of one session in a few characters: its progress, its server, its start,
/// and, refused, why (`403 E_ACCESSDENIED`). Shared by the text summary and the HTML report.
public enum SessionSummaryCells {
    /// `62% of 19.1 KiB`: bytes acknowledged as a share of the total; `? of 19.1 KiB` when the
    /// capture has no Ack (the server's side is missing); the bytes acknowledged without a total;
    /// for a refused session, why (``rejection(_:)``); `-` when nothing is known.
    public static func progress(_ session: BITSSession) -> String {
        if let rejection = rejection(session) { return rejection }
        if session.missingDirection == .serverToClient {
            // No Ack is in the capture: how much the server holds is unknown.
            return "? of " + (session.totalLength.map { HumanUnits.bytes($0) } ?? "?")
        }
        guard let total = session.totalLength else { return session.bytesAcknowledged.map { HumanUnits.bytes($0) } ?? "-" }
        return "\(HumanUnits.percent(session.bytesAcknowledged ?? 0, of: total))% of \(HumanUnits.bytes(total))"
    }

    /// Why a refused session (state ``BITSSessionState/rejected``) was refused: the status of the
    /// answer to its Create-Session and the name of its BITS-Error-Code, e.g. `403 E_ACCESSDENIED`
    /// (the code in hex when it has no name; the status alone without a code); `401 challenge not
    /// answered` for a challenge never repeated with credentials. `nil` for any other state.
    public static func rejection(_ session: BITSSession) -> String? {
        guard session.state == .rejected else { return nil }
        guard let answer = session.requests.last(where: { $0.type == .createSession && $0.status != nil }),
              let status = answer.status
        else { return "Create-Session refused" }
        if answer.challenge { return "\(status) challenge not answered" }
        guard let code = answer.errorCode else { return String(status) }
        return "\(status) \(code.name ?? code.description)"
    }

    /// The server the session spoke to: its Host header, or the first server's address and port
    /// without one; `+N` after it when the session moved to N more servers.
    public static func server(_ session: BITSSession) -> String {
        let name = session.host.flatMap { $0.isEmpty ? nil : $0 } ?? session.servers.first?.description ?? "-"
        return session.servers.count > 1 ? "\(name) +\(session.servers.count - 1)" : name
    }

    /// The UTC day (`2026-11-23`) and time of day (`10:36:50`) of `time`.
    static func dayAndTime(_ time: CaptureTimestamp) -> (day: Substring, time: Substring) {
        let text = time.rfc3339(precision: .microseconds)
        // `YYYY-MM-DDThh:mm:ss.ffffffZ`; a year past 9999 or before 0 has more characters before the T.
        guard let separator = text.firstIndex(of: "T") else { return (Substring(text), "") }
        return (text[..<separator], text[text.index(after: separator)...].prefix(8))
    }
}
