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
    /// Columns shortened keeping more of their end than of their start (a URL's file name).
    public var keepsEnd: Set<Int> = []
    /// Narrowest a shrinkable column becomes.
    public var minimumShrunkWidth = 10
    /// How to fit ``maxWidth``, step by step, when set; otherwise every ``shrinkable`` column
    /// shrinks to ``minimumShrunkWidth``, then the ``droppable`` columns are left out in order.
    /// Each step is taken only when the ones before it were not enough, and the columns that
    /// steps shrink give back what a later drop makes room for.
    public var fitting: [FitStep]?
    /// Decorates a cell after it is fitted and before it is padded (colours); takes the row index
    /// (0 is the header, 1 the first row), the column and the fitted text. Must not change what the
    /// text looks like, only add invisible sequences.
    public var decorate: ((_ row: Int, _ column: Int, _ text: String) -> String)?

    /// One step of fitting a table to its width.
    public enum FitStep: Equatable, Sendable {
        /// Shorten the column (`…` in the middle) as far as needed, down to the width given (or its
        /// title, when longer).
        case shrink(Int, to: Int)
        /// Leave the column out.
        case drop(Int)
    }

    /// Creates a table.
    public init(header: [String], rows: [[String]], rightAligned: Set<Int> = []) {
        self.header = header
        self.rows = rows
        self.rightAligned = rightAligned
    }

    /// The column widths after fitting; `nil` for a column left out.
    public func columnWidths() -> [Int?] { columnWidths(of: printableCells()) }

    /// The header and rows with control characters made visible (``printable(_:)``).
    private func printableCells() -> [[String]] { ([header] + rows).map { $0.map(Self.printable) } }

    private func columnWidths(of cells: [[String]]) -> [Int?] {
        var natural = [Int](repeating: 0, count: header.count)
        for row in cells {
            for (index, cell) in row.enumerated() where index < natural.count {
                natural[index] = max(natural[index], cell.count)
            }
        }
        guard let maxWidth else { return natural }
        let steps = (fitting ?? shrinkable.map { .shrink($0, to: minimumShrunkWidth) } + droppable.map { .drop($0) })
            .filter { step in
                switch step {
                case .shrink(let column, _), .drop(let column): return column >= 0 && column < natural.count
                }
            }
        // Take the steps one more at a time: each time from the natural widths, so a column shrunk
        // before a drop gets back the room the drop made.
        var widths: [Int?] = natural
        for taken in 0...steps.count {
            widths = natural
            for case .drop(let column) in steps.prefix(taken) { widths[column] = nil }
            let shown = widths.compactMap { $0 }
            var excess = shown.reduce(0, +) + 2 * max(shown.count - 1, 0) - maxWidth
            for case .shrink(let column, let floor) in steps.prefix(taken) where excess > 0 {
                guard let width = widths[column] else { continue }
                let cut = min(excess, max(width - max(floor, header[column].count), 0))
                widths[column] = width - cut
                excess -= cut
            }
            if excess <= 0 { break }
        }
        return widths
    }

    /// The table as lines of text, each ending in a newline, with no trailing spaces.
    public func render() -> String {
        let cells = printableCells()
        let widths = columnWidths(of: cells)
        var out = ""
        for (rowIndex, row) in cells.enumerated() {
            var parts: [String] = []
            var lastNonEmpty = 0
            for index in 0..<widths.count {
                guard let width = widths[index] else { continue }
                let fitted = Self.elide(index < row.count ? row[index] : "", to: width, keepingEnd: keepsEnd.contains(index))
                let padding = String(repeating: " ", count: width - fitted.count)
                let shown = decorate?(rowIndex, index, fitted) ?? fitted
                parts.append(rightAligned.contains(index) ? padding + shown : shown + padding)
                if !fitted.isEmpty { lastNonEmpty = parts.count }
            }
            // No trailing spaces: drop empty cells at the end, then the last cell's padding.
            var line = parts.prefix(lastNonEmpty).joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }

    /// `text` cut to `width` characters with `…` in the middle (a long ID or URL keeps both ends);
    /// `keepingEnd`, the start gets a third of the room and the end the rest.
    public static func elide(_ text: String, to width: Int, keepingEnd: Bool = false) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        let head = keepingEnd ? (width - 1) / 3 : (width - 1 + 1) / 2
        let tail = width - 1 - head
        return String(text.prefix(head)) + "…" + String(text.suffix(tail))
    }

    /// `text` safe to print on a terminal: control characters (C0, DEL, C1), which a capture can
    /// carry in a header and which would move the cursor or start an escape sequence, become `?`.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(isControl(scalar) ? "?" : scalar) }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }
}
