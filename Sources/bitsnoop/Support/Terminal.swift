#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the CLI asks of the terminal: whether a descriptor is one, how wide it is, and whether
/// colours are wanted.
enum Terminal {
    /// Whether descriptor `fd` (1 standard output, 2 standard error) is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Columns available for output on `fd`: `COLUMNS` when it is a positive number, else the
    /// terminal's width (TIOCGWINSZ) when `fd` is a terminal; `nil` when neither is known (output
    /// to a file or pipe is not cut).
    static func width(of fd: Int32, environment: [String: String]) -> Int? {
        if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
        guard isTerminal(fd) else { return nil }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Whether to colour output on `fd`: `always` and `never` say so; `auto` colours a terminal
    /// unless `NO_COLOR` is set to anything non-empty (no-color.org) or `TERM` is `dumb`.
    static func usesColor(_ choice: ColorChoice, fd: Int32, environment: [String: String]) -> Bool {
        switch choice {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return isTerminal(fd)
        }
    }

    /// The process's environment as a dictionary.
    static var environment: [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }
}
