import AnalyzerCore
import CPcap

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What one call to ``PcapHandle/next()`` produced.
enum PcapReadResult {
    /// A packet. Its bytes borrow libpcap's buffer and stay valid until the handle's next call.
    case packet(CapturedPacket)
    /// No packet arrived before the read timeout; only a live capture says this.
    case noPacketYet
    /// The capture has no more packets.
    case end
    /// Reading stopped; the text is libpcap's message (e.g. `truncated dump file; …`).
    case failed(String)
}

/// The owner of one libpcap `pcap_t`, and the only code in bitsnoop that calls libpcap.
///
/// The handle is closed (`pcap_close`) when the object goes away. Opening is done by static
/// factories; ``init(adopting:name:)`` takes any already-made `pcap_t`, so a live capture
/// (`pcap_create` + `pcap_activate`) can be added as one more factory without touching the rest.
final class PcapHandle {
    /// Every capture is opened asking libpcap for nanosecond timestamps, whatever the file holds;
    /// libpcap scales microsecond files up, so `tv_usec` always carries nanoseconds.
    private static let requestedPrecision = UInt32(PCAP_TSTAMP_PRECISION_NANO)

    private let pcap: OpaquePointer
    /// The capture's name (file path, `-`, later an interface), used in every error.
    let name: String
    /// The link-layer type of every packet (`pcap_datalink`); libpcap allows one per file.
    let linkType: LinkType
    /// The snapshot length libpcap holds to (`pcap_snapshot`); re-read when a packet exceeds it.
    private(set) var snapshotLength: Int
    /// Whether `tv_usec` carries nanoseconds (always for files; for an interface only when the
    /// platform granted nanosecond precision, otherwise microseconds).
    let nanosecondTimestamps: Bool
    // Per-packet state: `@exclusivity(unchecked)` drops the runtime exclusivity check (a call
    // costing ~300 instructions per access; see docs/performance.md). Sound here: only this
    // object's own methods touch these properties, on one thread, and no callee can reach back.
    // The last record read, kept for `dump(to:)`; valid until the next `next()`.
    @exclusivity(unchecked) private var lastHeader: UnsafeMutablePointer<pcap_pkthdr>?
    @exclusivity(unchecked) private var lastData: UnsafePointer<UInt8>?
    // For a live handle in non-blocking mode: the descriptor to wait on, and for how long.
    private var waitDescriptor: Int32?
    private var waitMilliseconds: Int32 = 100
    /// The stream a savefile is read from (its FILE is libpcap's once opened); `nil` for a live capture.
    private var stream: CaptureStream?
    /// The resolution a compressed capture's head declares (see ``CaptureStream/declaredPrecision``).
    var streamDeclaredPrecision: TimestampPrecision? { stream?.declaredPrecision }

    /// Takes ownership of an opened (and, for live captures, activated) `pcap_t`.
    init(adopting pcap: OpaquePointer, name: String) {
        self.pcap = pcap
        self.name = name
        self.linkType = LinkType(rawValue: pcap_datalink(pcap))
        self.snapshotLength = Int(pcap_snapshot(pcap))
        self.nanosecondTimestamps = pcap_get_tstamp_precision(pcap) == Int32(PCAP_TSTAMP_PRECISION_NANO)
    }

    deinit {
        // For a savefile this also closes its FILE (and so the descriptor it was opened on).
        pcap_close(pcap)
        // The stream (and the read buffer its FILE used) goes after, with the stored properties.
    }

    /// Opens a pcap or pcapng capture on `stream`, whose `FILE` libpcap takes over (closed with the
    /// handle); when this throws the stream still owns it.
    /// - Throws: ``CaptureError`` `.notACapture` with libpcap's reason when the bytes are not a
    ///   readable capture (unknown format, cut inside the file header, empty; for compressed bytes
    ///   also damaged data, with the decompressor's reason); `.readFailed` when reading failed.
    static func openOffline(stream: CaptureStream, name: String) throws(CaptureError) -> PcapHandle {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let pcap = pcap_fopen_offline_with_tstamp_precision(stream.file, requestedPrecision, &errorBuffer) else {
            // On failure libpcap leaves the FILE to its caller: the stream closes it.
            let message = stream.failure ?? string(fromErrorBuffer: errorBuffer)
            if stream.compression != .none {
                throw CaptureError(
                    code: .notACapture, capture: name, reason: "not a capture file (\(stream.compression.name): \(message))")
            }
            throw openError(message: message, name: name)
        }
        stream.handOver()
        let handle = PcapHandle(adopting: pcap, name: name)
        handle.stream = stream
        return handle
    }

    /// Reads the next packet (`pcap_next_ex`). A packet's bytes are valid until the next call.
    ///
    /// Lengths libpcap hands over are checked before the bytes are exposed: a captured length above
    /// the snapshot length, or bytes missing for a non-empty record, are reported as `.failed`.
    /// What is rare (no packet, a failure) is out of line, so that the per-packet path carries none
    /// of its set-up.
    func next() -> PcapReadResult {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        lastHeader = nil
        lastData = nil
        let status = pcap_next_ex(pcap, &header, &data)
        guard status == 1 else { return noPacket(status) }
        lastHeader = header
        lastData = data
        guard let record = header?.pointee else { return .failed("libpcap returned a packet without a header") }
        guard let captured = Int(exactly: record.caplen), let original = Int(exactly: record.len) else {
            return Self.lengthFailure(record.caplen)
        }
        // libpcap keeps caplen within the snapshot length; re-read it in case it grew (a new pcapng
        // section) before deciding the record cannot be trusted.
        if captured > snapshotLength, let failure = recheckSnapshotLength(for: captured) { return failure }
        guard data != nil || captured == 0 else { return Self.missingBytesFailure(captured) }
        let packet = CapturedPacket(
            timestamp: Self.timestamp(
                seconds: Int64(record.ts.tv_sec),
                // Microseconds scaled to nanoseconds; a hostile value saturates rather than overflows.
                nanoseconds: nanosecondTimestamps ? Int64(record.ts.tv_usec)
                    : Int64(record.ts.tv_usec).multipliedReportingOverflow(by: 1000).partialValue
            ),
            linkType: linkType,
            // A record claiming fewer bytes on the wire than it holds is damaged; keep the invariant
            // consumers rely on (originalLength >= bytes.count) rather than pass the contradiction on.
            originalLength: max(original, captured),
            bytes: UnsafeRawBufferPointer(start: data, count: captured)
        )
        return .packet(packet)
    }

    /// What ``next()`` returns when `pcap_next_ex` gave `status`, not a packet: nothing yet (a live
    /// read, after waiting for the next packet at most the timeout), the end, or a failure.
    @inline(never)
    private func noPacket(_ status: Int32) -> PcapReadResult {
        switch status {
        case 0:
            if let descriptor = waitDescriptor {
                // Non-blocking live read found nothing: wait for the next packet, at most the timeout,
                // so that the caller can check its stop conditions (and a break is seen promptly).
                var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&request, 1, waitMilliseconds)
            }
            return .noPacketYet
        case PCAP_ERROR_BREAK: return .end  // -2: end of a savefile
        default: return .failed(stream?.failure ?? lastError)
        }
    }

    /// Reads the snapshot length again for a packet that claims `captured` bytes, more than it was;
    /// the failure to report when that is still more.
    @inline(never)
    private func recheckSnapshotLength(for captured: Int) -> PcapReadResult? {
        snapshotLength = Int(pcap_snapshot(pcap))
        guard captured <= snapshotLength else {
            return .failed("captured length \(captured) exceeds the snapshot length \(snapshotLength)")
        }
        return nil
    }

    /// The failure for a captured length that does not fit an `Int`.
    @inline(never)
    private static func lengthFailure(_ captured: UInt32) -> PcapReadResult {
        .failed("packet length \(captured) does not fit this machine")
    }

    /// The failure for a record of `captured` bytes that came without them.
    @inline(never)
    private static func missingBytesFailure(_ captured: Int) -> PcapReadResult {
        .failed("libpcap returned no bytes for a \(captured)-byte packet")
    }

    /// Compiles `expression` for this capture's link type and installs it (`pcap_compile` +
    /// `pcap_setfilter`); packets it rejects are skipped by ``next()`` from now on.
    /// - Throws: ``CaptureError`` `.badFilter` with libpcap's message.
    func setFilter(_ expression: String) throws(CaptureError) {
        var program = bpf_program()
        guard pcap_compile(pcap, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw Self.filterError(expression: expression, message: lastError, name: name)
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(pcap, &program) == 0 else {
            throw Self.filterError(expression: expression, message: lastError, name: name)
        }
    }

    /// Checks that `expression` compiles for `linkType` without any capture open (`pcap_open_dead`).
    /// - Throws: ``CaptureError`` `.badFilter` naming `name` and the expression, with libpcap's message.
    static func checkFilter(
        _ expression: String, linkType: LinkType, snapshotLength: Int, name: String
    ) throws(CaptureError) {
        let snapshot = Int32(clamping: snapshotLength)
        guard let dead = pcap_open_dead_with_tstamp_precision(linkType.rawValue, snapshot, requestedPrecision) else {
            let message = "libpcap could not make a handle to compile it"
            throw filterError(expression: expression, message: message, name: name)
        }
        defer { pcap_close(dead) }
        var program = bpf_program()
        guard pcap_compile(dead, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw filterError(expression: expression, message: string(fromC: pcap_geterr(dead)), name: name)
        }
        pcap_freecode(&program)
    }

    /// Bytes of the capture file consumed so far (`ftell`), or `nil` when that is unknown (a pipe,
    /// a live capture).
    var filePosition: Int64? { stream?.position }

    private var lastError: String { Self.string(fromC: pcap_geterr(pcap)) }

    // MARK: - Live capture

    /// Opens interface `interface` for live capture (`pcap_create` … `pcap_activate`).
    /// - Parameters:
    ///   - snapshotLength: bytes kept of each packet (whole frames by default).
    ///   - bufferSize: the kernel buffer, generous so that bursts are not dropped.
    ///   - timeoutMilliseconds: how long a read waits before returning `.noPacketYet`, so that the
    ///     caller can check its stop conditions.
    ///   - promiscuous: whether to ask for promiscuous mode.
    /// - Throws: ``CaptureError`` `.interfaceUnavailable` (no such interface, interface down) or
    ///   `.permissionDenied` (with what to do about it), with libpcap's message.
    static func openLive(
        interface: String, snapshotLength: Int32, bufferSize: Int32, timeoutMilliseconds: Int32, promiscuous: Bool
    ) throws(CaptureError) -> PcapHandle {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let pcap = pcap_create(interface, &errorBuffer) else {
            throw CaptureError(code: .interfaceUnavailable, capture: interface, reason: string(fromErrorBuffer: errorBuffer))
        }
        pcap_set_snaplen(pcap, snapshotLength)
        pcap_set_promisc(pcap, promiscuous ? 1 : 0)
        pcap_set_timeout(pcap, timeoutMilliseconds)
        pcap_set_immediate_mode(pcap, 1)
        pcap_set_buffer_size(pcap, bufferSize)
        // Nanoseconds where the platform offers them; `init(adopting:)` reads what was granted.
        _ = pcap_set_tstamp_precision(pcap, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(pcap)
        if status < 0 {
            let detail = string(fromC: pcap_geterr(pcap))
            let message = String(cString: pcap_statustostr(status))
            pcap_close(pcap)
            switch status {
            case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
                throw CaptureError(code: .permissionDenied, capture: interface,
                                   reason: "\(detail.isEmpty ? message : detail) (run as root, or grant the binary "
                                       + "CAP_NET_RAW and CAP_NET_ADMIN: sudo setcap cap_net_raw,cap_net_admin=eip bitsnoop)")
            default:
                let reason = detail.isEmpty || detail == "unknown libpcap error" ? message : detail
                throw CaptureError(code: .interfaceUnavailable, capture: interface, reason: reason)
            }
        }
        let handle = PcapHandle(adopting: pcap, name: interface)
        // libpcap's own read timeout does not fire on an idle Linux interface in immediate mode:
        // read without blocking and wait with poll() instead.
        var errorText = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        let descriptor = pcap_get_selectable_fd(pcap)
        if descriptor >= 0, pcap_setnonblock(pcap, 1, &errorText) == 0 {
            handle.waitDescriptor = descriptor
            handle.waitMilliseconds = timeoutMilliseconds
        }
        return handle
    }

    /// Makes a blocked or looping read return `.end` (`pcap_breakloop`). Safe to call from a
    /// signal handler, which is what it is for.
    static func breakLoop(_ pcap: OpaquePointer) {
        pcap_breakloop(pcap)
    }

    /// The raw handle, for ``breakLoop(_:)`` from a signal handler only.
    var rawHandle: OpaquePointer { pcap }

    /// libpcap's counters for a live capture (`pcap_stats`): packets received by the filter,
    /// dropped because the buffer was full, dropped by the interface. `nil` for files.
    func statistics() -> (received: UInt64, dropped: UInt64, interfaceDropped: UInt64)? {
        var stats = pcap_stat()
        guard pcap_stats(pcap, &stats) == 0 else { return nil }
        return (UInt64(stats.ps_recv), UInt64(stats.ps_drop), UInt64(stats.ps_ifdrop))
    }

    /// Opens a pcap file at `path` for saving this capture's packets (`pcap_dump_open`), in the
    /// capture's link type and timestamp precision.
    /// - Throws: ``CaptureError`` `.readFailed` with libpcap's message (e.g. a folder that does not exist).
    func openDumper(path: String) throws(CaptureError) -> OpaquePointer {
        guard let dumper = pcap_dump_open(pcap, path) else {
            // libpcap's message starts with the path already; said once.
            let reason = lastError.hasPrefix(path + ": ") ? String(lastError.dropFirst(path.count + 2)) : lastError
            throw CaptureError(code: .readFailed, capture: path, reason: "cannot write: \(reason)")
        }
        return dumper
    }

    /// Writes the packet last returned by ``next()`` to `dumper`, as libpcap handed it over.
    func dumpLastPacket(to dumper: OpaquePointer) {
        guard let header = lastHeader, let data = lastData else { return }
        pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), header, data)
    }

    /// Flushes and closes a dumper from ``openDumper(path:)``.
    static func closeDumper(_ dumper: OpaquePointer) {
        pcap_dump_flush(dumper)
        pcap_dump_close(dumper)
    }

    /// Every interface libpcap can capture on (`pcap_findalldevs`), in its order.
    /// - Throws: ``CaptureError`` `.interfaceUnavailable` with libpcap's message.
    static func interfaces() throws(CaptureError) -> [CaptureInterface] {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        var list: UnsafeMutablePointer<pcap_if_t>?
        guard pcap_findalldevs(&list, &errorBuffer) == 0 else {
            throw CaptureError(code: .interfaceUnavailable, capture: "interfaces", reason: string(fromErrorBuffer: errorBuffer))
        }
        defer { pcap_freealldevs(list) }
        var result: [CaptureInterface] = []
        var node = list
        while let current = node {
            let flags = current.pointee.flags
            result.append(CaptureInterface(
                name: String(cString: current.pointee.name),
                description: current.pointee.description.map { String(cString: $0) },
                isLoopback: flags & UInt32(PCAP_IF_LOOPBACK) != 0,
                isUp: flags & UInt32(PCAP_IF_UP) != 0,
                isRunning: flags & UInt32(PCAP_IF_RUNNING) != 0
            ))
            node = current.pointee.next
        }
        return result
    }

    /// Turns libpcap's `(tv_sec, tv_usec)` — nanoseconds in `tv_usec`, as requested — into a
    /// timestamp. A hostile file can put any value in either field, so the fraction is brought into
    /// `0..<1e9` by carrying whole seconds, saturating instead of overflowing.
    static func timestamp(seconds: Int64, nanoseconds fraction: Int64) -> CaptureTimestamp {
        var carry = fraction / 1_000_000_000
        var nanoseconds = fraction % 1_000_000_000
        if nanoseconds < 0 {
            nanoseconds += 1_000_000_000
            carry -= 1
        }
        let wholeSeconds = seconds.saturatingAdding(carry)
        // 0 <= nanoseconds < 1e9 here, so the conversion cannot fail.
        return CaptureTimestamp(seconds: wholeSeconds, nanoseconds: UInt32(nanoseconds))
    }

    /// Sorts libpcap's reason for refusing to open a savefile into a ``CaptureError``.
    private static func openError(message: String, name: String) -> CaptureError {
        // sf_open: "error reading dump file: <strerror>" is an I/O failure; every other refusal
        // (unknown magic, truncated header, bad version, damaged pcapng header) means "not a capture".
        if message.hasPrefix("error reading dump file") {
            return CaptureError(code: .readFailed, capture: name, reason: message)
        }
        // Not one header byte: say "empty file" rather than libpcap's "truncated … only got 0".
        let empty = message.hasPrefix("truncated dump file;") && message.hasSuffix("header bytes, only got 0")
        return CaptureError(code: .notACapture, capture: name, reason: "not a capture file (\(empty ? "empty file" : message))")
    }

    private static func filterError(expression: String, message: String, name: String) -> CaptureError {
        CaptureError(code: .badFilter, capture: name, reason: "bad filter expression \"\(expression)\": \(message)")
    }

    private static func string(fromC text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown libpcap error" }
        return String(cString: text)
    }

    private static func string(fromErrorBuffer buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return bytes.isEmpty ? "unknown libpcap error" : String(decoding: bytes, as: UTF8.self)
    }
}
