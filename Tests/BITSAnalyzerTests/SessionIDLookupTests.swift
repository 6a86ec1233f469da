import AnalyzerCore
@testable import BITSAnalyzer
import Testing

/// A look-up by ID given the session likely to have it (`BITSSessionTable.handle(forID:likely:)`,
/// a comparison) finds what the look-up by hashing finds, whatever the table went through.
@Suite struct SessionIDLookupTests {
    static let ids = ["{AA}", "{aa}", "{BB}", "{Bb}", "{CC}", "{DD}"]

    @Test("the likely session's indexed ID answers as the index does, through inserts, re-indexing, reuse and removal")
    func likelyMatchesIndex() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            var table = BITSSessionTable()
            var known: [SessionHandle] = []
            for _ in 0..<60 {
                let open = known.filter(table.contains)
                switch Int.random(in: 0..<10, using: &generator) {
                case 0..<3:
                    known.append(table.insert(sessionID: nil, url: "/", host: nil, client: Endpoint(address: .v4(1), port: 1),
                                              time: .zero))
                case 3..<7 where !open.isEmpty:
                    let session = open.randomElement(using: &generator)!
                    let id = Self.ids.randomElement(using: &generator)!
                    let before = table.handle(forID: id)
                    #expect(table.index(session, byID: id) == before, "the handle it replaced")
                    // As the tracker does (a session leaves the index by the ID it carries), most of the time.
                    if Bool.random(using: &generator) { table[session].record.sessionID = id }
                case 7..<9 where !open.isEmpty:
                    _ = table.remove(open.randomElement(using: &generator)!)
                default:
                    break
                }
                for id in Self.ids {
                    let expected = table.handle(forID: id)
                    for likely in known + [nil] {
                        #expect(table.handle(forID: id, likely: likely) == expected, "round \(round), \(id)")
                    }
                }
            }
        }
    }
}
