/// A generated BITS capture: the rendered TCP connections and what an analyzer must find in them.
public struct BITSScenario: Sendable {
    /// The stable kebab-case name (`clean-upload`).
    public var name: String
    /// One line saying what happens.
    public var summary: String
    /// The seed it was built from.
    public var seed: UInt64
    /// The link framing of every packet.
    public var encapsulation: LinkEncapsulation
    /// The impairments applied to every connection.
    public var impairments: Impairments
    /// The captured connections, in order of opening.
    public var conversations: [RenderedConversation]
    /// The expected analysis.
    public var expected: ExpectedBITSAnalysis

    /// Creates a scenario from its parts.
    public init(
        name: String, summary: String, seed: UInt64, encapsulation: LinkEncapsulation, impairments: Impairments,
        conversations: [RenderedConversation], expected: ExpectedBITSAnalysis
    ) {
        self.name = name
        self.summary = summary
        self.seed = seed
        self.encapsulation = encapsulation
        self.impairments = impairments
        self.conversations = conversations
        self.expected = expected
    }

    /// The connections merged into one capture, ready to be written as pcap or pcapng.
    public var captureScenario: CaptureScenario {
        CaptureScenario(encapsulation: encapsulation, conversations: conversations)
    }

    /// The expectation as JSON, headed by the scenario's name, summary and seed (see
    /// ``ExpectedBITSAnalysis/json``).
    public var json: String {
        let head: [(String, JSONText.Value)] = [
            ("scenario", .string(name)), ("summary", .string(summary)), ("seed", .unsigned(seed)),
        ]
        return JSONText.render(.object(head + expected.jsonMembers))
    }
}

/// A named BITS scenario script: builds the same traffic and expectation for any framing,
/// impairments and seed.
public struct BITSScenarioRecipe: Sendable {
    /// The stable kebab-case name.
    public let name: String
    /// One line saying what happens.
    public let summary: String
    /// Whether the connections run over IPv6.
    public let ipv6: Bool
    /// The script.
    let script: @Sendable (inout BITSScenarioBuilder) -> Void

    /// Creates a recipe running `script` on a fresh ``BITSScenarioBuilder``.
    public init(
        name: String,
        summary: String,
        ipv6: Bool = false,
        script: @escaping @Sendable (inout BITSScenarioBuilder) -> Void
    ) {
        self.name = name
        self.summary = summary
        self.ipv6 = ipv6
        self.script = script
    }

    /// The scenario for `seed`, framed with `encapsulation` and impaired as `impairments` say. The
    /// expectation depends only on the seed (see ``ExpectedBITSAnalysis`` for the impairments it
    /// survives).
    public func build(
        encapsulation: LinkEncapsulation = .ethernet(vlanTags: []),
        impairments: Impairments = .none,
        seed: UInt64
    ) -> BITSScenario {
        // The name goes into the script's seed so that scenarios built with one seed still get
        // their own session IDs, files and ports.
        var builder = BITSScenarioBuilder(seed: seed ^ ExpectedBITSAnalysis.fnv1a64Value(Array(name.utf8)), ipv6: ipv6)
        script(&builder)
        let (conversations, expected) = builder.finish(encapsulation: encapsulation, impairments: impairments)
        return BITSScenario(
            name: name, summary: summary, seed: seed, encapsulation: encapsulation, impairments: impairments,
            conversations: conversations, expected: expected
        )
    }

    /// The scenario's capture, for writing a file.
    public func captureScenario(
        encapsulation: LinkEncapsulation = .ethernet(vlanTags: []),
        impairments: Impairments = .none,
        seed: UInt64
    ) -> CaptureScenario {
        build(encapsulation: encapsulation, impairments: impairments, seed: seed).captureScenario
    }
}
