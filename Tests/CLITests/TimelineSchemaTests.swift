import Foundation
import Testing
import TrafficSynthesis

@Suite struct TimelineSchemaTests {
    /// Whether python3 with the `jsonschema` package is available to validate against the schema.
    static let validatorAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jsonschema"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// What python's jsonschema says is wrong with a timeline document, or `nil` when it validates
    /// against docs/timeline.schema.json.
    static func schemaViolations(of document: URL) throws -> String? {
        let schema = CLIRunner.repositoryRoot.appendingPathComponent("docs/timeline.schema.json").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
            """, schema, document.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : String(message.suffix(600))
    }

    @Test("timeline documents validate against docs/timeline.schema.json",
          .enabled(if: validatorAvailable, "needs python3 with the jsonschema package (pip install jsonschema)"))
    func documentsValidate() throws {
        let samples = (BITSSamples.all() + FieldSamples.all() + StreamSamples.all()).map(\.fileName)
        #expect(samples.count > 30)
        for sample in samples {
            let result = try CLIRunner.run(["analyze", "--json", "-", "samples/\(sample)"])
            #expect(result.status == 0, "\(sample): \(result.standardError)")
            let document = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-\(UUID()).json")
            try result.standardOutput.write(to: document)
            defer { try? FileManager.default.removeItem(at: document) }
            let violations = try Self.schemaViolations(of: document)
            #expect(violations == nil, "\(sample): \(violations ?? "")")
        }
    }
}
