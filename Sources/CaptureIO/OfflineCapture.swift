import AnalyzerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Capture files (pcap or pcapng, read by libpcap; gzip- or zstd-compressed ones decompressed on the
/// way, pcapng files libpcap refuses read by ``PcapngBlockReader``) delivered in order as one
/// continuous capture.
///
/// Every file is checked when the capture is made — it exists, can be read, and libpcap opens it —
/// so a bad file fails before analysis starts. Regular files are then closed and opened again when
/// their turn comes, so that many files do not hold many descriptors and buffers; standard input
/// and other streams stay open from the check on, because they cannot be read twice.
///
/// Damage met while reading (a file cut inside a record, a read error) does not throw: it is kept
/// in ``interruptions`` and reading goes on with the next file, so nothing already read is lost.
public final class OfflineCapture: PacketSource {
    /// One capture and what is known of it.
    private struct Slot {
        let input: CaptureInput
        var size: Int64?
        var startOffset: Int64
        var linkType: LinkType
        var snapshotLength: Int
        var declaredPrecision: TimestampPrecision?
        /// Open while the capture is being read, and from the check on when it cannot be reopened.
        var handle: OfflineReader?
        /// The link types a filter must compile for (several for a multi-interface pcapng file).
        var linkTypes: [LinkType]
    }

    /// The captures in reading order: paths as given, `-` for standard input.
    public let captures: [String]
    // Per-packet state: `@exclusivity(unchecked)` drops the runtime exclusivity check (a call
    // costing ~300 instructions per access; see docs/performance.md). Sound here: only this
    // object's own methods touch these properties, on one thread, and no callee can reach back.
    @exclusivity(unchecked) private var slots: [Slot]
    @exclusivity(unchecked) private var index = 0
    /// Checks, in debug builds, that nothing re-enters the reader while it reads.
    @exclusivity(unchecked) private var reentry = ReentryGuard()
    @exclusivity(unchecked) private var isFinished = false
    /// The current capture's libpcap handle, unretained: `slots[index].handle` owns it, and it is
    /// cleared before that changes. Reading a packet through it costs no reference counting (the
    /// handle copied out of the slot for each packet was a retain and a release).
    @exclusivity(unchecked) private var openLibpcap: Unmanaged<PcapHandle>?
    private var filterExpression: String?
    @exclusivity(unchecked) private var packetsReadInCapture = 0
    @exclusivity(unchecked) private var lastTimestampInCapture: CaptureTimestamp?
    private var finishedBytes: Int64 = 0

    /// Packets delivered so far, over all captures (after filtering).
    @exclusivity(unchecked) public private(set) var packetsRead = 0
    /// Places where a capture stopped early, in the order met.
    public private(set) var interruptions: [CaptureInterruption] = []
    /// The finest timestamp resolution known so far. Declared resolutions (the pcap magic, pcapng's
    /// `if_tsresol`) of all regular files are known from the start; for streams, whose heads cannot
    /// be peeked, it becomes nanoseconds once a packet's time is not a whole microsecond.
    @exclusivity(unchecked) public private(set) var timestampPrecision: TimestampPrecision

    /// Opens capture files to be read in order as one continuous capture (`-` is standard input,
    /// which may appear at most once).
    ///
    /// Every path is checked up front: it must exist, be readable, and open as pcap or pcapng.
    /// - Throws: ``CaptureError`` for the first path that fails: `.fileNotFound`, `.permissionDenied`,
    ///   `.notACapture` (with libpcap's reason; also for empty files, files cut inside the file
    ///   header, and directories), `.readFailed`; `.invalidArgument` for no paths or `-` twice.
    public convenience init(paths: [String]) throws(CaptureError) {
        try self.init(inputs: paths.map { $0 == "-" ? CaptureInput.standardInput : .path($0) })
    }

    /// Opens `inputs` as ``init(paths:)`` does paths. Descriptors given in `inputs` are adopted, and
    /// closed even when this throws.
    /// - Throws: as ``init(paths:)``.
    init(inputs: [CaptureInput]) throws(CaptureError) {
        captures = inputs.map(\.name)
        var opened: [Slot] = []
        var attempted = 0  // inputs handed to openSlot, which cleans up after itself when it throws
        do {
            try Self.checkArguments(inputs)
            for input in inputs {
                attempted += 1
                opened.append(try Self.openSlot(input, keepOpen: opened.isEmpty))
            }
        } catch {
            for input in inputs.dropFirst(attempted) { input.discard() }
            throw error
        }
        slots = opened
        timestampPrecision = .microseconds
        for slot in opened {
            if let declared = slot.declaredPrecision, declared > timestampPrecision { timestampPrecision = declared }
        }
    }

    /// The capture being read (its path, or `-`); the last one once all are read.
    public var currentCapture: String { slots[index].input.name }
    /// The link type of the capture being read (`pcap_datalink`); each packet carries its own too.
    public var linkType: LinkType { slots[index].linkType }
    /// The snapshot length of the capture being read (`pcap_snapshot`; for a pcapng file with
    /// interfaces of several snapshot lengths, the largest seen).
    public var snapshotLength: Int { slots[index].handle?.snapshotLength ?? slots[index].snapshotLength }

    /// How far reading has got, in captures and bytes. Cheap (one `ftell`), but not meant per packet.
    public var progress: CaptureProgress {
        var bytesRead = finishedBytes
        if !isFinished, let handle = slots[index].handle, let position = handle.filePosition {
            bytesRead = bytesRead.saturatingAdding(max(0, position - slots[index].startOffset))
        }
        var total: Int64? = 0
        for slot in slots {
            guard let sum = total, let size = slot.size else {
                total = nil
                break
            }
            total = sum.saturatingAdding(size)
        }
        return CaptureProgress(captureIndex: index, captureCount: slots.count, bytesRead: bytesRead, totalBytes: total)
    }

    /// Returns the next packet of the whole capture, or `nil` after the last one of the last file.
    ///
    /// The packet's bytes borrow libpcap's buffer: valid until the next call. A file that ends inside
    /// a record, fails to read, or can no longer be opened adds an entry to ``interruptions`` and
    /// reading moves on to the next file.
    /// - Throws: ``CaptureError`` `.badFilter` only if the filter cannot be applied to a file opened
    ///   again whose link type has changed since it was checked.
    public func nextPacket() throws(CaptureError) -> CapturedPacket? {
        reentry.enter("OfflineCapture.nextPacket")
        defer { reentry.leave() }
        // Nearly every call: a packet from the open libpcap handle. The rest (ends, failures,
        // moving to the next capture) is left to `readOn`, out of line.
        guard let pcap = openLibpcap, !isFinished else { return try readOn(after: nil) }
        let result = pcap._withUnsafeGuaranteedRef { $0.next() }
        guard case .packet(let packet) = result else { return try readOn(after: result) }
        return delivering(packet)
    }

    /// Counts `packet` as read and notes its time.
    @inline(__always)
    private func delivering(_ packet: CapturedPacket) -> CapturedPacket {
        packetsRead += 1
        packetsReadInCapture += 1
        lastTimestampInCapture = packet.timestamp
        if timestampPrecision == .microseconds, packet.timestamp.nanoseconds % 1000 != 0 {
            timestampPrecision = .nanoseconds
        }
        return packet
    }

    /// What ``nextPacket()`` returns when the open libpcap handle did not give a packet (`result`),
    /// or there is none open (`nil`): deals with `result`, then reads on, opening and moving
    /// through the captures as needed.
    @inline(never)
    private func readOn(after pending: PcapReadResult?) throws(CaptureError) -> CapturedPacket? {
        var pending = pending
        while !isFinished {
            let result: PcapReadResult
            if let given = pending {
                result = given
                pending = nil
            } else if let pcap = openLibpcap {
                result = pcap._withUnsafeGuaranteedRef { $0.next() }
            } else {
                guard let handle = try currentHandle() else { continue }
                if case .libpcap(let pcap) = handle { openLibpcap = Unmanaged.passUnretained(pcap) }
                result = handle.next()
            }
            switch result {
            case .packet(let packet):
                return delivering(packet)
            case .end:
                finishCapture()
            case .failed(let message):
                if case .libpcap? = slots[index].handle, PcapngHeadInterfaces.isLibpcapRefusal(message),
                   switchToOwnPcapngReader() {
                    continue
                }
                interrupt(reason: message)
            case .noPacketYet:
                // Savefiles never time out; treat it as damage rather than spin.
                interrupt(reason: "libpcap reported a read timeout on a file")
            }
        }
        return nil
    }

    /// Applies a BPF filter to every capture, including those opened later: only packets it accepts
    /// are delivered from now on. It is compiled (`pcap_compile`) for each capture's link type.
    /// - Throws: ``CaptureError`` `.badFilter` naming the expression and a capture, with libpcap's
    ///   message, when it does not compile for any capture's link type; the filter in force is then
    ///   unchanged.
    public func setFilter(_ expression: String) throws(CaptureError) {
        var checked: [LinkType] = []
        for slot in slots {
            for linkType in slot.linkTypes where !checked.contains(linkType) {
                try PcapHandle.checkFilter(
                    expression, linkType: linkType, snapshotLength: slot.snapshotLength, name: slot.input.name)
                checked.append(linkType)
            }
        }
        for slot in slots { try slot.handle?.setFilter(expression) }
        filterExpression = expression
    }

    // MARK: - Moving through the captures

    private static func checkArguments(_ inputs: [CaptureInput]) throws(CaptureError) {
        guard !inputs.isEmpty else {
            throw CaptureError(code: .invalidArgument, capture: "", reason: "no capture file given")
        }
        let standardInputs = inputs.filter {
            if case .standardInput = $0 { return true }
            return false
        }
        guard standardInputs.count <= 1 else {
            throw CaptureError(code: .invalidArgument, capture: "-", reason: "standard input can be read only once")
        }
    }

    private static func openSlot(_ input: CaptureInput, keepOpen: Bool) throws(CaptureError) -> Slot {
        let (descriptor, probe) = try input.open()
        let handle = try OfflineReader.open(adopting: descriptor, name: input.name, probe: probe)
        // Only a regular file named by path can be opened again; anything else stays open.
        var isReopenable = false
        if case .path = input { isReopenable = probe.isRegularFile }
        return Slot(
            input: input, size: probe.size, startOffset: probe.startOffset,
            linkType: handle.linkType, snapshotLength: handle.snapshotLength,
            declaredPrecision: probe.declaredPrecision ?? handle.declaredPrecision,
            handle: keepOpen || !isReopenable ? handle : nil, linkTypes: handle.linkTypes)
    }

    /// The open handle of the current capture, opening it again if needed; `nil` when that failed
    /// (recorded as an interruption, and the capture is finished).
    private func currentHandle() throws(CaptureError) -> OfflineReader? {
        if let handle = slots[index].handle { return handle }
        let handle: OfflineReader
        let probe: CaptureFileProbe
        do {
            let opened = try slots[index].input.open()
            probe = opened.probe
            handle = try OfflineReader.open(adopting: opened.descriptor, name: slots[index].input.name, probe: probe)
        } catch {
            interrupt(reason: "could not open it again: " + error.reason)
            return nil
        }
        // Install the filter before keeping the handle, so that an unfiltered handle is never read.
        if let filterExpression { try handle.setFilter(filterExpression) }
        slots[index].size = probe.size
        slots[index].startOffset = probe.startOffset
        slots[index].linkType = handle.linkType
        slots[index].linkTypes = handle.linkTypes
        slots[index].snapshotLength = handle.snapshotLength
        slots[index].handle = handle
        if let declared = probe.declaredPrecision ?? handle.declaredPrecision, declared > timestampPrecision {
            timestampPrecision = declared
        }
        return handle
    }

    /// libpcap stopped at an interface description past the head that differs from the first:
    /// reads the file again with ``PcapngBlockReader`` (same filter), skipping the packets already
    /// delivered, and goes on from there. Only for a regular file named by path (compressed or not);
    /// a stream cannot be read twice. Returns false when that cannot be done.
    private func switchToOwnPcapngReader() -> Bool {
        guard case .path = slots[index].input else { return false }
        let reader: PcapngBlockReader
        do {
            let (descriptor, probe) = try slots[index].input.open()
            guard probe.isRegularFile else {
                close(descriptor)
                return false
            }
            let stream = try CaptureStream.open(adopting: descriptor, name: slots[index].input.name, probe: probe)
            reader = try PcapngBlockReader(stream: stream, name: slots[index].input.name, headLinkTypes: stream.headLinkTypes)
            if let filterExpression { try reader.setFilter(filterExpression) }
        } catch {
            return false
        }
        // The same filter accepts the same packets, so the first ones are those already delivered.
        for _ in 0..<packetsReadInCapture {
            guard case .packet = reader.next() else { return false }
        }
        openLibpcap = nil
        slots[index].handle = .pcapng(reader)
        return true
    }

    private func interrupt(reason: String) {
        interruptions.append(
            CaptureInterruption(
                capture: slots[index].input.name, reason: reason,
                packetsRead: packetsReadInCapture, lastTimestamp: lastTimestampInCapture))
        finishCapture()
    }

    /// Closes the current capture and moves to the next. Called only from ``nextPacket()``, so the
    /// packet returned last (whose bytes the closed handle held) is already out of use.
    private func finishCapture() {
        finishedBytes = finishedBytes.saturatingAdding(slots[index].size ?? 0)
        // An interface finer than a microsecond met by the own pcapng reader past the head counts
        // even when no packet of it showed sub-microsecond digits.
        if case .pcapng(let reader)? = slots[index].handle, reader.finerThanMicroseconds {
            timestampPrecision = .nanoseconds
        }
        openLibpcap = nil
        slots[index].handle = nil
        packetsReadInCapture = 0
        lastTimestampInCapture = nil
        if index + 1 < slots.count {
            index += 1
        } else {
            isFinished = true
        }
    }
}
