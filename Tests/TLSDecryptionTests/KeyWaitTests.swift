import AnalyzerCore
import Testing
import TrafficSynthesis
@testable import TLSDecryption

/// A key log that grows while a test feeds a connection, as a client's does during a live capture:
/// `pending` text is added at the next refresh (or only at an urgent one, with `onlyWhenUrgent`).
final class GrowingKeys {
    var pending = ""
    var onlyWhenUrgent = false
    var refreshes = 0
    var urgentRefreshes = 0
    let store: TLSKeyStore

    init(limits: TLSDecryptionLimits = TLSDecryptionLimits()) {
        var feed: GrowingKeys?
        store = TLSKeyStore(keyLog: TLSKeyLog(), limits: limits) { log, urgent in
            guard let feed else { return }
            feed.refreshes += 1
            if urgent { feed.urgentRefreshes += 1 }
            guard urgent || !feed.onlyWhenUrgent else { return }
            log.add(text: feed.pending)
            feed.pending = ""
        }
        feed = self
    }
}

/// What a waiting decryptor handed out, by the side it names (not the side fed), with times.
struct SidedConversation {
    var result = DecryptedConversation()
    /// The capture time of each data event (the step index it was fed at, as seconds).
    var dataTimes: [Int64] = []
}

/// Feeds `steps` through the timed, sided API, step `i` at time `i` s; `before(i)` runs before
/// step `i`; the connection's end follows the last step.
func feedSided(_ decryptor: TLSConnectionDecryptor, _ steps: [ConversationStep],
               before: (Int) -> Void = { _ in }) -> SidedConversation {
    var out = SidedConversation()
    func collect(_ side: TLSSide, _ time: CaptureTimestamp, _ event: TLSPlaintextEvent) {
        switch (event, side) {
        case (.data(let bytes), .client): out.result.client += bytes; out.dataTimes.append(time.seconds)
        case (.data(let bytes), .server): out.result.server += bytes; out.dataTimes.append(time.seconds)
        case (.lost(let records), .client): out.result.clientLost += records
        case (.lost(let records), .server): out.result.serverLost += records
        }
    }
    for (index, step) in steps.enumerated() {
        before(index)
        let time = CaptureTimestamp(seconds: Int64(index), nanoseconds: 0)
        switch step {
        case let .gap(side, count):
            decryptor.gap(count, from: side, at: time, collect)
        case let .bytes(side, bytes):
            bytes.withUnsafeBytes { decryptor.receive($0, from: side, at: time, collect) }
        }
    }
    decryptor.finishWaiting(collect)
    return out
}

/// A key log followed while capturing: keys written after the ServerHello (the usual case) are
/// waited for, held records decrypted when they come; without them, the outcome is as today.
@Suite struct KeyWaitTests {
    static let conversations: [(String, SyntheticTLS)] = [
        ("1.3 AES-128-GCM", .tls13(suiteID: 0x1301, rounds: 4)),
        ("1.3 AES-256-GCM KeyUpdate", .tls13(suiteID: 0x1302, rounds: 4, keyUpdate: true)),
        ("1.3 ChaCha20 HRR", .tls13(suiteID: 0x1303, rounds: 4, helloRetry: true)),
        ("1.2 ECDHE AES-GCM", .tls12(suiteID: 0xC02F, rounds: 4)),
        ("1.2 CBC-SHA384 EtM", .tls12(suiteID: 0xC028, rounds: 4, encryptThenMAC: true)),
    ]

    /// The index of the step holding the server's ServerHello: after the HelloRetryRequest and the
    /// second ClientHello in the conversation that has them.
    static func serverHelloStep(_ name: String) -> Int { name.hasSuffix("HRR") ? 3 : 1 }

    @Test("keys written after the ServerHello, or after some application records: all decrypted, at their own times",
          arguments: 0..<conversations.count)
    func keysLater(index: Int) {
        let (name, tls) = Self.conversations[index]
        let hello = Self.serverHelloStep(name)
        for arrival in (hello + 1)..<tls.steps.count {
            let keys = GrowingKeys()
            let decryptor = TLSConnectionDecryptor(keys: keys.store)
            let out = feedSided(decryptor, tls.steps) { if $0 == arrival { keys.pending = tls.keyLog } }
            #expect(out.result.client == tls.clientData && out.result.server == tls.serverData, "\(name) keys at step \(arrival)")
            #expect(out.result.clientLost == 0 && out.result.serverLost == 0, "\(name) keys at step \(arrival)")
            #expect(decryptor.facts.notDecrypted == nil, "\(name) keys at step \(arrival)")
            #expect(decryptor.facts.client.recordsNotDecrypted == 0 && decryptor.facts.server.recordsNotDecrypted == 0)
            // The data held came out with the times of the steps that carried it, not all at once.
            #expect(Set(out.dataTimes).count > 1, "\(name) keys at step \(arrival): \(out.dataTimes)")
            #expect(keys.store.waitingConnections == 0)
            #expect(keys.store.waits.started == keys.store.waits.keysFound)
        }
        // TLS 1.3 always waits (the keys are needed at the ServerHello); TLS 1.2 only when they
        // are still missing at its first ChangeCipherSpec.
        let late = GrowingKeys()
        let decryptor = TLSConnectionDecryptor(keys: late.store)
        _ = feedSided(decryptor, tls.steps) { if $0 == tls.steps.count - 1 { late.pending = tls.keyLog } }
        #expect(late.store.waits.started == 1 && late.store.waits.keysFound == 1, "\(name)")
        #expect(!decryptor.isWaitingForKeys)
    }

    @Test("keys that never come: the same facts as a key log without them, each wait counted", arguments: 0..<conversations.count)
    func keysNever(index: Int) {
        let (name, tls) = Self.conversations[index]
        let keys = GrowingKeys()
        let waiting = TLSConnectionDecryptor(keys: keys.store)
        let out = feedSided(waiting, tls.steps)
        let fixed = TLSConnectionDecryptor(keyLog: TLSKeyLog())
        feed(fixed, tls.steps)
        #expect(out.result.client.isEmpty && out.result.server.isEmpty, "\(name)")
        #expect(waiting.facts == fixed.facts, "\(name)")
        #expect(waiting.facts.notDecrypted == .noKey, "\(name)")
        #expect(keys.store.waits.started == 1 && keys.store.waits.endedWithoutKeys == 1, "\(name)")
        #expect(keys.urgentRefreshes == 1, "\(name): one last look at the end")
    }

    @Test("TLS 1.3: only the handshake secrets written so far: it waits for the application ones too")
    func partialEntry() {
        let tls = SyntheticTLS.tls13(suiteID: 0x1301, rounds: 4)
        let lines = tls.keyLog.split(separator: "\n").map(String.init)
        let keys = GrowingKeys()
        let decryptor = TLSConnectionDecryptor(keys: keys.store)
        let out = feedSided(decryptor, tls.steps) { step in
            if step == 2 { keys.pending = lines[1] + "\n" + lines[2] + "\n" }
            if step == 5 { keys.pending = lines[3] + "\n" + lines[4] + "\n" }
        }
        #expect(out.result.client == tls.clientData && out.result.server == tls.serverData)
        #expect(decryptor.facts.notDecrypted == nil && keys.store.waits.keysFound == 1)
    }

    @Test("the held-bytes limit: one urgent look; without the keys not decrypted (no key), counted; with them decrypted")
    func heldLimit() {
        var limits = TLSDecryptionLimits()
        limits.maxHeldBytesWhileWaitingForKeys = 700
        for tls in [SyntheticTLS.tls13(suiteID: 0x1301, rounds: 4), SyntheticTLS.tls12(suiteID: 0xC02F, rounds: 4)] {
            // Keys written after the limit was hit are not used: the connection stopped waiting.
            let keys = GrowingKeys(limits: limits)
            let decryptor = TLSConnectionDecryptor(keys: keys.store, limits: limits)
            let out = feedSided(decryptor, tls.steps) { if $0 == tls.steps.count - 1 { keys.pending = tls.keyLog } }
            #expect(out.result.client.isEmpty && out.result.server.isEmpty)
            #expect(decryptor.facts.notDecrypted == .noKey)
            #expect(decryptor.facts.client.recordsNotDecrypted + decryptor.facts.server.recordsNotDecrypted > 0)
            #expect(keys.store.waits.heldLimitReached == 1 && keys.store.waits.keysFound == 0)
            #expect(keys.urgentRefreshes == 1)

            // Keys a rate-limited look missed but the urgent one at the limit finds: decrypted.
            let urgent = GrowingKeys(limits: limits)
            urgent.onlyWhenUrgent = true
            urgent.pending = tls.keyLog
            let saved = TLSConnectionDecryptor(keys: urgent.store, limits: limits)
            let rescued = feedSided(saved, tls.steps)
            #expect(rescued.result.client == tls.clientData && rescued.result.server == tls.serverData)
            #expect(saved.facts.notDecrypted == nil && urgent.store.waits.keysFound == 1)
        }
    }

    @Test("each held record counts its bookkeeping: a flood of empty records reaches the limit too")
    func emptyRecordFlood() {
        var limits = TLSDecryptionLimits()
        limits.maxHeldBytesWhileWaitingForKeys = 20 * TLSHeldRecord.bookkeepingBytes
        let tls = SyntheticTLS.tls13(suiteID: 0x1301)
        let keys = GrowingKeys(limits: limits)
        let decryptor = TLSConnectionDecryptor(keys: keys.store, limits: limits)
        let flood = [UInt8]((0..<30).flatMap { _ in record(23, []) })
        _ = feedSided(decryptor, Array(tls.steps.prefix(2)) + [.bytes(.server, flood)])
        // 30 records of 5 bytes are 150 bytes, far under the limit; with their bookkeeping, over it.
        #expect(keys.store.waits.heldLimitReached == 1 && decryptor.held.isEmpty)
        #expect(decryptor.facts.notDecrypted == .noKey)
    }

    @Test("at most maxConnectionsWaitingForKeys wait; the next is not decrypted (no key), counted as refused")
    func waitingPlaces() {
        var limits = TLSDecryptionLimits()
        limits.maxConnectionsWaitingForKeys = 1
        let keys = GrowingKeys(limits: limits)
        let first = SyntheticTLS.tls13(suiteID: 0x1301, seed: 1)
        let second = SyntheticTLS.tls13(suiteID: 0x1301, seed: 60)
        let a = TLSConnectionDecryptor(keys: keys.store, limits: limits)
        let b = TLSConnectionDecryptor(keys: keys.store, limits: limits)
        // Both handshakes up to the server's first flight: a waits, b finds no place.
        for decryptor in [a, b] {
            let steps = decryptor === a ? first.steps : second.steps
            for step in steps.prefix(2) {
                guard case let .bytes(side, bytes) = step else { continue }
                bytes.withUnsafeBytes { decryptor.receive($0, from: side, at: .zero) { _, _, _ in } }
            }
        }
        #expect(a.isWaitingForKeys && !b.isWaitingForKeys)
        #expect(keys.store.waits.refusedAtLimit == 1 && keys.store.waitingConnections == 1)
        #expect(b.facts.notDecrypted == .noKey)
        keys.pending = first.keyLog + "\n" + second.keyLog
        var clientData: [UInt8] = []
        for step in first.steps.dropFirst(2) {
            guard case let .bytes(side, bytes) = step else { continue }
            bytes.withUnsafeBytes {
                a.receive($0, from: side, at: .zero) { side, _, event in
                    if side == .client, case .data(let plain) = event { clientData += plain }
                }
            }
        }
        #expect(clientData == first.clientData && keys.store.waitingConnections == 0)
    }

    @Test("a gap while waiting ends the wait: decrypted when the keys are there by then")
    func gapWhileWaiting() {
        let tls = SyntheticTLS.tls13(suiteID: 0x1301, rounds: 4)
        var steps = tls.steps
        steps.insert(.gap(.client, 10), at: steps.count - 1)
        let keys = GrowingKeys()
        keys.onlyWhenUrgent = true
        keys.pending = tls.keyLog
        let decryptor = TLSConnectionDecryptor(keys: keys.store)
        let out = feedSided(decryptor, steps)
        #expect(out.result.server == tls.serverData)
        #expect(keys.store.waits.keysFound == 1 && decryptor.facts.notDecrypted == nil)
    }

    @Test("a retry without new records (live's housekeeping) hands out the held records once the keys are there")
    func retryWithoutRecords() {
        let tls = SyntheticTLS.tls13(suiteID: 0x1301, rounds: 2)
        let keys = GrowingKeys()
        let decryptor = TLSConnectionDecryptor(keys: keys.store)
        var server: [UInt8] = []
        var client: [UInt8] = []
        let collect: TLSPlaintextOutput = { side, _, event in
            if case .data(let bytes) = event { if side == .client { client += bytes } else { server += bytes } }
        }
        for step in tls.steps {
            guard case let .bytes(side, bytes) = step else { continue }
            bytes.withUnsafeBytes { decryptor.receive($0, from: side, at: .zero, collect) }
        }
        #expect(decryptor.isWaitingForKeys && client.isEmpty && server.isEmpty)
        decryptor.retryWaiting(collect)
        #expect(decryptor.isWaitingForKeys, "no keys yet: still waiting")
        keys.pending = tls.keyLog
        decryptor.retryWaiting(collect)
        #expect(!decryptor.isWaitingForKeys && client == tls.clientData && server == tls.serverData)
        #expect(keys.urgentRefreshes == 0)
    }

    @Test("damaged traffic, random gaps and keys arriving at a random step while waiting never trap; every byte accounted")
    func hostileWhileWaiting() throws {
        var random = SeededGenerator(seed: 5246)
        for (keyLog, steps) in try HostileTrafficTests.conversations() {
            for round in 0..<30 {
                var damaged: [ConversationStep] = []
                for step in steps {
                    guard case .bytes(let side, var bytes) = step else { continue }
                    if random.next() % 3 == 0, !bytes.isEmpty {
                        bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                    }
                    var start = 0
                    while start < bytes.count {
                        let end = min(bytes.count, start + 1 + Int(random.next() % 900))
                        damaged.append(random.next() % 30 == 0 ? .gap(side, UInt64(end - start)) : .bytes(side, Array(bytes[start..<end])))
                        start = end
                    }
                }
                var limits = TLSDecryptionLimits()
                limits.maxHeldBytesWhileWaitingForKeys = random.next() % 2 == 0 ? 1 << 18 : 300 + Int(random.next() % 2_000)
                let keys = GrowingKeys(limits: limits)
                keys.onlyWhenUrgent = random.next() % 4 == 0
                let arrival = Int(random.next() % UInt64(damaged.count + 1))
                let decryptor = TLSConnectionDecryptor(keys: keys.store, limits: limits)
                let out = feedSided(decryptor, damaged) { if $0 == arrival { keys.pending = keyLog } }
                let fed = damaged.reduce(into: (client: 0, server: 0)) { sum, step in
                    if case let .bytes(side, bytes) = step { if side == .client { sum.client += bytes.count } else { sum.server += bytes.count } }
                }
                #expect(out.result.client.count <= fed.client && out.result.server.count <= fed.server, "round \(round)")
                #expect(UInt64(out.result.client.count) == decryptor.facts.client.applicationBytes, "round \(round)")
                #expect(UInt64(out.result.server.count) == decryptor.facts.server.applicationBytes, "round \(round)")
                #expect(!decryptor.isWaitingForKeys && decryptor.held.isEmpty && keys.store.waitingConnections == 0, "round \(round)")
                let waits = keys.store.waits
                #expect(waits.started == waits.keysFound + waits.heldLimitReached + waits.endedWithoutKeys, "round \(round)")
            }
        }
    }

    @Test("a key log known up front never waits and never refreshes")
    func fixedNeverWaits() {
        let tls = SyntheticTLS.tls13(suiteID: 0x1301)
        let store = TLSKeyStore(keyLog: TLSKeyLog())
        let decryptor = TLSConnectionDecryptor(keys: store)
        _ = feedSided(decryptor, tls.steps)
        #expect(!store.keysMayArrive && store.waits == TLSKeyWaitCounters())
        #expect(decryptor.facts.notDecrypted == .noKey)
    }
}
