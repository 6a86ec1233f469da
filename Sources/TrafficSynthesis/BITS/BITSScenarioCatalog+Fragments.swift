extension BITSScenarioCatalog {
    /// Fragments out of order, repeated, overlapping, pipelined or unanswered, and the server's
    /// resynchronisation.
    static let fragmentHandling: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(
            name: "gap-416-fixed",
            summary: "A fragment skips ahead, the server answers 416 with its offset, the client resends from there."
        ) {
            let fragments = $0.makeFile(fragments: 4)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            $0.fragment(on: connection, fragments[2])  // past E: 416 with E
            $0.upload(on: connection, fragments[1...])
            $0.closeSession(on: connection)
            $0.expectFindings([Code.fragmentGap, Code.outOfSync416])
        },
        BITSScenarioRecipe(
            name: "ignored-416",
            summary: "After a 416 the client skips ahead again (another 416), then resends from the server's offset."
        ) {
            let fragments = $0.makeFile(fragments: 4)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            $0.fragment(on: connection, fragments[2])  // past E: 416
            $0.fragment(on: connection, fragments[3])  // neither E nor the previous start, past E: 416
            $0.upload(on: connection, fragments[1...])
            $0.closeSession(on: connection)
            $0.expectFindings([Code.clientIgnoredResync, Code.fragmentGap, Code.outOfSync416])
        },
        BITSScenarioRecipe(
            name: "overlap", summary: "A fragment starts before the server's offset and ends after it; acked l+1."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            let back = $0.random.integer(in: 1...min(512, fragments[0].count))
            $0.fragment(on: connection, (fragments[1].lowerBound - back)..<fragments[1].upperBound)
            $0.fragment(on: connection, fragments[2])
            $0.closeSession(on: connection)
            $0.expectFindings([Code.fragmentOverlap])
        },
        BITSScenarioRecipe(
            name: "duplicate-after-lost-ack",
            summary: "A fragment is acked, the connection resets, the client reconnects, Pings and resends it."
        ) {
            let fragments = $0.makeFile(fragments: 4)
            let first = $0.connect()
            $0.createSession(on: first)
            $0.upload(on: first, fragments.prefix(2))
            $0.close(first, .reset)
            let second = $0.connect()
            $0.ping(on: second)
            $0.upload(on: second, fragments[1...])  // fragments[1] again: 200 with l+1 (= E)
            $0.closeSession(on: second)
            $0.expectFindings([Code.fragmentDuplicate, Code.sessionMultiConnection])
        },
        BITSScenarioRecipe(
            name: "short-ack-resumed",
            summary: "A 200 Ack acknowledges less than the fragment carried; the client resumes exactly there."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            let kept = fragments[1].lowerBound + $0.random.integer(in: 1...(fragments[1].count - 1))
            let shortAck = $0.messages.fragmentAck(sessionID: $0.sessionID, received: kept)
            $0.fragment(on: connection, fragments[1], response: .message(shortAck))
            // The rest of the file in one fragment, as a Windows client resumes (never below 5 KB).
            $0.fragment(on: connection, kept..<fragments[2].upperBound)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.ackRangeMismatch])
        },
        BITSScenarioRecipe(
            name: "pipelined", summary: "Two fragments sent back to back, then both Acks in order."
        ) {
            let fragments = $0.makeFile(fragments: 4)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            $0.sendFragment(on: connection, fragments[1])
            $0.sendFragment(on: connection, fragments[2])
            $0.respond(on: connection)
            $0.respond(on: connection)
            $0.fragment(on: connection, fragments[3])
            $0.closeSession(on: connection)
            $0.expectFindings([Code.pipelinedRequest])
        },
        BITSScenarioRecipe(
            name: "never-answered",
            summary: "A fragment gets no answer; a second later the client closes the connection."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            $0.sendFragment(on: connection, fragments[1])
            $0.pause(milliseconds: 1_000)
            $0.close(connection)
            $0.expectFindings([Code.missingAck, Code.orphanedSession])
        },
    ]
}
