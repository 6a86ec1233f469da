import AnalyzerCore
import Testing
@testable import TLSDecryption
@testable import TrafficSynthesis

/// The generator's own TLS 1.3 (TrafficSynthesis' ``TLS13KeySchedule``, ``TLS13RecordSealer`` and
/// ``TLS13Wrapping``, written apart from TLSDecryption): checked against RFC 8448 §3, then a wrapped
/// conversation against the decryptor.
@Suite struct GeneratedTLS13Tests {
    @Test("the generator's HKDF-Expand-Label, Derive-Secret and traffic keys give RFC 8448's values")
    func keySchedule() {
        let zeros = [UInt8](repeating: 0, count: 32)
        let early = TLS13KeySchedule.extract(salt: zeros, inputKeyMaterial: zeros)
        #expect(hexText(early) == "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
        let derived = TLS13KeySchedule.deriveSecret(early, label: "derived", transcript: [])
        #expect(hexText(derived) == "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba")
        let clientSecret = TLS13KeySchedule.expandLabel(secret: RFC8448.handshakeSecret, label: "c hs traffic",
                                                        context: RFC8448.helloHash, length: 32)
        let serverSecret = TLS13KeySchedule.expandLabel(secret: RFC8448.handshakeSecret, label: "s hs traffic",
                                                        context: RFC8448.helloHash, length: 32)
        #expect(clientSecret == RFC8448.clientHandshakeSecret && serverSecret == RFC8448.serverHandshakeSecret)
        // Derive-Secret hashes the transcript itself: the RFC's hellos give its transcript hash.
        let hellos = RFC8448.clientHello + Array(RFC8448.serverHelloRecord[5...])
        let derivedClient = TLS13KeySchedule.deriveSecret(RFC8448.handshakeSecret, label: "c hs traffic", transcript: hellos)
        #expect(derivedClient == RFC8448.clientHandshakeSecret)
        let keys = [(RFC8448.clientHandshakeSecret, RFC8448.clientHandshakeKey, RFC8448.clientHandshakeIV),
                    (RFC8448.serverHandshakeSecret, RFC8448.serverHandshakeKey, RFC8448.serverHandshakeIV),
                    (RFC8448.serverApplicationSecret, RFC8448.serverApplicationKey, RFC8448.serverApplicationIV)]
        for (secret, key, iv) in keys {
            let made = TLS13KeySchedule.trafficKey(secret: secret)
            #expect(made.key == key && made.iv == iv)
        }
    }

    @Test("the generator's sealer makes RFC 8448's client Finished and application data records byte for byte")
    func sealer() {
        var handshake = TLS13RecordSealer(trafficSecret: RFC8448.clientHandshakeSecret)
        #expect(handshake.seal(22, RFC8448.clientFinished[...]) == RFC8448.clientFinishedRecord)
        var application = TLS13RecordSealer(trafficSecret: RFC8448.clientApplicationSecret)
        #expect(application.seal(23, RFC8448.applicationPayload[...]) == RFC8448.clientApplicationRecord)
        #expect(application.sequence == 1)
    }

    @Test("content is cut into records of at most 2^14 bytes of plaintext, each under the next sequence number")
    func recordSizes() throws {
        let secret = SyntheticTLS.secret(32, 3)
        var sealer = TLS13RecordSealer(trafficSecret: secret)
        let content = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let records = sealer.sealRecords(23, content)
        #expect(sealer.sequence == 3)
        let protection = TLSRecordProtection(suite: try #require(TLSCipherSuite.supported(0x1301)),
                                             keys: .tls13(secret: secret, suite: TLSCipherSuite.supported(0x1301)!))
        var offset = 0, sequence: UInt64 = 0, opened: [UInt8] = []
        while offset + 5 <= records.count {
            let length = Int(records[offset + 3]) << 8 | Int(records[offset + 4])
            #expect(length <= (1 << 14) + 1 + 16)
            let result = records[offset..<(offset + 5 + length)].withUnsafeBytes { raw in
                protection.open(TLSRecord(header: UnsafeRawBufferPointer(rebasing: raw[0..<5]),
                                          body: UnsafeRawBufferPointer(rebasing: raw[5...])), sequence: sequence)
            }
            guard case let .plaintext(type, plaintext) = result else { Issue.record("record \(sequence) did not open"); return }
            #expect(type == 23)
            opened += plaintext
            offset += 5 + length
            sequence += 1
        }
        #expect(offset == records.count && opened == content)
    }

    @Test("a wrapped conversation decrypts with its key log lines to the script's bytes, as TLS 1.3 with the server name")
    func wrappedConversation() {
        var conversation = TCPConversation(client: Endpoint(address: .v4(0x0A00_0001), port: 50_000),
                                           server: Endpoint(address: .v4(0x0A00_0002), port: 443),
                                           clientISN: 1, serverISN: 2)
        let request = Array("POST /u HTTP/1.1\r\nHost: a.example\r\nContent-Length: 40000\r\n\r\n".utf8)
            + (0..<40_000).map { UInt8(truncatingIfNeeded: $0) }
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)
        conversation.clientSends(request)
        conversation.serverSends(answer)
        conversation.pause(seconds: 1)
        conversation.clientSends(Array("GET / HTTP/1.1\r\n\r\n".utf8))
        var random = SeededGenerator(seed: 5)
        let wrapped = TLS13Wrapping(serverName: "a.example").wrap(conversation, random: &random)
        #expect(wrapped.keyLog.split(separator: "\n").map { $0.split(separator: " ").first ?? "" }
            == ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                "SERVER_TRAFFIC_SECRET_0"])
        let steps: [ConversationStep] = wrapped.conversation.steps.compactMap { step in
            guard case let .send(direction, bytes) = step else { return nil }
            return .bytes(direction == .clientToServer ? .client : .server, bytes)
        }
        // Whole sends, and pieces the size of segments: records span them.
        for piece in [0, 1_460] {
            let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: wrapped.keyLog))
            let result = feed(decryptor, steps, piece: piece)
            #expect(result.client == request + Array("GET / HTTP/1.1\r\n\r\n".utf8) && result.server == answer)
            let facts = decryptor.facts
            #expect(facts.version == 0x0304 && facts.cipherSuiteName == "TLS_AES_128_GCM_SHA256")
            #expect(facts.serverName == "a.example" && facts.notDecrypted == nil)
            // Client: Finished, 3 + 1 data records, close_notify. Server: the flight, 1 data record.
            #expect(facts.client.recordsDecrypted == 6 && facts.server.recordsDecrypted == 2)
            #expect(facts.client.recordsFailedAuthentication + facts.server.recordsFailedAuthentication == 0)
        }
        // Without the key log nothing is decrypted, for want of a key.
        let without = TLSConnectionDecryptor(keyLog: TLSKeyLog())
        let nothing = feed(without, steps)
        #expect(nothing.client.isEmpty && nothing.server.isEmpty && without.facts.notDecrypted == .noKey)
    }
}
