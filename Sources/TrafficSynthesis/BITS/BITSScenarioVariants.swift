/// The framings and impairments every BITS scenario is tested in: each link encapsulation clean, and
/// once under a TCP/IP impairment (cycling through reordering, retransmission, overlap, all three,
/// and IP fragmentation), so that every scenario meets every kind of damage somewhere.
public enum BITSScenarioVariants {
    /// `(encapsulation, impairments, label)` for each variant, in a fixed order (tests seed by index).
    public static let all: [(LinkEncapsulation, Impairments, String)] = {
        let impairments: [(Impairments, String)] = [
            (Impairments(reorderProbability: 0.4), "reordered"),
            (Impairments(duplicateProbability: 0.4), "retransmitted"),
            (Impairments(overlapProbability: 0.4), "overlapping"),
            (Impairments(reorderProbability: 0.3, duplicateProbability: 0.2, overlapProbability: 0.2), "all three"),
            (Impairments(ipFragmentPayload: 600), "IP-fragmented"),
        ]
        return LinkEncapsulation.allCases.enumerated().flatMap { index, encapsulation in
            let impaired = impairments[index % impairments.count]
            return [(encapsulation, Impairments.none, "\(encapsulation) clean"),
                    (encapsulation, impaired.0, "\(encapsulation) \(impaired.1)")]
        }
    }()
}
