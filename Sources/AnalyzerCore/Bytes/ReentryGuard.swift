/// Makes "no callee reaches back" checkable: the reason the per-packet state of the pipeline's
/// classes may be `@exclusivity(unchecked)`. Each such class calls ``enter(_:)`` at the top of every
/// public entry and ``leave()`` on the way out; in debug builds (which the tests run) a second entry
/// before the first returned, the only way that state could be accessed twice at once, stops the
/// program with the entry's name. Release builds compile it to nothing.
public struct ReentryGuard {
    #if DEBUG
    @usableFromInline var entered: StaticString?
    #endif

    /// A guard with no call in progress.
    @inlinable
    public init() {}

    /// Marks the start of a call to `entry`; in debug builds, stops the program if another call of
    /// the same object is still in progress.
    @inlinable @inline(__always)
    public mutating func enter(_ entry: StaticString) {
        #if DEBUG
        if let running = entered {
            preconditionFailure("\(entry) entered while \(running) of the same object is running (a callee reached back)")
        }
        entered = entry
        #endif
    }

    /// Marks the end of the call in progress.
    @inlinable @inline(__always)
    public mutating func leave() {
        #if DEBUG
        entered = nil
        #endif
    }
}
