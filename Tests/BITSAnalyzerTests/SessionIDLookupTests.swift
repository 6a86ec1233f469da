import AnalyzerCore
@testable import BITSAnalyzer
import Testing

/// A look-up by ID given the session likely to have it (`BITSSessionTable.handle(forID:likely:)`,
/// a comparison) finds what the look-up by hashing finds, and the index the table keeps (with the
/// digests it remembers) is the one a plain dictionary of IDs would hold, whatever the table went
/// through.
@Suite struct SessionIDLookupTests {
    static let ids = ["{AA}", "{aa}", "{BB}", "{Bb}", "{CC}", "{DD}"]

    @Test("the likely session's indexed ID answers as the index does, through inserts, re-indexing, reuse and removal")
    func likelyMatchesIndex() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            var table = BITSSessionTable()
            var known: [SessionHandle] = []
            // The index as it was kept before the digests were remembered: by lower-cased ID, an
            // entry leaving with the session whose ID it names.
            var model: [String: SessionHandle] = [:]
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
                    model[id.lowercased()] = session
                    // As the tracker does (a session leaves the index by the ID it carries), most
                    // of the time; spelled either way.
                    if Bool.random(using: &generator) {
                        table[session].record.sessionID = Bool.random(using: &generator) ? id : id.uppercased()
                    }
                case 7..<9 where !open.isEmpty:
                    let session = open.randomElement(using: &generator)!
                    if let id = table[session].record.sessionID, model[id.lowercased()] == session {
                        model[id.lowercased()] = nil
                    }
                    table.unindex(session)
                    table.vacate(session)
                default:
                    break
                }
                for id in Self.ids {
                    let expected = table.handle(forID: id)
                    #expect(expected == model[id.lowercased()], "round \(round), \(id)")
                    for likely in known + [nil] {
                        #expect(table.handle(forID: id, likely: likely) == expected, "round \(round), \(id)")
                        if let likely { #expect(table.digest(ofID: id, of: likely) == id.caseFoldedDigest) }
                    }
                }
            }
        }
    }
}
