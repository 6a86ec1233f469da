extension BITSScenarioCatalog {
    /// Sessions that end (or do not) in each of the possible states.
    static let lifecycle: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(name: "clean-upload", summary: "Create-Session, three to five fragments, Close-Session.") {
            let fragments = $0.makeFile(fragments: fragmentCount(&$0, 3, 5))
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
        },
        BITSScenarioRecipe(
            name: "clean-upload-ping", summary: "A Ping first and another before Close-Session, as Windows does.",
            ipv6: true
        ) {
            let fragments = $0.makeFile(fragments: fragmentCount(&$0, 3, 5))
            let connection = $0.connect()
            $0.ping(on: connection)
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.ping(on: connection)
            $0.closeSession(on: connection)
        },
        BITSScenarioRecipe(name: "orphaned-half", summary: "Half the fragments, then the connection closes.") {
            let fragments = $0.makeFile(fragments: 4)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.prefix(2))
            $0.close(connection)
            $0.expectFindings([Code.orphanedSession])
        },
        BITSScenarioRecipe(name: "uploaded-not-closed", summary: "Every fragment acknowledged, no Close-Session.") {
            let fragments = $0.makeFile(fragments: fragmentCount(&$0, 3, 4))
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.close(connection)
            $0.expectFindings([Code.completeNotClosed])
        },
        BITSScenarioRecipe(name: "close-halfway", summary: "Close-Session after half the fragments.") {
            let fragments = $0.makeFile(fragments: 4)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.prefix(2))
            $0.closeSession(on: connection)
            $0.expectFindings([Code.partialFileClose])
        },
        BITSScenarioRecipe(name: "close-no-fragment", summary: "Create-Session then Close-Session, no fragment.") {
            $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.partialFileClose])
        },
        BITSScenarioRecipe(name: "cancel", summary: "One fragment, then Cancel-Session answered 200.") {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments.prefix(1))
            $0.cancelSession(on: connection)
        },
        BITSScenarioRecipe(
            name: "midstream-capture",
            summary: "The capture starts mid-connection after the Create-Session exchange; the upload completes."
        ) {
            let fragments = $0.makeFile(fragments: fragmentCount(&$0, 3, 4))
            // The handshake and the first two data segments (Create-Session and its Ack) are not
            // captured, so the capture starts exactly at the first Fragment.
            let connection = $0.connect(midstream: true)
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.unknownSession])
        },
        BITSScenarioRecipe(
            name: "upper-case-types", summary: "A clean upload with every packet type in upper case, Acks too."
        ) {
            $0.messages.spelling = .upperCase
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
        },
    ]
}
