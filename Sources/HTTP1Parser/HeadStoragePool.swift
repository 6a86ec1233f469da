/// Head storage of ended directions, kept for the first heads of later connections: each
/// direction's first head would otherwise allocate its buffers (a head's bytes and its field
/// places), and the direction's end free them again (on the busy-server workload, one connection per
/// session, some 1,100 instructions a connection). At most ``maxKept`` buffers of each kind are
/// kept, each no larger than a direction keeps between heads (4 KiB of bytes, 128 field places of
/// 32 bytes): at most 512 KiB in all (docs/limits.md). Kept buffers for bytes are empty and not
/// shared; those for field places are kept as they are (see ``give(spans:)``).
///
/// Owned by the analysing side and shared by the parsers it makes (``HTTPConnectionParser``'s
/// `storagePool`); used on one thread only, like those parsers.
public final class HeadStoragePool {
    /// The most buffers kept of each kind.
    public static let maxKept = 64
    // Touched only by the methods below, which call out to nothing that could reach back here:
    // `@exclusivity(unchecked)` drops a runtime check on every take and give.
    @exclusivity(unchecked) private var bytes: [[UInt8]] = []
    @exclusivity(unchecked) private var spans: [[HTTPHeaders.Span]] = []

    /// An empty pool.
    public init() {
        bytes.reserveCapacity(Self.maxKept)
        spans.reserveCapacity(Self.maxKept)
    }

    /// Buffers kept right now, of both kinds.
    public var count: Int { bytes.count + spans.count }

    /// A kept buffer for a head's bytes, if any.
    func takeBytes() -> [UInt8]? { bytes.popLast() }

    /// A kept buffer for a head's field places, if any.
    func takeSpans() -> [HTTPHeaders.Span]? { spans.popLast() }

    /// Keeps `buffer` (its elements removed, in place unless something else still holds it) if
    /// there is room and it has any.
    func give(bytes buffer: inout [UInt8]) {
        guard bytes.count < Self.maxKept, buffer.capacity > 0 else { return }
        buffer.removeAll(keepingCapacity: true)
        bytes.append(buffer)
    }

    /// Keeps `buffer` if there is room and it has any, its places as they are: a head's fields
    /// fill their storage to capacity ahead and write over it (``HeadFields``), so a filled buffer
    /// saves that filling; one still shared is copied when first written.
    func give(spans buffer: inout [HTTPHeaders.Span]) {
        guard spans.count < Self.maxKept, buffer.capacity > 0 else { return }
        spans.append(buffer)
    }
}
