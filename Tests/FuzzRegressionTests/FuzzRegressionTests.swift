import Foundation
import FuzzHarness
import Testing

/// Every input kept in `fuzz/regressions/<target>/` (crashes the fuzzers found, and hand-made
/// hostile inputs) runs through its target without breaking an invariant.
@Suite struct FuzzRegressionTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("saved inputs replay cleanly", arguments: FuzzTarget.allCases)
    func replay(target: FuzzTarget) throws {
        let folder = Self.repositoryRoot.appendingPathComponent("fuzz/regressions/\(target.rawValue)").path
        let files = try FuzzReplay.inputFiles([folder])
        #expect(!files.isEmpty, "no regression inputs in \(folder)")
        for file in files {
            target.run(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        }
    }
}
