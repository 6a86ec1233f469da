extension BITSScenarioCatalog {
    /// Fragments the server must refuse with 400 + E_INVALIDARG.
    static let malformedRequests: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(
            name: "total-length-changed",
            summary: "The second fragment names another total length; 400, and the client gives up."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            let otherTotal = $0.file.count + $0.random.integer(in: 1...4_096)
            $0.fragment(on: connection, fragments[1], total: otherTotal)
            $0.close(connection)
            $0.expectFindings([Code.orphanedSession, Code.serverError, Code.totalLengthChanged])
        },
        BITSScenarioRecipe(
            name: "body-shorter-than-range",
            summary: "A fragment's body and Content-Length are half what its Content-Range says; 400."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            let half = Array($0.file[fragments[1]].prefix(fragments[1].count / 2))
            $0.fragment(on: connection, fragments[1], body: half)
            $0.close(connection)
            $0.expectFindings([Code.orphanedSession, Code.rangeMismatch, Code.serverError])
        },
        BITSScenarioRecipe(
            name: "range-past-total", summary: "The last fragment's range ends past the total length; 400."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.prefix(2))
            let beyond = $0.random.integer(in: 1...512)
            $0.fragment(on: connection, fragments[2].lowerBound..<(fragments[2].upperBound + beyond))
            $0.close(connection)
            $0.expectFindings([Code.orphanedSession, Code.rangeBeyondTotal, Code.serverError])
        },
        BITSScenarioRecipe(
            name: "malformed-range", summary: "A fragment with Content-Range `bytes 9000-100/12000`; 400."
        ) {
            $0.makeFile(length: 12_000)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, 0..<9_000)
            $0.fragment(on: connection, 100..<9_001, contentRange: "bytes 9000-100/12000")
            $0.close(connection)
            $0.expectFindings([Code.malformedContentRange, Code.orphanedSession, Code.serverError])
        },
        BITSScenarioRecipe(
            name: "missing-session-id",
            summary: "A fragment without BITS-Session-Id gets 400; the client resends it properly and completes."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            $0.fragment(on: connection, fragments[1], omitSessionID: true)
            $0.upload(on: connection, fragments[1...])
            $0.closeSession(on: connection)
            $0.expectFindings([Code.missingSessionID, Code.serverError])
        },
    ]
}
