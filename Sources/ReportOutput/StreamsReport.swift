import AnalysisPipeline
import AnalyzerCore
import BITSAnalyzer
import TCPReassembly

/// Everything `bitsnoop streams` reports: the connections, the findings met on the way (limits,
/// cut captures) and the counters.
public struct StreamsReport {
    /// The captures read, in order.
    public var captures: [String]
    /// Output precision of times.
    public var precision: TimestampPrecision
    /// Every connection, by number.
    public var connections: [ConnectionSummary]
    /// Findings in capture order.
    public var findings: [Finding]
    /// Named counters, in output order (see ``AnalysisCounters``).
    public var counters: [(String, UInt64)]

    /// Creates a report.
    public init(
        captures: [String],
        precision: TimestampPrecision,
        connections: [ConnectionSummary],
        findings: [Finding],
        counters: [(String, UInt64)]
    ) {
        self.captures = captures
        self.precision = precision
        self.connections = connections
        self.findings = findings
        self.counters = counters
    }

    /// The JSON document: `{"captures", "connections": [...], "findings": [...], "stats": {...}}`.
    /// Field by field in `docs/cli.md`.
    public func json() -> JSONValue {
        .object([
            ("captures", .array(captures.map { .string($0) })),
            ("connections", .array(connections.map(connectionJSON))),
            ("findings", .array(findings.map { FindingJSON.value($0, precision: precision) })),
            ("stats", .object(counters.map { ($0.0, .uint($0.1)) })),
        ])
    }

    private func connectionJSON(_ summary: ConnectionSummary) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .int(Int64(summary.info.id))),
            ("client", .string(summary.info.client.description)),
            ("server", .string(summary.info.server.description)),
            ("first_time", .string(summary.info.firstTime.rfc3339(precision: precision))),
            ("last_time", .string(summary.lastTime.rfc3339(precision: precision))),
            ("handshake", .bool(summary.info.handshakeSeen)),
            ("end", .string(summary.end.rawValue)),
        ]
        for (prefix, stats) in [("client", summary.clientToServer), ("server", summary.serverToClient)] {
            members += [
                ("\(prefix)_packets", .int(Int64(stats.packets))),
                ("\(prefix)_bytes", .uint(stats.payloadBytes)),
                ("\(prefix)_retransmitted_bytes", .uint(stats.retransmittedBytes)),
                ("\(prefix)_overlap_bytes", .uint(stats.overlapBytes)),
                ("\(prefix)_conflicting_bytes", .uint(stats.conflictingBytes)),
                ("\(prefix)_gap_bytes", .uint(stats.gapBytes)),
                ("\(prefix)_uncaptured_bytes", .uint(stats.uncapturedBytes)),
                ("\(prefix)_gaps", .int(Int64(stats.gaps))),
                ("\(prefix)_fin", .bool(stats.finSeen)),
            ]
        }
        return .object(members)
    }

    /// The text table: one row per connection, then findings, for a person at a terminal.
    public func text() -> String { text(style: .plain) }

    /// The text table fitted and coloured as `style` says: with a width, the client and server
    /// columns are shortened first (`…` in the middle), then the start, duration and retransmitted
    /// columns are left out, in that order; with
    /// colours, the header is bold and finding severities coloured.
    public func text(style: TextStyle) -> String {
        let header = ["#", "client", "server", "start", "duration", "packets", "bytes c>s", "bytes s>c", "retrans",
                      "gap", "end"]
        var rows: [[String]] = []
        for summary in connections {
            let c = summary.clientToServer
            let s = summary.serverToClient
            rows.append([
                String(summary.info.id),
                summary.info.client.description,
                summary.info.server.description,
                summary.info.firstTime.rfc3339(precision: precision),
                HumanUnits.duration(summary.lastTime.seconds(since: summary.info.firstTime)),
                "\(c.packets)/\(s.packets)",
                String(c.payloadBytes),
                String(s.payloadBytes),
                String(c.retransmittedBytes + c.overlapBytes + s.retransmittedBytes + s.overlapBytes),
                String(c.gapBytes + s.gapBytes),
                summary.end.rawValue + (summary.info.handshakeSeen ? "" : " (mid-stream)"),
            ])
        }
        var table = TextTable(header: header, rows: rows, rightAligned: [0, 5, 6, 7, 8, 9])
        table.maxWidth = style.width
        table.shrinkable = [1, 2]
        table.droppable = [3, 4, 8]
        table.minimumShrunkWidth = 16
        table.decorate = { row, _, text in row == 0 ? style.bold(text) : text }
        var out = table.render()
        out += "\(connections.count) connection\(connections.count == 1 ? "" : "s")\n"
        if !findings.isEmpty {
            out += "\nnotices:\n"
            for finding in findings {
                out += "  " + style.paint("[\(finding.severity)]", severity: finding.severity)
                    + " \(finding.code): \(finding.message)\n"
            }
        }
        return out
    }
}

/// How a finding is written in JSON documents.
public enum FindingJSON {
    /// `{"code", "severity", "session_id", "connection", "time", "message", "advice"}`: the advice
    /// is what to check (``BITSFindingAdvice``), `null` for a code without any.
    public static func value(_ finding: Finding, precision: TimestampPrecision) -> JSONValue {
        .object([
            ("code", .string(finding.code.rawValue)),
            ("severity", .string(finding.severity.description)),
            ("session_id", .optional(finding.sessionID)),
            ("connection", finding.connection.map { .int(Int64($0)) } ?? .null),
            ("time", .optional(finding.time?.rfc3339(precision: precision))),
            ("message", .string(finding.message)),
            ("advice", .optional(BITSFindingAdvice.advice(for: finding))),
        ])
    }
}
