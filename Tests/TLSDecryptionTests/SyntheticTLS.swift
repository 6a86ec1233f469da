@testable import TLSDecryption

/// Whole TLS conversations made in the test with swift-crypto, and the key log line(s) a client
/// would have written for them.
struct SyntheticTLS {
    var steps: [ConversationStep] = []
    var keyLog = ""
    /// The application data each side sent, concatenated.
    var clientData: [UInt8] = []
    var serverData: [UInt8] = []

    static func secret(_ length: Int, _ seed: UInt8) -> [UInt8] { filler(length, seed: seed) }

    /// A TLS 1.3 handshake and `rounds` application records each way; optionally with a
    /// HelloRetryRequest first, middlebox ChangeCipherSpecs, and a KeyUpdate from each side halfway.
    static func tls13(suiteID: UInt16, rounds: Int = 3, helloRetry: Bool = false, keyUpdate: Bool = false,
                      seed: UInt8 = 1, recordSize: Int = 300) -> SyntheticTLS {
        let suite = TLSCipherSuite.supported(suiteID)!
        var tls = SyntheticTLS()
        let random = filler(32, seed: seed)
        let hash = suite.hash.length
        let (chs, shs, cap, sap) = (secret(hash, seed &+ 1), secret(hash, seed &+ 2), secret(hash, seed &+ 3), secret(hash, seed &+ 4))
        let hex = hexText(random)
        tls.keyLog = """
            # made by the test
            CLIENT_HANDSHAKE_TRAFFIC_SECRET \(hex) \(hexText(chs))
            SERVER_HANDSHAKE_TRAFFIC_SECRET \(hex) \(hexText(shs))
            CLIENT_TRAFFIC_SECRET_0 \(hex) \(hexText(cap))
            SERVER_TRAFFIC_SECRET_0 \(hex) \(hexText(sap))
            """
        let hello = handshake(1, clientHelloBody(random: random, sessionID: filler(32, seed: 9), serverName: "bits.example",
                                                 suites: [suiteID], extensions: [offerTLS13]))
        tls.steps.append(.bytes(.client, record(22, hello, version: 0x0301)))
        if helloRetry {
            let retry = handshake(2, serverHelloBody(random: TLSHelloParser.helloRetryRandom, sessionID: filler(32, seed: 9),
                                                     suite: suiteID, extensions: [selectTLS13]))
            tls.steps.append(.bytes(.server, record(22, retry)))
            tls.steps.append(.bytes(.client, record(20, [1]) + record(22, hello)))
        }
        let serverHello = handshake(2, serverHelloBody(random: filler(32, seed: seed &+ 50), sessionID: filler(32, seed: 9),
                                                       suite: suiteID, extensions: [selectTLS13]))
        var serverHS = TLSTestSealer(suite: suite, keys: .tls13(secret: shs, suite: suite))
        var clientHS = TLSTestSealer(suite: suite, keys: .tls13(secret: chs, suite: suite))
        var serverApp = TLSTestSealer(suite: suite, keys: .tls13(secret: sap, suite: suite))
        var clientApp = TLSTestSealer(suite: suite, keys: .tls13(secret: cap, suite: suite))
        // The flight in two records: EncryptedExtensions and a big Certificate, then Finished.
        let flight1 = serverHS.seal(22, handshake(8, [0, 0]) + handshake(11, filler(3_000, seed: 7)), padding: 5)
        let flight2 = serverHS.seal(22, handshake(15, filler(70, seed: 8)) + handshake(20, filler(hash, seed: 6)))
        tls.steps.append(.bytes(.server, record(22, serverHello) + record(20, [1]) + flight1 + flight2))
        tls.steps.append(.bytes(.client, record(20, [1]) + clientHS.seal(22, handshake(20, filler(hash, seed: 5)))))
        tls.steps.append(.bytes(.server, serverApp.seal(22, handshake(4, filler(40, seed: 4)))))
        var clientSecret = cap, serverSecret = sap
        for round in 0..<rounds {
            if keyUpdate, round == rounds / 2 {
                tls.steps.append(.bytes(.client, clientApp.seal(22, handshake(24, [1]))))
                clientSecret = TLSKeyDerivation.nextTrafficSecret(clientSecret, hash: suite.hash)
                clientApp = TLSTestSealer(suite: suite, keys: .tls13(secret: clientSecret, suite: suite))
                tls.steps.append(.bytes(.server, serverApp.seal(22, handshake(24, [0]))))
                serverSecret = TLSKeyDerivation.nextTrafficSecret(serverSecret, hash: suite.hash)
                serverApp = TLSTestSealer(suite: suite, keys: .tls13(secret: serverSecret, suite: suite))
            }
            let request = filler(recordSize + round, seed: UInt8(truncatingIfNeeded: round * 2 + 100))
            let answer = filler(recordSize / 2 + round, seed: UInt8(truncatingIfNeeded: round * 2 + 101))
            tls.clientData += request
            tls.serverData += answer
            tls.steps.append(.bytes(.client, clientApp.seal(23, request, padding: round % 3)))
            tls.steps.append(.bytes(.server, serverApp.seal(23, answer)))
        }
        tls.steps.append(.bytes(.client, clientApp.seal(21, [1, 0])))
        return tls
    }

    /// A TLS 1.2 handshake (full, or abbreviated when `resumed`) and `rounds` application records
    /// each way.
    static func tls12(suiteID: UInt16, rounds: Int = 3, encryptThenMAC: Bool = false, extendedMasterSecret: Bool = true,
                      resumed: Bool = false, seed: UInt8 = 1, recordSize: Int = 300) -> SyntheticTLS {
        let suite = TLSCipherSuite.supported(suiteID)!
        var tls = SyntheticTLS()
        let clientRandom = filler(32, seed: seed), serverRandom = filler(32, seed: seed &+ 60)
        let master = secret(48, seed &+ 10)
        tls.keyLog = "CLIENT_RANDOM \(hexText(clientRandom).uppercased()) \(hexText(master))\r\n"
        var clientExtensions: [[UInt8]] = [], serverExtensions: [[UInt8]] = []
        if extendedMasterSecret { clientExtensions.append(tlsExtension(0x17, [])); serverExtensions.append(tlsExtension(0x17, [])) }
        if encryptThenMAC { clientExtensions.append(tlsExtension(0x16, [])); serverExtensions.append(tlsExtension(0x16, [])) }
        let sessionID = resumed ? filler(32, seed: 3) : []
        clientExtensions.append(tlsExtension(0x23, resumed ? filler(100, seed: 2) : []))
        tls.steps.append(.bytes(.client, record(22, handshake(1, clientHelloBody(random: clientRandom, sessionID: sessionID,
                                                                                 serverName: "bits.example", suites: [suiteID],
                                                                                 extensions: clientExtensions)), version: 0x0301)))
        let serverHello = handshake(2, serverHelloBody(random: serverRandom, sessionID: resumed ? sessionID : filler(32, seed: 4),
                                                       suite: suiteID, extensions: serverExtensions))
        let keys = TLSTrafficKeys.tls12(masterSecret: master, clientRandom: clientRandom, serverRandom: serverRandom, suite: suite)
        let etm = encryptThenMAC && suite.cipher == .aesCBC
        var client = TLSTestSealer(suite: suite, keys: keys.client, encryptThenMAC: etm)
        var server = TLSTestSealer(suite: suite, keys: keys.server, encryptThenMAC: etm)
        let clientFinished = client.seal(22, handshake(20, filler(12, seed: 12)))
        let serverFinished = server.seal(22, handshake(20, filler(12, seed: 13)))
        if resumed {
            tls.steps.append(.bytes(.server, record(22, serverHello) + record(20, [1]) + serverFinished))
            tls.steps.append(.bytes(.client, record(20, [1]) + clientFinished))
        } else {
            // Certificate split over two records, ServerHelloDone packed with it.
            let certificate = handshake(11, filler(5_000, seed: 14)) + handshake(14, [])
            tls.steps.append(.bytes(.server, record(22, serverHello + Array(certificate[..<1000])) + record(22, Array(certificate[1000...]))))
            tls.steps.append(.bytes(.client, record(22, handshake(16, filler(66, seed: 15))) + record(20, [1]) + clientFinished))
            tls.steps.append(.bytes(.server, record(22, handshake(4, filler(90, seed: 16))) + record(20, [1]) + serverFinished))
        }
        for round in 0..<rounds {
            let request = filler(recordSize + round, seed: UInt8(truncatingIfNeeded: round * 2 + 100))
            let answer = filler(recordSize / 2 + round, seed: UInt8(truncatingIfNeeded: round * 2 + 101))
            tls.clientData += request
            tls.serverData += answer
            tls.steps.append(.bytes(.client, client.seal(23, request)))
            tls.steps.append(.bytes(.server, server.seal(23, answer)))
        }
        tls.steps.append(.bytes(.server, server.seal(21, [1, 0])))
        return tls
    }
}
