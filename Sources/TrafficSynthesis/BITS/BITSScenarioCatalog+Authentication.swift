extension BITSScenarioCatalog {
    /// IIS with Windows authentication and proxies: requests challenged (401, 407) and sent again with
    /// credentials. Each is one session whose only finding is `auth-challenge`.
    static let authentication: [BITSScenarioRecipe] = [
        BITSScenarioRecipe(
            name: "auth-challenge-create",
            summary: "The Create-Session gets a 401 Negotiate challenge and is sent again with a Kerberos token."
        ) {
            let token = "Negotiate " + base64($0.randomBytes(90))
            uploadAfterChallenge(&$0, $0.messages.authenticationChallenge(), answer: ("Authorization", token))
        },
        BITSScenarioRecipe(
            name: "auth-ntlm-three-legs",
            summary: "NTLM on one keep-alive connection: 401, negotiate message, 401 with the server's challenge, authenticate."
        ) {
            let fragments = $0.makeFile(fragments: 2)
            let connection = $0.connect()
            $0.createSession(on: connection, response: .message($0.messages.authenticationChallenge(schemes: ["NTLM"])))
            let negotiate = "NTLM " + base64($0.randomBytes(40))
            let serverChallenge = $0.messages.authenticationChallenge(schemes: ["NTLM " + base64($0.randomBytes(120))])
            $0.createSession(on: connection, adjust: { $0.insertHeader("Authorization", negotiate, before: "User-Agent") },
                             response: .message(serverChallenge))
            let authenticate = "NTLM " + base64($0.randomBytes(300))
            $0.createSession(on: connection, adjust: { $0.insertHeader("Authorization", authenticate, before: "User-Agent") })
            $0.upload(on: connection, fragments)
            $0.closeSession(on: connection)
            $0.expectFindings([Code.authChallenge])
        },
        BITSScenarioRecipe(
            name: "auth-basic",
            summary: "The Create-Session gets a 401 Basic challenge and is sent again with Basic credentials."
        ) {
            uploadAfterChallenge(&$0, $0.messages.authenticationChallenge(schemes: ["Basic realm=\"bits\""]),
                                 answer: ("Authorization", "Basic " + base64(Array("CONTOSO\\svc-bits:secret".utf8))))
            $0.expectFindings([Code.basicAuthCleartext])
        },
        BITSScenarioRecipe(
            name: "auth-proxy-407",
            summary: "A proxy answers the Create-Session 407; the client sends it again with Proxy-Authorization."
        ) {
            let token = "Negotiate " + base64($0.randomBytes(90))
            uploadAfterChallenge(&$0, $0.messages.authenticationChallenge(proxy: true), answer: ("Proxy-Authorization", token))
        },
        BITSScenarioRecipe(
            name: "auth-new-connection",
            summary: "The challenged Create-Session's connection closes; the credentials come on a new connection."
        ) {
            let fragments = $0.makeFile(fragments: 2)
            let first = $0.connect()
            $0.createSession(on: first, response: .message($0.messages.authenticationChallenge()))
            $0.close(first)
            let second = $0.connect()
            let token = "Negotiate " + base64($0.randomBytes(90))
            $0.createSession(on: second, adjust: { $0.insertHeader("Authorization", token, before: "User-Agent") })
            $0.upload(on: second, fragments)
            $0.closeSession(on: second)
            $0.expectFindings([Code.authChallenge])
        },
        BITSScenarioRecipe(
            name: "auth-challenge-fragment-close",
            summary: "Mid-upload a Fragment, and later the Close-Session, are challenged and sent again."
        ) {
            let fragments = $0.makeFile(fragments: 3)
            let connection = $0.connect()
            $0.createSession(on: connection)
            $0.fragment(on: connection, fragments[0])
            $0.fragment(on: connection, fragments[1], response: .message($0.messages.authenticationChallenge()))
            $0.upload(on: connection, fragments[1...])
            $0.closeSession(on: connection, response: .message($0.messages.authenticationChallenge()))
            $0.closeSession(on: connection)
            $0.expectFindings([Code.authChallenge])
        },
        BITSScenarioRecipe(
            name: "auth-challenge-refused",
            summary: "The Create-Session is challenged, sent again with credentials the server refuses too; the client gives up."
        ) {
            _ = $0.makeFile(fragments: 1)
            let connection = $0.connect()
            $0.createSession(on: connection, response: .message($0.messages.authenticationChallenge()))
            let token = "Negotiate " + base64($0.randomBytes(90))
            $0.createSession(on: connection, adjust: { $0.insertHeader("Authorization", token, before: "User-Agent") },
                             response: .message($0.messages.authenticationChallenge()))
            $0.close(connection)
            $0.expectFindings([Code.authChallenge])
        },
    ]

    /// A clean upload of three fragments on one connection whose Create-Session is first answered by
    /// `challenge`, then sent again with the header `answer`.
    private static func uploadAfterChallenge(
        _ script: inout BITSScenarioBuilder, _ challenge: SyntheticHTTPMessage, answer: (name: String, value: String)
    ) {
        let fragments = script.makeFile(fragments: 3)
        let connection = script.connect()
        script.createSession(on: connection, response: .message(challenge))
        script.createSession(on: connection, adjust: { $0.insertHeader(answer.name, answer.value, before: "User-Agent") })
        script.upload(on: connection, fragments)
        script.closeSession(on: connection)
        script.expectFindings([Code.authChallenge])
    }
}
