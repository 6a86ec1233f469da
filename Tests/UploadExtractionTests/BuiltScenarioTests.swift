import BITSAnalyzer
import Foundation
import Testing
import TrafficSynthesis
import UploadExtraction

/// Scripted uploads beyond the catalogue, through the whole pipeline: an upload whose first
/// fragments the capture missed, and copies of the same bytes racing on two connections.
@Suite struct BuiltScenarioTests {
    @Test("an upload whose first fragments are not in the capture gives a .partial file with the known ranges",
          arguments: LinkEncapsulation.allCases.indices)
    func firstFragmentsMissing(framing: Int) throws {
        let recipe = BITSScenarioRecipe(name: "late-capture", summary: "the capture starts after two fragments") {
            let fragments = $0.makeFile(fragments: 5)
            let first = $0.connect()
            $0.createSession(on: first)
            $0.upload(on: first, fragments.prefix(2))
            $0.close(first, .reset)
            let second = $0.connect()
            $0.upload(on: second, fragments[2...])
            $0.closeSession(on: second)
        }
        var scenario = recipe.build(encapsulation: LinkEncapsulation.allCases[framing], seed: UInt64(framing + 11))
        scenario.conversations.removeFirst()  // the capture misses the first connection entirely
        let run = try ExtractionRun.analyse(scenario.captureScenario.pcapngFile())
        defer { run.remove() }
        let client = scenario.expected.clientFile
        let file = try #require(run.files[0])
        let bytes = try #require(try run.bytes(of: 0))
        // The first fragment the capture shows starts where the server's 200 Acks say it stood.
        let known = try #require(run.sessions[0].requests.first { $0.type.description == "fragment" }?.range?.first)
        #expect(known > 0)
        #expect(file.missing == [0...(known - 1)])
        #expect(!file.complete && file.path.hasSuffix(".partial"))
        #expect(file.path.hasPrefix(try #require(run.sessions[0].sessionID)))
        #expect(bytes.count == client.count)
        let zeros = bytes.prefix(Int(known)).allSatisfy { $0 == 0 }
        let rest = bytes.dropFirst(Int(known)).elementsEqual(client.dropFirst(Int(known)))
        #expect(zeros && rest)
        #expect(file.sha256 == ExtractionRun.sha256(bytes))
    }

    @Test("copies racing on two connections: the server keeps the first stored, spooled bytes are placed",
          arguments: [0, 1, 2])
    func racingCopies(seed: Int) throws {
        let recipe = BITSScenarioRecipe(name: "racing-copies", summary: "the same range on two connections") {
            $0.makeFile(length: 12_000)
            let altered = $0.file.prefix(3_000).map { $0 ^ 0xFF }
            let first = $0.connect()
            let second = $0.connect()
            $0.createSession(on: first)
            $0.sendFragment(on: first, 0..<3_000, body: Array(altered))  // other bytes than the file's
            $0.sendFragment(on: second, 0..<5_000)
            $0.respond(on: second)
            $0.respond(on: first)
            $0.upload(on: first, [5_000..<9_000, 9_000..<12_000])
            $0.closeSession(on: first)
        }
        let impairments = seed == 0 ? Impairments.none : Impairments(reorderProbability: 0.3, duplicateProbability: 0.3)
        let scenario = recipe.build(impairments: impairments, seed: UInt64(seed))
        let run = try ExtractionRun.analyse(scenario.captureScenario.pcapFile())
        defer { run.remove() }
        let file = try #require(run.files[0])
        let bytes = try #require(try run.bytes(of: 0))
        let server = scenario.expected.serverFile
        #expect(server.count == 12_000)
        #expect(Array(server.prefix(3_000)) == scenario.expected.clientFile.prefix(3_000).map { $0 ^ 0xFF })
        let same = bytes == server
        #expect(same, "the file is not what the server holds")
        #expect(file.complete && file.missing.isEmpty)  // acknowledged whole: what the server holds
    }
}
