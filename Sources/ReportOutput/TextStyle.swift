import AnalyzerCore
import BITSAnalyzer

/// How text for a terminal looks: whether it is coloured (ANSI SGR sequences) and how many columns
/// it may take.
public struct TextStyle: Sendable {
    /// Whether to emit colour sequences.
    public var colors: Bool
    /// Columns available, or `nil` for no limit (output to a file or pipe).
    public var width: Int?

    /// Creates a style.
    public init(colors: Bool = false, width: Int? = nil) {
        self.colors = colors
        self.width = width
    }

    /// No colour, no width limit: what `text()` gives, and files and pipes by default.
    public static let plain = TextStyle()

    /// `text` in the SGR colour `code` (e.g. `31` red, `1;31` bold red), when colours are on.
    public func paint(_ text: String, _ code: String) -> String {
        colors && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// `text` in the colour of `severity`: error red, warning yellow, notice cyan, info dim.
    public func paint(_ text: String, severity: Severity) -> String {
        switch severity {
        case .error: return paint(text, "1;31")
        case .warning: return paint(text, "33")
        case .notice: return paint(text, "36")
        case .info: return paint(text, "2")
        }
    }

    /// `text` in the colour of a session `state`: completed green, partial or orphaned red, unknown
    /// (one-sided capture) dim, in progress (the capture ended first) cyan, others yellow.
    public func paint(_ text: String, state: BITSSessionState) -> String {
        switch state {
        case .completed: return paint(text, "32")
        case .closedPartial, .orphaned, .rejected: return paint(text, "31")
        case .cancelled, .uploadedNotClosed: return paint(text, "33")
        case .unknown: return paint(text, "2")
        case .inProgress: return paint(text, "36")
        }
    }

    /// `text` bold.
    public func bold(_ text: String) -> String { paint(text, "1") }
}
