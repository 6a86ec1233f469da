import Testing
@testable import TLSDecryption

/// What cannot be decrypted is said: no key, an unsupported suite or version, a capture that starts
/// after the handshake, wrong keys.
@Suite struct NotDecryptedTests {
    @Test("no key log line for the client random: not decrypted, no key; records counted")
    func noKey() {
        for tls in [SyntheticTLS.tls13(suiteID: 0x1301), SyntheticTLS.tls12(suiteID: 0xC02F)] {
            let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: "CLIENT_RANDOM \(String(repeating: "ab", count: 32)) \(String(repeating: "cd", count: 48))"))
            let result = feed(decryptor, tls.steps)
            #expect(result.client.isEmpty && result.server.isEmpty)
            #expect(decryptor.facts.notDecrypted == .noKey)
            #expect(decryptor.facts.client.recordsNotDecrypted > 0 && decryptor.facts.server.recordsNotDecrypted > 0)
            #expect(decryptor.facts.client.recordsDecrypted == 0)
        }
    }

    @Test("wrong secrets: every protected record fails authentication, counted, nothing delivered")
    func wrongKeys() {
        let tls = SyntheticTLS.tls12(suiteID: 0xC030)
        let fields = tls.keyLog.split(separator: " ")
        let wrong = "\(fields[0]) \(fields[1]) \(String(repeating: "5a", count: 48))"
        let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: wrong))
        let result = feed(decryptor, tls.steps)
        #expect(result.client.isEmpty && result.server.isEmpty)
        #expect(decryptor.facts.client.recordsFailedAuthentication == 4 && decryptor.facts.server.recordsFailedAuthentication == 5)
        #expect(result.clientLost == 4 && result.serverLost == 5)
    }

    @Test("an unsupported suite is named; TLS 1.1 is an unsupported version")
    func unsupported() {
        let random = filler(32, seed: 3)
        let hello = record(22, handshake(1, clientHelloBody(random: random, suites: [0x1304], extensions: [offerTLS13])))
        let server = record(22, handshake(2, serverHelloBody(random: filler(32, seed: 4), suite: 0x1304, extensions: [selectTLS13])))
        let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog())
        feed(decryptor, [.bytes(.client, hello), .bytes(.server, server + record(23, filler(40, seed: 1)))])
        #expect(decryptor.facts.notDecrypted == .unsupportedCipherSuite(0x1304))
        #expect(decryptor.facts.cipherSuiteName == "TLS_AES_128_CCM_SHA256")
        #expect(decryptor.facts.server.recordsNotDecrypted == 1)
        #expect(TLSCipherSuite.name(of: 0xABCD) == "0xABCD" && TLSCipherSuite.name(of: 0x0A) == "TLS_RSA_WITH_3DES_EDE_CBC_SHA")

        let old = TLSConnectionDecryptor(keyLog: TLSKeyLog())
        var legacy = serverHelloBody(random: filler(32, seed: 4), suite: 0xC02F)
        legacy[1] = 2
        feed(old, [.bytes(.client, hello), .bytes(.server, record(22, handshake(2, legacy)))])
        #expect(old.facts.notDecrypted == .unsupportedVersion(0x0302))
    }

    @Test("only the client's direction captured: not decrypted, the ServerHello is missing")
    func oneSided() {
        for tls in [SyntheticTLS.tls13(suiteID: 0x1301), SyntheticTLS.tls12(suiteID: 0xC02F)] {
            let clientOnly = tls.steps.filter { if case .bytes(.client, _) = $0 { return true } else { return false } }
            let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: tls.keyLog))
            let result = feed(decryptor, clientOnly)
            #expect(result.client.isEmpty && decryptor.facts.notDecrypted == .serverHelloMissing)
            #expect(decryptor.facts.serverName == "bits.example" && decryptor.facts.client.recordsNotDecrypted > 0)
        }
    }

    @Test("a capture that starts after the handshake: not decrypted, started after handshake")
    func midStream() {
        let tls = SyntheticTLS.tls13(suiteID: 0x1301)
        let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: tls.keyLog))
        let result = feed(decryptor, Array(tls.steps.dropFirst(4)))
        #expect(result.client.isEmpty && result.server.isEmpty)
        #expect(decryptor.facts.notDecrypted == .startedAfterHandshake)
        #expect(decryptor.facts.server.recordsNotDecrypted > 0)
    }
}

/// One damaged byte in one record: that record fails authentication and is reported; the records
/// around it still decrypt (the sequence number moves on).
@Suite struct TamperedRecordTests {
    static let cases: [(UInt16, Bool)] = [(0x1301, false), (0x1303, false), (0xC02F, false), (0xCCA8, false), (0xC013, false), (0xC013, true), (0x003D, true)]

    @Test("a flipped byte fails that record only", arguments: 0..<cases.count)
    func flipped(index: Int) {
        let (suite, etm) = Self.cases[index]
        let tls = suite >> 8 == 0x13 ? SyntheticTLS.tls13(suiteID: suite, rounds: 3) : SyntheticTLS.tls12(suiteID: suite, rounds: 3, encryptThenMAC: etm)
        for position in [5, 30, -1] {
            var steps = tls.steps
            // The second client data record (the generator's 301-byte request).
            guard case .bytes(let side, var bytes) = steps[6], side == .client else { Issue.record("layout"); return }
            bytes[position < 0 ? bytes.count - 1 : position] ^= 0x40
            steps[6] = .bytes(side, bytes)
            let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: tls.keyLog))
            let result = feed(decryptor, steps)
            #expect(decryptor.facts.client.recordsFailedAuthentication == 1, "\(suite) etm \(etm) at \(position)")
            #expect(result.clientLost == 1 && result.client == Array(tls.clientData[..<300] + tls.clientData[601...]), "\(suite) etm \(etm) at \(position)")
            #expect(result.server == tls.serverData)
        }
    }
}
