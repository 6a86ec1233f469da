import AnalyzerCore
import Testing
import TrafficSynthesis

@Suite struct BITSExpectationJSONTests {
    /// The sample file of one scenario, fixed: any change to names, seeding, key order or layout
    /// shows up here (regenerate the samples when it is intended).
    @Test func createRefusedRendersExactly() throws {
        let scenario = try #require(BITSScenarioCatalog.named("create-refused")).build(seed: 1)
        #expect(scenario.json == """
            {
              "scenario": "create-refused",
              "summary": "Create-Session answered 403 + 0x80070005 (access denied).",
              "seed": 1,
              "sessions": [
                {
                  "sessionID": null,
                  "state": "rejected",
                  "totalLength": null,
                  "bytesAcknowledged": null,
                  "connectionCount": 1,
                  "requests": [
                    {"type": "create-session", "status": 403}
                  ],
                  "findings": ["access-denied"]
                }
              ],
              "findings": [
                {"code": "access-denied", "sessionID": null}
              ],
              "clientFile": {"length": 20166, "fnv1a64": "5674642518e6f840"},
              "serverFile": {"length": 0, "fnv1a64": "cbf29ce484222325"},
              "serverFileEqualsClientFile": false
            }

            """)
    }

    @Test(arguments: BITSScenarioCatalog.all.map(\.name))
    func jsonIsStableAndCarriesTheExpectation(name: String) throws {
        let recipe = try #require(BITSScenarioCatalog.named(name))
        let scenario = recipe.build(seed: 2)
        // Framing and impairments change the packets, never the expectation file.
        let impaired = recipe.build(
            encapsulation: .null(.big), impairments: Impairments(duplicateProbability: 0.5), seed: 2
        )
        #expect(scenario.json == impaired.json)
        #expect(scenario.json.hasPrefix("{\n  \"scenario\": \"\(name)\",\n"))
        #expect(scenario.json.hasSuffix("}\n"))
        #expect(scenario.expected.json.hasPrefix("{\n  \"sessions\": ["))
        for session in scenario.expected.sessions {
            #expect(scenario.json.contains("\"state\": \"\(session.state)\""))
            if let id = session.sessionID { #expect(scenario.json.contains("\"sessionID\": \"\(id)\"")) }
        }
        let hash = ExpectedBITSAnalysis.fnv1a64(scenario.expected.clientFile)
        let length = scenario.expected.clientFile.count
        #expect(scenario.json.contains("\"clientFile\": {\"length\": \(length), \"fnv1a64\": \"\(hash)\"}"))
    }

    @Test func fnvHashIsTheStandardOne() {
        // Published FNV-1a 64 test vectors.
        #expect(ExpectedBITSAnalysis.fnv1a64([]) == "cbf29ce484222325")
        #expect(ExpectedBITSAnalysis.fnv1a64(Array("a".utf8)) == "af63dc4c8601ec8c")
        #expect(ExpectedBITSAnalysis.fnv1a64(Array("foobar".utf8)) == "85944171f73967e8")
    }
}
