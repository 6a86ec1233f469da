import Testing
@testable import TLSDecryption

/// Gaps in the TCP stream: the records they touch are lost and reported; decryption resumes where
/// a later record proves the boundary and the sequence number.
@Suite struct GapTests {
    /// The application data steps of a conversation (after its handshake), by side.
    private func applicationSteps(_ tls: SyntheticTLS, handshakeSteps: Int) -> (head: [ConversationStep], tail: [ConversationStep]) {
        (Array(tls.steps.prefix(handshakeSteps)), Array(tls.steps.dropFirst(handshakeSteps)))
    }

    @Test("a gap inside one client record: that record is lost, the rest decrypts in sync",
          arguments: [0x1301, 0xC02F, 0xCCA8, 0xC013] as [UInt16])
    func gapInsideRecord(suite: UInt16) {
        let tls = suite >= 0x1301 && suite <= 0x1303 ? SyntheticTLS.tls13(suiteID: suite, rounds: 4) : SyntheticTLS.tls12(suiteID: suite, rounds: 4)
        let (head, tail) = applicationSteps(tls, handshakeSteps: 4)
        // The second client data record (tail[2]) loses 20 bytes in its middle.
        guard case let .bytes(side, bytes) = tail[2], side == .client else { Issue.record("layout"); return }
        var steps = head + Array(tail[..<2])
        steps += [.bytes(.client, Array(bytes[..<30])), .gap(.client, 20), .bytes(.client, Array(bytes[50...]))]
        steps += Array(tail[3...])
        let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: tls.keyLog))
        let result = feed(decryptor, steps)
        #expect(result.server == tls.serverData)
        #expect(result.clientLost == 1 && decryptor.facts.client.recordsLost == 1)
        // The generator's second request (301 bytes) is the one lost.
        #expect(result.client == Array(tls.clientData[..<300] + tls.clientData[601...]))
        #expect(decryptor.facts.client.recordsFailedAuthentication == 0 && decryptor.facts.notDecrypted == nil)
    }

    @Test("a gap across record boundaries: the search finds the next record that authenticates",
          arguments: [0x1302, 0xC030, 0xCCA9, 0xC028] as [UInt16])
    func gapAcrossRecords(suite: UInt16) {
        let tls = suite >= 0x1301 && suite <= 0x1303 ? SyntheticTLS.tls13(suiteID: suite, rounds: 6) : SyntheticTLS.tls12(suiteID: suite, rounds: 6)
        let (head, tail) = applicationSteps(tls, handshakeSteps: 4)
        // Client records 1..3 (tail indexes 0, 2, 4, ...): lose the end of the first, the whole second,
        // and the start of the third.
        var clientRecords: [[UInt8]] = []
        for step in tail { if case let .bytes(.client, bytes) = step { clientRecords.append(bytes) } }
        let lost = (clientRecords[1].count - 10) + clientRecords[2].count + 7
        var steps = head
        steps.append(.bytes(.client, clientRecords[0] + Array(clientRecords[1][..<10])))
        steps.append(.gap(.client, UInt64(lost)))
        steps.append(.bytes(.client, Array(clientRecords[3][7...])))
        for record in clientRecords[4...] { steps.append(.bytes(.client, record)) }
        let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: tls.keyLog))
        let result = feed(decryptor, steps)
        #expect(decryptor.facts.client.resynchronisations == 1, "\(suite)")
        #expect(decryptor.facts.client.recordsLost == 3 && result.clientLost == 3, "\(suite)")
        #expect(decryptor.facts.client.recordsFailedAuthentication == 0, "\(suite)")
        // Requests 0, 4, 5 and the closing alert decrypt: 300 + 304 + 305 bytes of data.
        #expect(result.client.count == 300 + 304 + 305, "\(suite)")
        #expect(result.client.suffix(305) == tls.clientData.suffix(305))
    }

    @Test("a gap in the plaintext handshake ends decryption of that direction: reason gap")
    func gapInHandshake() {
        let tls = SyntheticTLS.tls12(suiteID: 0xC02F)
        guard case let .bytes(_, hello) = tls.steps[0] else { return }
        var steps: [ConversationStep] = [.bytes(.client, Array(hello.prefix(3))), .gap(.client, 40), .bytes(.client, Array(hello.dropFirst(43)))]
        steps += tls.steps.dropFirst()
        let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: tls.keyLog))
        let result = feed(decryptor, steps)
        #expect(result.client.isEmpty && result.server.isEmpty)
        #expect(decryptor.facts.notDecrypted == .gap)
    }
}
