/// How much a finding matters, from least to most.
public enum Severity: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    /// Context worth recording; nothing is wrong.
    case info = 0
    /// Something unusual or a limit of the analysis itself (e.g. `limit-*`).
    case notice = 1
    /// Likely a problem or a deviation from the protocol.
    case warning = 2
    /// A definite protocol violation or failure.
    case error = 3

    /// Orders by importance.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The lower-case name used in output and on the command line.
    public var description: String {
        switch self {
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        }
    }

    /// Parses a name as printed by ``description``; `nil` for anything else.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = match
    }
}

/// A stable, documented finding code such as `fragment-gap` or `limit-connections`.
///
/// Codes are strings so that output stays stable; each is listed in `docs/findings.md` with its
/// severity, rule and evidence. New codes are added as `static let`s next to the rule that emits them.
public struct FindingCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code as printed.
    public var rawValue: String
    /// Wraps a code string.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The code as printed.
    public var description: String { rawValue }
}

/// One thing the analysis noticed, with the evidence in its message.
public struct Finding: Hashable, Sendable {
    /// The stable code.
    public var code: FindingCode
    /// How much it matters.
    public var severity: Severity
    /// The BITS session it belongs to, if any.
    public var sessionID: String?
    /// The number of the BITS session it belongs to (`BITSSession.number`), when the analysis tied
    /// it to one: set even when the session has no ID (a refused Create-Session), so that a report
    /// can list the finding under its session.
    public var sessionNumber: Int?
    /// The connection number (as `streams` numbers them), if it concerns one.
    public var connection: Int?
    /// Capture time at which it was found, if known.
    public var time: CaptureTimestamp?
    /// One line naming the evidence (the numbers involved).
    public var message: String
    /// What to check, when the evidence narrows it beyond the code's general advice (a server error's
    /// error code and status); `nil` otherwise (see `FindingAdvice`).
    public var advice: String?

    /// Creates a finding.
    public init(
        code: FindingCode,
        severity: Severity,
        sessionID: String? = nil,
        sessionNumber: Int? = nil,
        connection: Int? = nil,
        time: CaptureTimestamp? = nil,
        message: String,
        advice: String? = nil
    ) {
        self.code = code
        self.severity = severity
        self.sessionID = sessionID
        self.sessionNumber = sessionNumber
        self.connection = connection
        self.time = time
        self.message = message
        self.advice = advice
    }
}

/// Receives findings as analysis produces them. Output formats implement it; analyzers only call it.
public protocol FindingSink: AnyObject {
    /// Takes one finding. Called in capture order.
    func report(_ finding: Finding)
}

/// A sink that keeps every finding in order; used by the pipeline and by tests.
public final class FindingCollector: FindingSink {
    /// Everything reported so far, in order.
    public private(set) var findings: [Finding] = []
    /// Creates an empty collector.
    public init() {}
    /// Appends the finding.
    public func report(_ finding: Finding) { findings.append(finding) }
}
