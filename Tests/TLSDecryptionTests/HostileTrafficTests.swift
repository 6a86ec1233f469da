import Testing
import TrafficSynthesis
@testable import TLSDecryption

/// Damaged and hostile TLS through the connection decryptor: never a trap, never more plaintext
/// than bytes, every record accounted for.
@Suite struct HostileTrafficTests {
    /// Real and synthetic conversations to damage.
    static func conversations() throws -> [(String, [ConversationStep])] {
        var all: [(String, [ConversationStep])] = []
        for name in OpenSSLTraceTests.names {
            let (keyLog, steps) = try OpenSSLTraceTests.load(name)
            all.append((keyLog, steps))
        }
        let synthetic = [SyntheticTLS.tls13(suiteID: 0x1302, keyUpdate: true), SyntheticTLS.tls12(suiteID: 0xC028, encryptThenMAC: true)]
        return all + synthetic.map { ($0.keyLog, $0.steps) }
    }

    @Test("random byte damage, random chunking and random gaps never trap")
    func damage() throws {
        var random = SeededGenerator(seed: 8448)
        for (keyLog, steps) in try Self.conversations() {
            let log = TLSKeyLog(text: keyLog)
            for round in 0..<40 {
                var damaged: [ConversationStep] = []
                for step in steps {
                    guard case .bytes(let side, var bytes) = step else { continue }
                    for _ in 0..<Int(random.next() % 3) where !bytes.isEmpty {
                        bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                    }
                    var start = 0
                    while start < bytes.count {
                        let end = min(bytes.count, start + 1 + Int(random.next() % 700))
                        if random.next() % 25 == 0 {
                            damaged.append(.gap(side, UInt64(end - start)))
                        } else {
                            damaged.append(.bytes(side, Array(bytes[start..<end])))
                        }
                        start = end
                    }
                }
                let decryptor = TLSConnectionDecryptor(keyLog: log)
                let result = feed(decryptor, damaged)
                let fed = damaged.reduce(into: (client: 0, server: 0)) { sum, step in
                    if case let .bytes(side, bytes) = step { if side == .client { sum.client += bytes.count } else { sum.server += bytes.count } }
                }
                #expect(result.client.count <= fed.client && result.server.count <= fed.server, "round \(round)")
                #expect(UInt64(result.client.count) == decryptor.facts.client.applicationBytes, "round \(round)")
                #expect(UInt64(result.server.count) == decryptor.facts.server.applicationBytes, "round \(round)")
            }
        }
    }

    @Test("hellos with every length field at an absurd value are read or refused, never trusted past their end")
    func absurdHelloLengths() {
        let tls = SyntheticTLS.tls12(suiteID: 0xC02F)
        guard case let .bytes(_, hello) = tls.steps[0], case let .bytes(_, server) = tls.steps[1] else { return }
        for (index, original) in [hello, server].enumerated() {
            for position in 5..<min(original.count, 160) {
                for value: UInt8 in [0x00, 0x7F, 0xFF] {
                    var bytes = original
                    bytes[position] = value
                    var steps = tls.steps
                    steps[index] = .bytes(index == 0 ? .client : .server, bytes)
                    let decryptor = TLSConnectionDecryptor(keyLog: TLSKeyLog(text: tls.keyLog))
                    let result = feed(decryptor, steps)
                    // Either the damage did not matter, or it is said why nothing was decrypted.
                    #expect(result.client == tls.clientData || decryptor.facts.notDecrypted != nil
                            || decryptor.facts.client.recordsFailedAuthentication > 0, "step \(index) byte \(position) = \(value)")
                }
            }
        }
    }
}
