import Testing
@testable import TLSDecryption

/// Conversations encrypted in the test with swift-crypto, for every suite family, decrypted back.
@Suite struct RoundTripTests {
    static let tls13Suites: [UInt16] = [0x1301, 0x1302, 0x1303]
    static let tls12Suites: [UInt16] = TLSCipherSuiteTable.supported.filter { !$0.isTLS13 }.map(\.id)

    private func check(_ tls: SyntheticTLS, _ name: String, piece: Int = 0) -> TLSConnectionDecryptor {
        let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: tls.keyLog))
        let result = feed(decryptor, tls.steps, piece: piece)
        #expect(result.client == tls.clientData, "\(name): client data")
        #expect(result.server == tls.serverData, "\(name): server data")
        #expect(decryptor.facts.notDecrypted == nil, "\(name): \(String(describing: decryptor.facts.notDecrypted))")
        #expect(decryptor.facts.client.recordsFailedAuthentication == 0 && decryptor.facts.server.recordsFailedAuthentication == 0, "\(name)")
        #expect(decryptor.facts.serverName == "bits.example", "\(name)")
        return decryptor
    }

    @Test("TLS 1.3, every suite: handshake, ticket, data both ways, alert", arguments: tls13Suites)
    func tls13(suite: UInt16) {
        let decryptor = check(SyntheticTLS.tls13(suiteID: suite), "0x\(String(suite, radix: 16))")
        #expect(decryptor.facts.version == 0x0304 && decryptor.facts.cipherSuite == suite)
        // Client: Finished, 3 data, alert. Server: 2 flight records, ticket, 3 data.
        #expect(decryptor.facts.client.recordsDecrypted == 5 && decryptor.facts.server.recordsDecrypted == 6)
    }

    @Test("TLS 1.3 with a HelloRetryRequest and a KeyUpdate from each side, byte by byte", arguments: tls13Suites)
    func tls13RetryAndUpdate(suite: UInt16) {
        let tls = SyntheticTLS.tls13(suiteID: suite, rounds: 4, helloRetry: true, keyUpdate: true, seed: 40)
        for piece in [0, 1, 13] {
            let decryptor = check(tls, "0x\(String(suite, radix: 16)) pieces of \(piece)", piece: piece)
            #expect(decryptor.facts.helloRetryRequest)
            #expect(decryptor.facts.client.keyUpdates == 1 && decryptor.facts.server.keyUpdates == 1)
        }
    }

    @Test("TLS 1.2, every suite, with and without encrypt-then-MAC and the extended master secret", arguments: tls12Suites)
    func tls12(suite: UInt16) {
        for (etm, ems) in [(false, true), (true, true), (false, false)] {
            let name = "\(TLSCipherSuite.name(of: suite)) etm \(etm) ems \(ems)"
            let decryptor = check(SyntheticTLS.tls12(suiteID: suite, encryptThenMAC: etm, extendedMasterSecret: ems), name)
            #expect(decryptor.facts.version == 0x0303 && decryptor.facts.extendedMasterSecret == ems, "\(name)")
            #expect(decryptor.facts.encryptThenMAC == etm && !decryptor.facts.resumed, "\(name)")
            #expect(decryptor.facts.client.recordsDecrypted == 4 && decryptor.facts.server.recordsDecrypted == 5, "\(name)")
        }
    }

    @Test("TLS 1.2 resumed by session ID or ticket: the resuming handshake's CLIENT_RANDOM line decrypts it",
          arguments: [0xC02F, 0xCCA8, 0xC027] as [UInt16])
    func tls12Resumed(suite: UInt16) {
        let decryptor = check(SyntheticTLS.tls12(suiteID: suite, resumed: true, seed: 77), "resumed \(suite)")
        #expect(decryptor.facts.resumed)
    }

    @Test("every chunk cut at every index still decrypts (TLS 1.2 CBC and TLS 1.3)")
    func everyCut() {
        for tls in [SyntheticTLS.tls12(suiteID: 0xC014, rounds: 1, recordSize: 40), SyntheticTLS.tls13(suiteID: 0x1303, rounds: 1, recordSize: 40)] {
            let longest = tls.steps.map { step -> Int in if case let .bytes(_, bytes) = step { return bytes.count } else { return 0 } }.max() ?? 0
            for cut in 1..<longest {
                let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: tls.keyLog))
                let result = feed(decryptor, tls.steps, cutAt: cut)
                #expect(result.client == tls.clientData && result.server == tls.serverData, "cut at \(cut)")
            }
        }
    }
}
