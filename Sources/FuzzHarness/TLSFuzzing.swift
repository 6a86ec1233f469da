import AnalyzerCore
import TLSDecryption

/// The tls fuzz target: a key log and a stream script through the key log parser and a
/// ``TLSConnectionDecryptor`` per connection slot (record splitting, the handshake parser, key
/// lookup, record protection, resynchronisation after gaps), with small limits.
///
/// Input: a little-endian `UInt16` length `n`, `n` bytes of key log text, then a stream script
/// (``StreamScriptReader``) on up to four slots; `end` steps are ignored, `close` starts a new
/// connection in the slot.
public enum TLSFuzzing {
    /// Limits small enough for short inputs to reach them.
    static let limits: TLSDecryptionLimits = {
        var limits = TLSDecryptionLimits()
        limits.maxKeyLogEntries = 8
        limits.maxHandshakeMessageBytes = 2_048
        limits.maxResyncTrialsPerCandidate = 8
        limits.maxResyncScanBytes = 16_384
        return limits
    }()

    /// Runs one input and checks the invariants.
    public static func run(_ input: UnsafeRawBufferPointer) {
        var reader = ByteReader(input)
        let keyLogLength = Int(reader.readUInt16(endianness: .little) ?? 0)
        let keyLogBytes = reader.readSlice(length: min(keyLogLength, reader.readableCount)) ?? UnsafeRawBufferPointer(start: nil, count: 0)
        var keyLog = TLSKeyLog(maxEntries: limits.maxKeyLogEntries)
        keyLog.add(bytes: keyLogBytes)
        let lines = keyLogBytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        let stats = keyLog.statistics
        let counted = stats.secretLines + stats.ignoredLines + stats.malformedLines + stats.duplicateLines
            + stats.conflictingLines + stats.entriesDroppedAtLimit
        check(counted <= lines, "key log counted \(counted) lines of \(lines)")
        check(keyLog.count <= limits.maxKeyLogEntries && keyLog.count <= stats.secretLines, "key log entries \(keyLog.count)")

        var slots: [TLSConnectionDecryptor?] = [nil, nil, nil, nil]
        var delivered: [[UInt64]] = Array(repeating: [0, 0], count: 4)
        var fed: [[UInt64]] = Array(repeating: [0, 0], count: 4)
        var script = StreamScriptReader(reader.remainingBytes)
        while let step = script.next() {
            switch step {
            case let .data(slot, direction, bytes):
                let decryptor = slots[slot] ?? TLSConnectionDecryptor(keyLog: keyLog, limits: limits)
                slots[slot] = decryptor
                let side: TLSSide = direction == .clientToServer ? .client : .server
                decryptor.receive(bytes, from: side) { event in
                    if case let .data(plaintext) = event {
                        check(!plaintext.isEmpty, "an empty data event")
                        delivered[slot][side == .client ? 0 : 1] += UInt64(plaintext.count)
                    }
                }
                fed[slot][side == .client ? 0 : 1] += UInt64(bytes.count)
                verify(decryptor, delivered: delivered[slot], fed: fed[slot])
            case let .gap(slot, direction, length):
                guard let decryptor = slots[slot] else { continue }
                decryptor.gap(length, from: direction == .clientToServer ? .client : .server) { _ in }
                verify(decryptor, delivered: delivered[slot], fed: fed[slot])
            case .end:
                continue
            case let .close(slot):
                slots[slot] = nil
                delivered[slot] = [0, 0]
                fed[slot] = [0, 0]
            }
        }
    }

    /// Plaintext never exceeds what was fed, the counters agree with what was delivered, and every
    /// record counted had at least its 5-byte header fed.
    private static func verify(_ decryptor: TLSConnectionDecryptor, delivered: [UInt64], fed: [UInt64]) {
        let facts = decryptor.facts
        for (index, counters) in [facts.client, facts.server].enumerated() {
            check(counters.applicationBytes >= delivered[index], "delivered more than counted")
            check(delivered[index] <= fed[index], "more plaintext than bytes fed")
            let records = counters.recordsDecrypted + counters.recordsFailedAuthentication + counters.recordsNotDecrypted
            check(UInt64(records) * 5 <= fed[index], "\(records) records from \(fed[index]) bytes")
        }
    }
}
