/// What the splitter says about the bytes of a direction, besides its records.
public enum TLSSplitterState: Equatable, Sendable {
    /// Record boundaries are known.
    case inSync
    /// A gap fell inside a record whose length was known: the rest of that record is skipped, and
    /// the next record starts exactly where it ends.
    case skippingRecord
    /// A gap hid where records start: candidates are offered to the owner until one authenticates.
    case searching
    /// The direction is given up: a header that cannot be TLS (a protocol error), or a search that
    /// scanned ``TLSDecryptionLimits/maxResyncScanBytes`` in vain.
    case failed
}

/// Splits one direction's byte stream into TLS records, whatever the chunk boundaries. Bounded: it
/// never holds more than one record (``TLSDecryptionLimits/maxRecordBodyBytes`` plus its header).
///
/// After a gap: when the gap ends inside a record whose header was read, the splitter skips the rest
/// of that record and stays in sync (one record lost). Otherwise the boundaries are unknown, and it
/// searches: every position that looks like a record header whose whole record has arrived is offered
/// to the owner with `resync` set; the owner accepts it only if it authenticates under the direction's
/// keys at some plausible sequence number (an AEAD tag or HMAC matching by chance is 2^-128 or
/// 2^-160 unlikely), which proves both the boundary and the count of records lost. Plaintext
/// directions (a handshake not yet keyed) cannot prove anything and should be given up instead.
final class TLSRecordSplitter {
    /// The largest body accepted.
    let maxBody: Int
    /// Bytes scanned while searching before giving up.
    let maxScanBytes: Int
    /// Where the splitter stands.
    private(set) var state: TLSSplitterState = .inSync
    /// Bytes of the record in progress (in sync), or of the window being searched.
    private var buffer: [UInt8] = []
    /// Bytes of a record cut by a gap still to skip.
    private var skipRemaining = 0
    /// Bytes lost or passed over since the last record handed out in sync (gaps, skipped rest,
    /// scanned bytes): the owner bounds the count of lost records with it.
    private(set) var bytesSinceLastRecord: UInt64 = 0
    /// Bytes scanned in the current search.
    private var scanned = 0

    /// A splitter accepting bodies up to `maxBody` bytes.
    init(maxBody: Int, maxScanBytes: Int) {
        self.maxBody = max(0, maxBody)
        self.maxScanBytes = max(0, maxScanBytes)
        buffer.reserveCapacity(5 + self.maxBody)
    }

    /// Set by ``giveUp()`` during ``feed(_:_:)``, acted on when the record handed out returns
    /// (the buffer may be lent out then).
    private var stopRequested = false
    /// Whether ``feed(_:_:)`` is running.
    private var feeding = false

    /// Gives up the direction (its owner decided nothing more can be read from it). Safe to call
    /// from inside the record handler.
    func giveUp() {
        if feeding { stopRequested = true } else { fail() }
    }

    private func fail() {
        state = .failed
        buffer = []
    }

    /// Feeds the next bytes of the direction. `handle` gets each record and whether it is a search
    /// candidate; its answer matters only for candidates (`true`: it authenticated, in sync again).
    func feed(_ input: UnsafeRawBufferPointer, _ handle: (TLSRecord, _ resync: Bool) -> Bool) {
        let outer = feeding
        feeding = true
        defer {
            feeding = outer
            if !outer, stopRequested { stopRequested = false; fail() }
        }
        var offset = 0
        while offset < input.count, !stopRequested {
            switch state {
            case .failed:
                return
            case .skippingRecord:
                let take = min(skipRemaining, input.count - offset)
                offset += take
                skipRemaining -= take
                bytesSinceLastRecord &+= UInt64(take)
                if skipRemaining == 0 { state = .inSync }
            case .inSync:
                offset = feedInSync(input, from: offset, handle)
            case .searching:
                let take = min(input.count - offset, 5 + maxBody - buffer.count)
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)]))
                offset += take
                search(handle)
            }
        }
    }

    /// Reads records in sync from `offset`; returns the offset reached (all of `input`, or where
    /// the state changed).
    private func feedInSync(_ input: UnsafeRawBufferPointer, from start: Int, _ handle: (TLSRecord, Bool) -> Bool) -> Int {
        var offset = start
        // Whole records straight from the input, without a copy.
        while buffer.isEmpty, input.count - offset >= 5 {
            guard let length = plausibleRecordHeader(input, at: offset, maxBody: maxBody, allowEmpty: true) else {
                fail()
                return input.count
            }
            guard input.count - offset >= 5 + length else { break }
            deliver(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + 5 + length)]), handle)
            offset += 5 + length
            if stopRequested { return input.count }
        }
        // A record in pieces: complete the header, then the body, in the reused buffer.
        while offset < input.count {
            let need = buffer.count < 5 ? 5 - buffer.count : bufferedRecordLength - buffer.count
            let take = min(need, input.count - offset)
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)]))
            offset += take
            if buffer.count == 5 {
                let valid = buffer.withUnsafeBytes { plausibleRecordHeader($0, at: 0, maxBody: maxBody, allowEmpty: true) != nil }
                guard valid else { fail(); return input.count }
            }
            if buffer.count >= 5, buffer.count == bufferedRecordLength {
                buffer.withUnsafeBytes { deliver($0, handle) }
                buffer.removeAll(keepingCapacity: true)
                return offset
            }
        }
        return offset
    }

    /// Header plus body length of the record whose header the buffer holds.
    private var bufferedRecordLength: Int { 5 + (Int(buffer[3]) << 8 | Int(buffer[4])) }

    private func deliver(_ bytes: UnsafeRawBufferPointer, _ handle: (TLSRecord, Bool) -> Bool) {
        bytesSinceLastRecord = 0
        _ = handle(TLSRecord(header: UnsafeRawBufferPointer(rebasing: bytes[0..<5]), body: UnsafeRawBufferPointer(rebasing: bytes[5...])), false)
    }

    /// `count` bytes of the direction were lost.
    func gap(_ count: UInt64) {
        guard count > 0 else { return }
        bytesSinceLastRecord &+= count
        switch state {
        case .failed:
            return
        case .skippingRecord:
            if count <= UInt64(skipRemaining) {
                skipRemaining -= Int(count)
                if skipRemaining == 0 { state = .inSync }
            } else {
                startSearch()
            }
        case .inSync:
            // Only a record whose header arrived has a known end.
            if buffer.count >= 5, count <= UInt64(bufferedRecordLength - buffer.count) {
                skipRemaining = bufferedRecordLength - buffer.count - Int(count)
                buffer.removeAll(keepingCapacity: true)
                state = skipRemaining == 0 ? .inSync : .skippingRecord
            } else {
                startSearch()
            }
        case .searching:
            buffer.removeAll(keepingCapacity: true)
        }
    }

    private func startSearch() {
        buffer.removeAll(keepingCapacity: true)
        skipRemaining = 0
        scanned = 0
        state = .searching
    }

    /// Offers each candidate record in the window; drops what cannot start one.
    private func search(_ handle: (TLSRecord, Bool) -> Bool) {
        var position = 0
        var accepted = false
        let count = buffer.count
        buffer.withUnsafeBytes { window in
            while position + 5 <= count {
                if let length = plausibleRecordHeader(window, at: position, maxBody: maxBody) {
                    guard position + 5 + length <= count else { break }
                    let record = TLSRecord(
                        header: UnsafeRawBufferPointer(rebasing: window[position..<(position + 5)]),
                        body: UnsafeRawBufferPointer(rebasing: window[(position + 5)..<(position + 5 + length)]))
                    if handle(record, true) {
                        position += 5 + length
                        accepted = true
                        return
                    }
                }
                position += 1
            }
        }
        if accepted {
            let rest = Array(buffer[position...])
            buffer.removeAll(keepingCapacity: true)
            bytesSinceLastRecord = 0
            state = .inSync
            rest.withUnsafeBytes { feed($0, handle) }
            return
        }
        // Keep from the first position that may still start a record (at most the last 4 bytes
        // when none does).
        let drop = min(position, count)
        buffer.removeFirst(drop)
        bytesSinceLastRecord &+= UInt64(drop)
        scanned += drop
        if scanned > maxScanBytes { fail() }
    }
}
