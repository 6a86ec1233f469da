import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer

extension TimelineReport {
    /// The readable summary, plain: one line per session, then the findings under their sessions.
    public func text() -> String { text(style: .plain) }

    /// The readable summary: a table with one line per session (ID, URL, server, client, start,
    /// state, progress or why it was refused, requests, duration, findings), the sessions by
    /// state, then the findings under the session they belong to, most severe first (the worst
    /// ``TextSummaryLimits/sessionsWithFindings`` sessions of the table, up to
    /// ``TextSummaryLimits/findingsPerSession`` each, the rest counted by code), then those tied to
    /// no session. When the digest left sessions out, the table lists the worst kept sessions with
    /// findings and the first others (`listedSessions`), and the counts are followed by an overview
    /// (`overviewText`). With a width, the table gives way in ``sessionTableFitting``'s order (the
    /// session ID shortened first, the URL kept readable), and finding messages wrap under their
    /// code; with colours, states and severities are coloured.
    public func text(style: TextStyle) -> String {
        let listed = listedSessions
        let placed = SummaryFindings(findings, listed: listed, limits: summaryLimits)
        var out = ""
        // With a key log, connections it decrypted are not hidden: only the others count here.
        let decrypted = counters.first { $0.0 == "tls_decrypted_connections" }?.1 ?? 0
        let seen = counters.first { $0.0 == "tls_connections" }?.1 ?? 0
        let tlsConnections = seen > decrypted ? seen - decrypted : 0
        if digest.sessionCount == 0, tlsConnections > 0 {
            // Said first: otherwise this reads exactly like a capture without BITS.
            out += style.bold("No BITS session seen, but \(tlsConnections) TLS connection"
                + (tlsConnections == 1 ? " was" : "s were") + " not decrypted: BITS over HTTPS cannot be seen "
                + "(tls-not-decrypted)") + "\n"
        }
        if !listed.isEmpty { out += sessionTable(listed, findings: placed, style: style) }
        let count = digest.sessionCount
        out += "\(count) session\(count == 1 ? "" : "s")"
        let byState = digest.sessionsByState
        if !byState.isEmpty {
            out += ": " + BITSSessionState.allCases.compactMap { state in
                byState[state].map { style.paint("\($0) \(state.rawValue)", state: state) }
            }.joined(separator: ", ")
        }
        out += "\n"
        if let unknown = byState[.unknown] {
            out += "\(unknown) session\(unknown == 1 ? "" : "s") with outcome unknown: one direction of "
                + "their traffic is not in the capture (capture-one-sided)\n"
        }
        if let sessionTLS { out += tlsText(sessionTLS) }
        if listed.count < count { out += overviewText(listed: listed, style: style) }
        out += findingsText(placed, listed: listed, style: style)
        if let extractionFolder { out += filesText(folder: extractionFolder) }
        return out
    }

    /// With a key log: the kept sessions over TLS by version, suite and server name, a line each,
    /// most sessions first (e.g. `over TLS 1.3 TLS_AES_128_GCM_SHA256, SNI mp01.example: 3 sessions`).
    private func tlsText(_ facts: (BITSSession) -> TLSSessionFacts?) -> String {
        var groups: [(text: String, count: Int)] = []
        for session in keptSessions {
            guard let tls = facts(session) else { continue }
            let text = "over \(tls.version) \(tls.cipherSuite ?? "(suite unknown)")"
                + (tls.serverName.map { ", SNI \($0)" } ?? ", no SNI")
            if let index = groups.firstIndex(where: { $0.text == text }) { groups[index].count += 1 } else { groups.append((text, 1)) }
        }
        return groups.sorted { $0.count > $1.count }
            .map { "\($0.text): \($0.count) session\($0.count == 1 ? "" : "s")\n" }.joined()
    }

    /// The list of extracted files: name, length, complete or what is missing, SHA-256.
    private func filesText(folder: String) -> String {
        let files = keptSessions.compactMap(\.file)
        var out = "\n\(files.count) file\(files.count == 1 ? "" : "s") extracted to \(folder)"
        if digest.sessionsLeftOut > 0 {
            out += " from the \(keptSessions.count) sessions kept (the JSON timeline, --json, lists every file)"
        }
        out += files.isEmpty ? "\n" : ":\n"
        for file in files {
            var state = file.complete ? "complete" : "partial"
            if !file.missing.isEmpty {
                let missingBytes = file.missing.reduce(UInt64(0)) { sum, range in
                    sum.saturatingAdding((range.upperBound - range.lowerBound).saturatingAdding(1))
                }
                state += ", missing \(HumanUnits.bytes(missingBytes)) in \(file.missing.count) range"
                    + (file.missing.count == 1 ? "" : "s")
            }
            out += "  \(file.path)  \(HumanUnits.bytes(file.bytes))  \(state)  sha256 \(file.sha256)\n"
        }
        return out
    }

    /// `text` broken into lines of at most `width` characters at spaces; a word longer than the
    /// width is cut.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            while word.count > width {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            if line.isEmpty {
                line = String(word)
            } else if line.count + 1 + word.count <= width {
                line += " " + word
            } else {
                lines.append(line)
                line = String(word)
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
