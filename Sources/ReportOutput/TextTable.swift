/// A plain text table with aligned columns, two spaces apart.
public struct TextTable {
    /// Column titles.
    public var header: [String]
    /// Rows of cells; a short row is padded with empty cells.
    public var rows: [[String]]
    /// Indexes of columns aligned to the right (numbers).
    public var rightAligned: Set<Int>

    /// Creates a table.
    public init(header: [String], rows: [[String]], rightAligned: Set<Int> = []) {
        self.header = header
        self.rows = rows
        self.rightAligned = rightAligned
    }

    /// The table as lines of text, each ending in a newline, with no trailing spaces.
    public func render() -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var out = ""
        for row in all {
            var cells: [String] = []
            for index in 0..<widths.count {
                let cell = index < row.count ? row[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                cells.append(rightAligned.contains(index) ? padding + cell : cell + padding)
            }
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}

/// Sizes and durations in units a person reads at a glance.
public enum HumanUnits {
    /// `850 ms`, `12.4 s`, `3 min 5 s`, `2 h 7 min`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(Int((seconds * 10).rounded()) / 10) + "." + String(Int((seconds * 10).rounded()) % 10) + " s" }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3600) h \((whole % 3600) / 60) min"
    }

    /// `512 B`, `1.5 KiB`, `3.2 MiB`, `1.1 GiB`.
    public static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
