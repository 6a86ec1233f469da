import AnalyzerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counters of a live capture, from libpcap (`pcap_stats`).
public struct LiveCaptureStatistics: Hashable, Sendable {
    /// Packets that passed the filter (as the kernel counts them).
    public var received: UInt64
    /// Packets dropped because the buffer was full.
    public var dropped: UInt64
    /// Packets dropped by the interface or its driver.
    public var interfaceDropped: UInt64
}

/// Sniffs one interface through libpcap: `pcap_create` with whole frames, immediate mode, a
/// generous kernel buffer and a short read timeout, so that the caller can check its stop
/// conditions between packets.
public final class LiveCapture {
    /// What one read produced.
    public enum ReadResult {
        /// A packet; its bytes borrow libpcap's buffer until the next read.
        case packet(CapturedPacket)
        /// No packet within the read timeout.
        case idle
        /// The capture was stopped (``stop()`` or a stop signal).
        case stopped
        /// libpcap reported an error; the text is its message.
        case failed(String)
    }

    private let handle: PcapHandle
    private var dumper: OpaquePointer?
    /// The interface name.
    public var interface: String { handle.name }
    /// The link type of the interface.
    public var linkType: LinkType { handle.linkType }
    /// Packets read so far.
    public private(set) var packetsRead = 0
    /// Nanoseconds where the platform granted them, otherwise microseconds.
    public var timestampPrecision: TimestampPrecision { handle.nanosecondTimestamps ? .nanoseconds : .microseconds }

    /// Opens `interface`.
    /// - Parameters:
    ///   - snapshotLength: bytes kept per packet (default 262,144: whole frames, as tcpdump).
    ///   - bufferSize: kernel buffer (default 32 MiB).
    ///   - promiscuous: ask for promiscuous mode (tcpdump's default; `-p` turns it off).
    /// - Throws: ``CaptureError`` naming the interface: `.interfaceUnavailable` or `.permissionDenied`.
    public init(
        interface: String, snapshotLength: Int = 262_144, bufferSize: Int = 32 << 20, promiscuous: Bool = true
    ) throws(CaptureError) {
        handle = try PcapHandle.openLive(
            interface: interface, snapshotLength: Int32(clamping: snapshotLength),
            bufferSize: Int32(clamping: bufferSize), timeoutMilliseconds: 100, promiscuous: promiscuous
        )
    }

    deinit {
        stopSaving()
        if liveCaptureForSignals == handle.rawHandle { liveCaptureForSignals = nil }
    }

    /// Every interface libpcap can capture on.
    /// - Throws: ``CaptureError`` with libpcap's message.
    public static func interfaces() throws(CaptureError) -> [CaptureInterface] {
        try PcapHandle.interfaces()
    }

    /// Installs a BPF filter (tcpdump syntax).
    /// - Throws: ``CaptureError`` `.badFilter` with libpcap's message.
    public func setFilter(_ expression: String) throws(CaptureError) {
        try handle.setFilter(expression)
    }

    /// Also writes every packet read to a pcap file at `path` (tcpdump's `-w`).
    /// - Throws: ``CaptureError`` when the file cannot be created.
    public func startSaving(to path: String) throws(CaptureError) {
        stopSaving()
        dumper = try handle.openDumper(path: path)
    }

    /// Flushes and closes the file of ``startSaving(to:)``, if any.
    public func stopSaving() {
        if let dumper { PcapHandle.closeDumper(dumper) }
        dumper = nil
    }

    /// Reads the next packet, waiting at most the read timeout.
    public func next() -> ReadResult {
        // A non-blocking libpcap read notices pcap_breakloop only while packets flow: check the flag
        // the stop sets too. (A signal also interrupts the wait in poll(), so the stop is prompt.)
        if liveCaptureStopRequested != 0 { return .stopped }
        switch handle.next() {
        case .packet(let packet):
            packetsRead += 1
            if let dumper { handle.dumpLastPacket(to: dumper) }
            return .packet(packet)
        case .noPacketYet: return .idle
        case .end: return .stopped
        case .failed(let message): return .failed(message)
        }
    }

    /// Stops the capture: the current or next read returns `.stopped`.
    public func stop() {
        liveCaptureStopRequested = 1
        PcapHandle.breakLoop(handle.rawHandle)
    }

    /// Makes SIGINT and SIGTERM stop this capture (the handler only calls `pcap_breakloop`, which
    /// libpcap documents as safe in a signal handler). One capture at a time receives them.
    public func stopOnSignals() {
        liveCaptureStopRequested = 0
        liveCaptureForSignals = handle.rawHandle
        signal(SIGINT, stopSignalHandler)
        signal(SIGTERM, stopSignalHandler)
    }

    /// libpcap's counters so far.
    public func statistics() -> LiveCaptureStatistics? {
        handle.statistics().map { LiveCaptureStatistics(received: $0.received, dropped: $0.dropped,
                                                         interfaceDropped: $0.interfaceDropped) }
    }
}

// The capture a stop signal breaks. Written before the handler is installed and read only by it;
// a pointer-sized store, and pcap_breakloop only sets a flag in the handle.
nonisolated(unsafe) private var liveCaptureForSignals: OpaquePointer?

// Set by a stop (signal or call); a 32-bit aligned store, the sig_atomic_t of this platform.
nonisolated(unsafe) private var liveCaptureStopRequested: Int32 = 0

private func stopSignalHandler(_ signal: Int32) {
    liveCaptureStopRequested = 1
    if let handle = liveCaptureForSignals { PcapHandle.breakLoop(handle) }
}
