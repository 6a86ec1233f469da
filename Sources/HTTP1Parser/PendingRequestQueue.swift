/// The requests of one connection waiting for their final response, oldest first.
struct PendingRequestQueue {
    /// One waiting request.
    struct Entry: Equatable {
        /// The request's index, or `nil` for a placeholder standing for requests lost from the
        /// capture (or abandoned as unparseable), which the server may still answer.
        var index: Int?
        /// Whether it was a `HEAD` request, whose response has no body.
        var isHEAD: Bool
    }

    /// The oldest entry, kept in place: a connection mostly has one request waiting at a time, so
    /// most never allocate the list below (nor pay to empty it at each response).
    private var oldest: Entry?
    /// The entries after ``oldest``, in order from `head` on; empty while `oldest` is `nil`.
    private var later: [Entry] = []
    /// Position of the next entry in `later`; entries before it were removed.
    private var head = 0

    /// Entries waiting.
    var count: Int { oldest == nil ? 0 : 1 + later.count - head }

    /// The oldest entry, or `nil` when none waits.
    var first: Entry? { oldest }

    /// Adds an entry at the end.
    mutating func append(_ entry: Entry) {
        if oldest == nil { oldest = entry } else { later.append(entry) }
    }

    /// Removes and returns the oldest entry, or `nil` when none waits.
    mutating func removeFirst() -> Entry? {
        guard let entry = oldest else { return nil }
        guard head < later.count else {
            oldest = nil
            return entry
        }
        oldest = later[head]
        head += 1
        // Compact now and then so that the list stays within about twice the entries waiting.
        if head == later.count {
            later.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32, head * 2 >= later.count {
            later.removeFirst(head)
            head = 0
        }
        return entry
    }
}
