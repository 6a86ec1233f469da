/// A plain text table with aligned columns, two spaces apart, optionally fitted to a width and
/// coloured cell by cell.
public struct TextTable {
    /// Column titles.
    public var header: [String]
    /// Rows of cells; a short row is padded with empty cells.
    public var rows: [[String]]
    /// Indexes of columns aligned to the right (numbers).
    public var rightAligned: Set<Int>
    /// Columns that may be shortened (with `…` in the middle) to fit ``maxWidth``, first shortened first.
    public var shrinkable: [Int] = []
    /// Widest a line may be; `nil` for no limit. Only ``shrinkable`` columns give way, each down to
    /// ``minimumShrunkWidth`` (or its title), so a table can still be wider when that is not enough.
    public var maxWidth: Int?
    /// Columns left out, in this order, when shrinking is not enough to fit ``maxWidth``.
    public var droppable: [Int] = []
    /// Narrowest a shrinkable column becomes.
    public var minimumShrunkWidth = 10
    /// Decorates a cell after it is fitted and before it is padded (colours); takes the row index
    /// (0 is the header, 1 the first row), the column and the fitted text. Must not change what the
    /// text looks like, only add invisible sequences.
    public var decorate: ((_ row: Int, _ column: Int, _ text: String) -> String)?

    /// Creates a table.
    public init(header: [String], rows: [[String]], rightAligned: Set<Int> = []) {
        self.header = header
        self.rows = rows
        self.rightAligned = rightAligned
    }

    /// The column widths after fitting; `nil` for a column left out.
    public func columnWidths() -> [Int?] {
        var natural = [Int](repeating: 0, count: header.count)
        for row in [header] + rows {
            for (index, cell) in row.enumerated() where index < natural.count {
                natural[index] = max(natural[index], cell.count)
            }
        }
        guard let maxWidth else { return natural }
        var dropped: Set<Int> = []
        var remainingDrops = droppable.filter { $0 < natural.count }[...]
        while true {
            // Shrink from the natural widths of the columns still shown, in order of preference.
            var widths: [Int?] = natural.indices.map { dropped.contains($0) ? nil : natural[$0] }
            let shown = widths.compactMap { $0 }
            var excess = shown.reduce(0, +) + 2 * max(shown.count - 1, 0) - maxWidth
            for column in shrinkable where excess > 0 && column < widths.count {
                guard let width = widths[column] else { continue }
                let floor = max(minimumShrunkWidth, header[column].count)
                let cut = min(excess, max(width - floor, 0))
                widths[column] = width - cut
                excess -= cut
            }
            guard excess > 0, let next = remainingDrops.popFirst() else { return widths }
            dropped.insert(next)
        }
    }

    /// The table as lines of text, each ending in a newline, with no trailing spaces.
    public func render() -> String {
        let widths = columnWidths()
        var out = ""
        for (rowIndex, row) in ([header] + rows).enumerated() {
            var cells: [String] = []
            var lastNonEmpty = 0
            for index in 0..<widths.count {
                guard let width = widths[index] else { continue }
                let fitted = Self.elide(index < row.count ? row[index] : "", to: width)
                let padding = String(repeating: " ", count: width - fitted.count)
                let shown = decorate?(rowIndex, index, fitted) ?? fitted
                cells.append(rightAligned.contains(index) ? padding + shown : shown + padding)
                if !fitted.isEmpty { lastNonEmpty = cells.count }
            }
            // No trailing spaces: drop empty cells at the end, then the last cell's padding.
            var line = cells.prefix(lastNonEmpty).joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    /// `text` cut to `width` characters with `…` in the middle (a long ID or URL keeps both ends).
    public static func elide(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        let head = (width - 1 + 1) / 2
        let tail = width - 1 - head
        return String(text.prefix(head)) + "…" + String(text.suffix(tail))
    }
}
