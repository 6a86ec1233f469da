import BITSAnalyzer

/// Sessions counted by their state, in an array by the state's place among
/// `BITSSessionState.allCases`: a dictionary keyed by the state hashed it for every session (about
/// 350 instructions, twice a session on the busy workload: the digest and the CLI's counts).
public struct SessionStateCounts: Sendable {
    private static let states = BITSSessionState.allCases
    private var counts = [Int](repeating: 0, count: states.count)

    /// No session counted.
    public init() {}

    /// Counts a session in `state`.
    public mutating func add(_ state: BITSSessionState) {
        guard let index = Self.states.firstIndex(of: state) else { return }
        counts[index] += 1
    }

    /// The states counted at least once, with their counts.
    public var dictionary: [BITSSessionState: Int] {
        var byState: [BITSSessionState: Int] = [:]
        for (state, count) in zip(Self.states, counts) where count > 0 { byState[state] = count }
        return byState
    }
}
