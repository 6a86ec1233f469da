import ArgumentParser
import ReportOutput

/// When to colour terminal output.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    /// Colour when standard output is a terminal and `NO_COLOR` is not set.
    case auto
    /// Always colour (even into a pipe, and despite `NO_COLOR`).
    case always
    /// Never colour.
    case never
}

/// How human-readable output looks: colours, width, progress.
struct OutputStyleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Colour severities and states: auto (when standard output is a terminal and "
                               + "NO_COLOR is unset), always, never.", valueName: "when"))
    var color: ColorChoice = .auto

    @Flag(name: [.customShort("q"), .long], help: "Show no progress line on standard error.")
    var quiet = false

    /// The text style for standard output.
    func textStyle() -> TextStyle { Self.textStyle(color: color) }

    /// The text style for descriptor `fd` (standard output by default) with `color`: the one rule
    /// for `analyze`, `streams` and `live`.
    static func textStyle(color: ColorChoice, fd: Int32 = 1) -> TextStyle {
        let environment = Terminal.environment
        return TextStyle(colors: Terminal.usesColor(color, fd: fd, environment: environment),
                         width: Terminal.width(of: fd, environment: environment))
    }

    /// The progress line on standard error, counting `noun`s (sessions, connections), or `nil` when
    /// `--quiet` or standard error is not a terminal.
    func progressMeter(counting noun: String = "session") -> ProgressMeter? {
        Self.progressMeter(quiet: quiet, counting: noun)
    }

    /// The progress line on standard error, or `nil` when `quiet` or standard error is not a terminal.
    static func progressMeter(quiet: Bool, counting noun: String = "session") -> ProgressMeter? {
        guard !quiet, Terminal.isTerminal(2) else { return nil }
        return ProgressMeter(width: Terminal.width(of: 2, environment: Terminal.environment), noun: noun)
    }
}
