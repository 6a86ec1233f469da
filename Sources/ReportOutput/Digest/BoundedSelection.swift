/// The `capacity` best elements of everything offered, by a strict total order (`better`), in
/// bounded memory: a binary heap whose root is the worst element kept, replaced when a better one
/// comes. Which elements are kept does not depend on the order they were offered.
struct BoundedSelection<Element> {
    /// Most elements kept.
    let capacity: Int
    /// Whether the first is better than the second (kept in preference).
    let better: @Sendable (Element, Element) -> Bool
    /// The heap: every parent is worse than (or as good as) its children.
    private(set) var elements: [Element] = []

    /// An empty selection of at most `capacity` elements.
    init(capacity: Int, better: @escaping @Sendable (Element, Element) -> Bool) {
        self.capacity = max(capacity, 0)
        self.better = better
    }

    /// Offers `element`; returns whether it is kept (it may be pushed out by a later one).
    @discardableResult
    mutating func offer(_ element: Element) -> Bool {
        guard wouldKeep({ better(element, $0) }) else { return false }
        if elements.count < capacity {
            elements.append(element)
            siftUp(elements.count - 1)
        } else {
            elements[0] = element
            siftDown(0)
        }
        return true
    }

    /// Whether ``offer(_:)`` would keep an element known only by how it compares: `isBetter(kept)`
    /// says whether it is better than `kept` (asked of the worst kept, when the selection is full).
    func wouldKeep(_ isBetter: (Element) -> Bool) -> Bool {
        guard capacity > 0 else { return false }
        return elements.count < capacity || isBetter(elements[0])
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard better(elements[parent], elements[child]) else { return }
            elements.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var worst = parent
            let left = 2 * parent + 1
            if left < elements.count, better(elements[worst], elements[left]) { worst = left }
            if left + 1 < elements.count, better(elements[worst], elements[left + 1]) { worst = left + 1 }
            guard worst != parent else { return }
            elements.swapAt(parent, worst)
            parent = worst
        }
    }
}
extension BoundedSelection: Sendable where Element: Sendable {}
