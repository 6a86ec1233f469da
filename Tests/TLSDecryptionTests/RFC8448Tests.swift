import Crypto
import Foundation
import Testing
@testable import TLSDecryption

/// The TLS 1.3 key schedule and record protection against the example handshake of RFC 8448 §3.
@Suite struct RFC8448Tests {
    let suite = TLSCipherSuite.supported(0x1301)!

    @Test("the hellos are the RFC's: their SHA-256 is its transcript hash, and the parsers read them")
    func hellos() throws {
        let serverHello = Array(RFC8448.serverHelloRecord[5...])
        #expect(hexText(SHA256.hash(data: RFC8448.clientHello + serverHello)) == hexText(RFC8448.helloHash))
        let client = try #require(TLSHelloParser.clientHello(Array(RFC8448.clientHello[4...])))
        #expect(client.random == TLSClientRandom(RFC8448.clientRandom))
        #expect(client.serverName == "server" && client.offersTLS13 && !client.sessionTicket && !client.preSharedKey)
        let server = try #require(TLSHelloParser.serverHello(Array(serverHello[4...])))
        #expect(server.cipherSuite == 0x1301 && server.version == 0x0304 && !server.isHelloRetryRequest)
    }

    @Test("HKDF-Expand-Label gives the RFC's client handshake traffic secret from its handshake secret")
    func expandLabel() {
        let secret = TLSKeyDerivation.expandLabel(secret: RFC8448.handshakeSecret, label: "c hs traffic",
                                                  context: RFC8448.helloHash, length: 32, hash: .sha256)
        #expect(secret == RFC8448.clientHandshakeSecret)
    }

    @Test("traffic keys and IVs from the handshake and application secrets are the RFC's")
    func trafficKeys() {
        let serverHandshake = TLSTrafficKeys.tls13(secret: RFC8448.serverHandshakeSecret, suite: suite)
        #expect(serverHandshake.key == RFC8448.serverHandshakeKey && serverHandshake.iv == RFC8448.serverHandshakeIV)
        let clientHandshake = TLSTrafficKeys.tls13(secret: RFC8448.clientHandshakeSecret, suite: suite)
        #expect(clientHandshake.key == RFC8448.clientHandshakeKey && clientHandshake.iv == RFC8448.clientHandshakeIV)
        let serverApplication = TLSTrafficKeys.tls13(secret: RFC8448.serverApplicationSecret, suite: suite)
        #expect(serverApplication.key == RFC8448.serverApplicationKey && serverApplication.iv == RFC8448.serverApplicationIV)
    }

    private func open(_ bytes: [UInt8], secret: [UInt8], sequence: UInt64) -> TLSOpenResult {
        let protection = TLSRecordProtection(suite: suite, keys: .tls13(secret: secret, suite: suite))
        return bytes.withUnsafeBytes { raw in
            protection.open(TLSRecord(header: UnsafeRawBufferPointer(rebasing: raw[0..<5]), body: UnsafeRawBufferPointer(rebasing: raw[5...])),
                            sequence: sequence)
        }
    }

    @Test("the RFC's protected records open: the server flight, the client Finished, application data")
    func records() throws {
        guard case let .plaintext(type, flight) = open(RFC8448.serverFlightRecord, secret: RFC8448.serverHandshakeSecret, sequence: 0)
        else { Issue.record("server flight did not open"); return }
        // EncryptedExtensions first, Finished (32-byte verify_data) last.
        #expect(type == 22 && flight.first == 8 && flight.count == 657)
        #expect(Array(flight.suffix(36).prefix(4)) == [20, 0, 0, 32])
        guard case let .plaintext(finishedType, finished) = open(RFC8448.clientFinishedRecord, secret: RFC8448.clientHandshakeSecret, sequence: 0)
        else { Issue.record("client Finished did not open"); return }
        #expect(finishedType == 22 && Array(finished) == RFC8448.clientFinished)
        guard case let .plaintext(dataType, data) = open(RFC8448.clientApplicationRecord, secret: RFC8448.clientApplicationSecret, sequence: 0)
        else { Issue.record("client data did not open"); return }
        #expect(dataType == 23 && Array(data) == RFC8448.applicationPayload)
        // The server's data is its second record under its application keys (the ticket was first).
        guard case .authenticationFailed = open(RFC8448.serverApplicationRecord, secret: RFC8448.serverApplicationSecret, sequence: 0)
        else { Issue.record("a wrong sequence number must fail"); return }
        guard case let .plaintext(_, serverData) = open(RFC8448.serverApplicationRecord, secret: RFC8448.serverApplicationSecret, sequence: 1)
        else { Issue.record("server data did not open"); return }
        #expect(Array(serverData) == RFC8448.applicationPayload)
    }

    @Test("the whole trace through a connection decryptor, fed whole, byte by byte and cut at every index")
    func wholeConnection() {
        let keyLog = TLSKeyLog(text: RFC8448.keyLogText)
        let steps = RFC8448.conversation.map { ConversationStep.bytes($0.0.side, $0.1) }
        var runs: [(String, TLSConnectionDecryptor, DecryptedConversation)] = []
        for piece in [0, 1, 7] {
            let decryptor = TLSConnectionDecryptor(keyLog: keyLog)
            runs.append(("pieces of \(piece)", decryptor, feed(decryptor, steps, piece: piece)))
        }
        for cut in 1..<680 {
            let decryptor = TLSConnectionDecryptor(keyLog: keyLog)
            runs.append(("cut at \(cut)", decryptor, feed(decryptor, steps, cutAt: cut)))
        }
        for (name, decryptor, result) in runs {
            #expect(result.client == RFC8448.applicationPayload && result.server == RFC8448.applicationPayload, "\(name)")
            let facts = decryptor.facts
            #expect(facts.version == 0x0304 && facts.cipherSuiteName == "TLS_AES_128_GCM_SHA256" && facts.serverName == "server", "\(name)")
            #expect(facts.notDecrypted == nil, "\(name)")
            // Client: Finished, data, alert. Server: flight, ticket, data, alert.
            #expect(facts.client.recordsDecrypted == 3 && facts.server.recordsDecrypted == 4, "\(name)")
            #expect(facts.client.recordsFailedAuthentication == 0 && facts.server.recordsFailedAuthentication == 0, "\(name)")
        }
    }

    @Test("without the application secrets the handshake decrypts, the data is not decrypted (no key)")
    func missingApplicationSecrets() {
        let text = RFC8448.keyLogText.split(separator: "\n").prefix(2).joined(separator: "\n")
        let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: text))
        let result = feed(decryptor, RFC8448.conversation.map { .bytes($0.0.side, $0.1) })
        #expect(result.client.isEmpty && result.server.isEmpty)
        #expect(decryptor.facts.notDecrypted == .noKey)
        #expect(decryptor.facts.server.recordsDecrypted == 1 && decryptor.facts.client.recordsDecrypted == 1)
    }
}

/// The TLS 1.2 PRF against the test vectors circulated on the IETF TLS list (msg03416), which
/// several TLS libraries test against.
@Suite struct TLS12PRFTests {
    @Test("P_SHA256 gives the published 100 bytes")
    func sha256() {
        let output = TLSKeyDerivation.prf(secret: hex("9bbe436ba940f017b17652849a71db35"), label: "test label",
                                          seed: hex("a0ba9f936cda311827a6f796ffd5198c"), length: 100, hash: .sha256)
        #expect(hexText(output) == "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
            + "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
            + "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701" + "87347b66")
    }

    @Test("P_SHA384 starts with the published bytes")
    func sha384() {
        let output = TLSKeyDerivation.prf(secret: hex("b80b733d6ceefcdc71566ea48e5567df"), label: "test label",
                                          seed: hex("cd665cf6a8447dd6ff8b27555edb7465"), length: 148, hash: .sha384)
        #expect(hexText(output).hasPrefix("7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0"))
    }
}
