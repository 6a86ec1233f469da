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

    private var storage: [Entry] = []
    /// Position of the oldest entry in `storage`; entries before it were removed.
    private var head = 0

    /// Entries waiting.
    var count: Int { storage.count - head }

    /// The oldest entry, or `nil` when none waits.
    var first: Entry? { head < storage.count ? storage[head] : nil }

    /// Adds an entry at the end.
    mutating func append(_ entry: Entry) {
        storage.append(entry)
    }

    /// Removes and returns the oldest entry, or `nil` when none waits.
    mutating func removeFirst() -> Entry? {
        guard head < storage.count else { return nil }
        let entry = storage[head]
        head += 1
        // Compact now and then so that storage stays within about twice the entries waiting.
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return entry
    }
}
