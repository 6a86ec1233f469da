import Foundation

/// The record state of one direction: its splitter and handshake reader, the protection in force
/// and the next one (activated by ChangeCipherSpec in TLS 1.2, by Finished in TLS 1.3), and the
/// sequence number of the current epoch.
final class TLSDirection {
    /// Records of this direction.
    let splitter: TLSRecordSplitter
    /// Handshake messages of this direction.
    let handshake: TLSHandshakeReader
    /// The protection in force, once the direction is encrypted.
    var current: TLSRecordProtection?
    /// The protection that the next key change brings in, when known.
    var next: TLSRecordProtection?
    /// Records of the current epoch so far: the next record's sequence number.
    var sequence: UInt64 = 0
    /// TLS 1.3: the application traffic secret of the current epoch (for KeyUpdate).
    var trafficSecret: [UInt8]?
    /// TLS 1.3: the secret behind ``next``.
    var nextTrafficSecret: [UInt8]?
    /// The direction expects protected records (past its ChangeCipherSpec or the ServerHello)
    /// even when no keys could be made.
    var encrypted = false
    /// What happened to its records.
    var counters = TLSDirectionCounters()
    /// Sequence numbers tried per resynchronisation candidate.
    let maxTrials: Int
    /// The largest record (header and body), to bound how many records a gap may have hidden.
    let maxRecordBytes: Int

    /// A direction bounded by `limits`.
    init(limits: TLSDecryptionLimits) {
        splitter = TLSRecordSplitter(maxBody: limits.maxRecordBodyBytes, maxScanBytes: limits.maxResyncScanBytes)
        handshake = TLSHandshakeReader(maxMessageBytes: limits.maxHandshakeMessageBytes)
        maxTrials = max(1, limits.maxResyncTrialsPerCandidate)
        maxRecordBytes = 5 + max(0, limits.maxRecordBodyBytes)
    }

    /// Makes `protection` the one in force from sequence number 0.
    func activate(_ protection: TLSRecordProtection?) {
        current = protection
        sequence = 0
        encrypted = true
    }

    /// Puts ``next`` in force from sequence number `sequence`.
    func switchToNext(sequence: UInt64 = 0) {
        current = next
        next = nil
        trafficSecret = nextTrafficSecret
        nextTrafficSecret = nil
        self.sequence = sequence
    }

    /// Opens a record in sync. When it fails under the current keys but the next keys are known and
    /// open it (a lost Finished or ChangeCipherSpec left us in the old epoch), switches to them.
    func open(_ record: TLSRecord) -> TLSOpenResult? {
        guard let protection = current else { return nil }
        let result = protection.open(record, sequence: sequence)
        sequence &+= 1
        if case .authenticationFailed = result, let upcoming = next {
            for trial in 0..<UInt64(min(maxTrials, 4)) {
                let retry = upcoming.open(record, sequence: trial)
                if case .plaintext = retry {
                    switchToNext(sequence: trial &+ 1)
                    counters.recordsLost += Int(trial)
                    return retry
                }
            }
        }
        return result
    }

    /// Tries a search candidate after a gap: under the current keys at the sequence numbers the lost
    /// bytes allow, then under the next keys from 0. On success the epoch and sequence follow it.
    func resynchronise(_ record: TLSRecord) -> (contentType: UInt8, plaintext: Data, lost: Int)? {
        let lostBytes = splitter.bytesSinceLastRecord
        let minimumLost = UInt64(max(1, maxRecordBytes)).dividingCeiling(lostBytes)
        let candidates: [(TLSRecordProtection?, UInt64)] = [(current, sequence &+ minimumLost), (next, 0)]
        for (protection, first) in candidates {
            guard let protection else { continue }
            for offset in 0..<UInt64(maxTrials) {
                let trial = first &+ offset
                guard case let .plaintext(type, plaintext) = protection.open(record, sequence: trial) else { continue }
                let lost: Int
                if protection.keys == current?.keys {
                    lost = Int(clamping: trial &- sequence)
                    sequence = trial &+ 1
                } else {
                    lost = Int(clamping: trial)
                    switchToNext(sequence: trial &+ 1)
                }
                counters.recordsLost += lost
                counters.resynchronisations += 1
                return (type, plaintext, lost)
            }
        }
        return nil
    }
}

extension UInt64 {
    /// `dividend / self`, rounded up (0 for 0).
    func dividingCeiling(_ dividend: UInt64) -> UInt64 {
        dividend / self + (dividend % self == 0 ? 0 : 1)
    }
}
