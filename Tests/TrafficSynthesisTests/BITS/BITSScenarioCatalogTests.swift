import AnalyzerCore
import Testing
import TrafficSynthesis

@Suite struct BITSScenarioCatalogTests {
    static let seeds: [UInt64] = [1, 7, 0xDEAD_BEEF]

    @Test func catalogueHoldsExactlyTheListedScenariosWithUniqueKebabNames() {
        let names = BITSScenarioCatalog.all.map(\.name)
        #expect(names.count == BriefTable.rows.count)
        #expect(Set(names).count == names.count)
        #expect(Set(names) == Set(BriefTable.rows.map(\.name)))
        let kebab = names.allSatisfy { name in
            !name.isEmpty && !name.hasPrefix("-") && !name.hasSuffix("-") && !name.contains("--")
                && name.allSatisfy { $0 == "-" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
        }
        #expect(kebab)
        #expect(BITSScenarioCatalog.all.allSatisfy { !$0.summary.isEmpty && !$0.summary.contains("\n") })
        #expect(BITSScenarioCatalog.named("overlap")?.name == "overlap")
        #expect(BITSScenarioCatalog.named("no-such-scenario") == nil)
    }

    @Test(arguments: BriefTable.rows.map(\.name))
    func stateAndFindingsAreTheListedOnes(name: String) throws {
        let row = try #require(BriefTable.rows.first { $0.name == name })
        let recipe = try #require(BITSScenarioCatalog.named(name))
        for seed in Self.seeds {
            let expected = recipe.build(seed: seed).expected
            #expect(expected.sessions.count == 1)
            let session = try #require(expected.sessions.first)
            #expect(session.state == row.state, "\(name) seed \(seed)")
            #expect(session.findings == row.findings.sorted(), "\(name) seed \(seed)")
            #expect(expected.findings == row.findings.sorted().map {
                ExpectedBITSFinding(code: $0, sessionID: session.sessionID)
            } + (BriefTable.sessionlessFindings[name] ?? []).map { ExpectedBITSFinding(code: $0, sessionID: nil) })
            #expect((session.sessionID == nil) == (row.state == "rejected"))
        }
    }

    @Test(arguments: BITSScenarioCatalog.all.map(\.name))
    func rendersDeterministicallyAndSeedsMatter(name: String) throws {
        let recipe = try #require(BITSScenarioCatalog.named(name))
        let impairments = Impairments(reorderProbability: 0.3, duplicateProbability: 0.2, overlapProbability: 0.2)
        let first = recipe.build(encapsulation: .linuxSLL2, impairments: impairments, seed: 42)
        let second = recipe.build(encapsulation: .linuxSLL2, impairments: impairments, seed: 42)
        #expect(first.expected == second.expected)
        #expect(first.json == second.json)
        #expect(first.conversations.map(\.packets) == second.conversations.map(\.packets))
        #expect(first.captureScenario.pcapngFile() == second.captureScenario.pcapngFile())
        let other = recipe.build(encapsulation: .linuxSLL2, impairments: impairments, seed: 43)
        #expect(other.expected.clientFile != first.expected.clientFile)
        #expect(other.conversations.map(\.clientPayload) != first.conversations.map(\.clientPayload))
    }

    @Test(arguments: BITSScenarioCatalog.all.map(\.name))
    func sizesAndTimingStayWithinBounds(name: String) throws {
        let scenario = try #require(BITSScenarioCatalog.named(name)).build(seed: 5)
        let file = scenario.expected.clientFile
        #expect((3_000...40_960).contains(file.count), "file of \(file.count) bytes")
        let packets = scenario.captureScenario.packets
        #expect(!packets.isEmpty)
        #expect(zip(packets, packets.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
        for conversation in scenario.conversations {
            let times = conversation.packets.map(\.timestamp)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
        }
        for exchange in try scenario.capturedExchanges() where exchange.bitsType == "fragment" {
            // Two 8 KiB fragments at most (one refused with 413 and sent again in halves).
            #expect(exchange.request.body.count <= 2 * 8_192 + 512)
        }
    }

    @Test(arguments: BITSScenarioCatalog.all.map(\.name))
    func serverFileRelatesToClientFile(name: String) throws {
        for seed in Self.seeds {
            let expected = try #require(BITSScenarioCatalog.named(name)).build(seed: seed).expected
            let session = try #require(expected.sessions.first)
            #expect(expected.serverFile.count == Int(session.bytesAcknowledged ?? 0))
            // Every scenario's fragments carry the client's own bytes, so whatever the server holds
            // is a prefix of the file; a completed upload holds all of it.
            #expect(Array(expected.clientFile.prefix(expected.serverFile.count)) == expected.serverFile)
            if session.state == "completed" || session.state == "uploaded-not-closed" {
                #expect(expected.serverFile == expected.clientFile)
            }
            if session.state == "rejected" { #expect(expected.serverFile.isEmpty) }
            if let total = session.totalLength { #expect(total == UInt64(expected.clientFile.count)) }
        }
    }
}
