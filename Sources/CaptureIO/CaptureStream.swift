import AnalyzerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A capture's bytes as a buffered stdio `FILE`, ready for libpcap or ``PcapngBlockReader``, with
/// what its first bytes showed: the compression, the declared timestamp resolution of a compressed
/// capture, and whether it is a pcapng file libpcap refuses.
///
/// A regular uncompressed file is read by stdio directly; anything else (gzip or zstd, and any
/// stream) through a ``DecompressingReader``, which hands back the bytes peeked at.
final class CaptureStream {
    /// Bytes of the stdio buffer a capture is read through (one `read(2)` per buffer-full).
    static let readBufferBytes = 64 << 10

    /// The stream; closed with this object unless handed over (``handOver()``).
    let file: UnsafeMutablePointer<FILE>
    /// The compression the bytes were told to have.
    let compression: CaptureCompression
    /// The timestamp resolution the decompressed head declares (compressed captures only: a
    /// regular file's is known from ``CaptureFileProbe``, a plain stream's from its packets).
    let declaredPrecision: TimestampPrecision?
    /// Whether the head is a pcapng file whose interfaces differ in link type or snapshot length.
    let needsOwnPcapngReader: Bool
    /// The link types the head's interfaces declare (pcapng), for checking a filter up front.
    let headLinkTypes: [LinkType]
    /// The largest snapshot length the head's interfaces declare (0, "no limit", counts as
    /// ``PcapngBlockReader/maxBlockBytes``); 0 when none is described.
    let headSnapshotLength: Int
    private let reader: DecompressingReader?
    private let positionKnown: Bool
    private var readBuffer: UnsafeMutablePointer<CChar>?
    private var ownsFile = true

    private init(
        file: UnsafeMutablePointer<FILE>, reader: DecompressingReader?, compression: CaptureCompression,
        interfaces: [PcapngHeadInterfaces.Interface], precision: TimestampPrecision?, positionKnown: Bool
    ) {
        self.file = file
        self.reader = reader
        self.compression = compression
        self.declaredPrecision = precision
        self.positionKnown = positionKnown
        needsOwnPcapngReader = interfaces.contains { $0 != interfaces.first }
        var linkTypes: [LinkType] = []
        for interface in interfaces where !linkTypes.contains(PcapngBlockReader.linkType(fileValue: interface.linkType)) {
            linkTypes.append(PcapngBlockReader.linkType(fileValue: interface.linkType))
        }
        headLinkTypes = linkTypes
        headSnapshotLength = interfaces.map { PcapngBlockReader.effectiveSnapshotLength(Int($0.snapshotLength)) }.max() ?? 0
        // stdio's default buffer (4 KiB here) costs a read(2) per 4 KiB; glibc takes a larger size
        // only with a caller's buffer, which must outlive the FILE. Best effort.
        readBuffer = .allocate(capacity: Self.readBufferBytes)
        if setvbuf(file, readBuffer, _IOFBF, Self.readBufferBytes) != 0 {
            readBuffer?.deallocate()
            readBuffer = nil
        }
    }

    deinit {
        if ownsFile { fclose(file) }
        readBuffer?.deallocate()
    }

    /// Opens the stream on `descriptor`, which it adopts (closed with it, or before this throws).
    /// - Throws: ``CaptureError`` `.readFailed` when the descriptor cannot become a `FILE` or its
    ///   first bytes cannot be read.
    static func open(adopting descriptor: Int32, name: String, probe: CaptureFileProbe) throws(CaptureError) -> CaptureStream {
        #if canImport(Glibc)
        let direct = probe.isRegularFile && probe.compression == .none
        #else
        // Without glibc's fopencookie streams are not peeked (read as libpcap reads them) and
        // compressed files are refused below, by makeFile().
        let direct = probe.compression == .none
        #endif
        if direct {
            guard let file = fdopen(descriptor, "rb") else {
                let code = errno
                close(descriptor)
                throw CaptureError(code: .readFailed, capture: name, reason: systemErrorMessage(code))
            }
            return CaptureStream(
                file: file, reader: nil, compression: .none, interfaces: probe.pcapngInterfaces, precision: nil,
                positionKnown: true)
        }
        let reader = try DecompressingReader.open(adopting: descriptor, name: name, probe: probe)
        // Read ahead the head: it tells a pcapng file libpcap refuses and, for compressed bytes, the
        // declared resolution. It is delivered again by the reader.
        let head = reader.peekHead(upTo: CaptureFileProbe.headLimit)
        let precision = reader.compression == .none ? nil : DeclaredTimestampResolution.precision(fileStart: head)
        guard let file = reader.makeFile() else {
            reader.closeDescriptor()
            let reason = reader.compression == .none
                ? "cannot make a stream of the capture"
                : "\(reader.compression.name)-compressed captures cannot be read on this platform"
            throw CaptureError(code: .readFailed, capture: name, reason: reason)
        }
        return CaptureStream(
            file: file, reader: reader, compression: reader.compression,
            interfaces: PcapngHeadInterfaces.interfaces(fileStart: head) ?? [], precision: precision,
            positionKnown: probe.isRegularFile)
    }

    /// Hands the `FILE` to libpcap, which closes it; the read buffer is still freed with this object.
    func handOver() { ownsFile = false }

    /// Why reading the bytes failed below stdio (damaged compressed data), when it has.
    var failure: String? { reader?.failure }

    /// Bytes of the file consumed so far (compressed bytes for a compressed capture), or `nil` when
    /// that is unknown (a pipe).
    var position: Int64? {
        if let reader { return positionKnown ? reader.position : nil }
        let position = ftell(file)
        return position < 0 ? nil : Int64(position)
    }
}
