/// The samples that show BITS analysis (`bitsnoop analyze`): one capture per scenario of
/// ``BITSScenarioCatalog``, the framings taking turns, with the generator's expected analysis.
public enum BITSSamples {
    /// Every BITS sample, in catalogue order.
    public static func all() -> [SampleCapture] {
        BITSScenarioCatalog.all.enumerated().map { index, recipe in
            let encapsulations = LinkEncapsulation.allCases
            let encapsulation = encapsulations[index % encapsulations.count]
            // Every third sample also shows TCP reordering and retransmission underneath.
            let impairments = index % 3 == 2
                ? Impairments(reorderProbability: 0.3, duplicateProbability: 0.2) : Impairments.none
            let scenario = recipe.build(encapsulation: encapsulation, impairments: impairments, seed: 1)
            let usePcapng = index % 4 == 3
            let fileName = "bits-\(recipe.name).\(usePcapng ? "pcapng" : "pcap")"
            let bytes = usePcapng ? scenario.captureScenario.pcapngFile() : scenario.captureScenario.pcapFile()
            return SampleCapture(fileName: fileName, summary: recipe.summary, bytes: bytes, expectedJSON: scenario.json)
        }
    }

    /// The framing and impairments of sample `index`, as a phrase for the samples README.
    public static func framing(of index: Int) -> String {
        let encapsulation = LinkEncapsulation.allCases[index % LinkEncapsulation.allCases.count]
        return "\(encapsulation)" + (index % 3 == 2 ? ", TCP reordered and retransmitted" : "")
    }
}
