/// A `Content-Range: bytes first-last/total` value (0-based, inclusive).
struct ContentRange: Equatable {
    /// First byte offset.
    var first: Int
    /// Last byte offset (inclusive).
    var last: Int
    /// Total length of the upload.
    var total: Int

    /// A range from its three numbers.
    init(first: Int, last: Int, total: Int) {
        self.first = first
        self.last = last
        self.total = total
    }

    /// Parses `bytes f-l/T` (unit case-insensitive); nil for any other form or a number past `Int`.
    /// Ordering (f <= l < T) is the caller's check.
    init?(parsing value: String) {
        let trimmed = Substring(value).trimmingSpacesAndTabs()
        guard trimmed.count > 6, trimmed.prefix(6).lowercased() == "bytes " else { return nil }
        let spec = trimmed.dropFirst(6).trimmingSpacesAndTabs()
        let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let ends = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let first = Self.decimal(ends[0]), let last = Self.decimal(ends[1]),
              let total = Self.decimal(halves[1]) else { return nil }
        self.init(first: first, last: last, total: total)
    }

    /// The header value, `bytes f-l/T`.
    var headerValue: String { "bytes \(first)-\(last)/\(total)" }

    private static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 19, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}
