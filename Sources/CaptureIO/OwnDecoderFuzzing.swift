import AnalyzerCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Entry points for the fuzz harness (`FuzzHarness.CaptureFuzzing`): a file's bytes through
/// bitsnoop's own capture decoders whatever its first bytes say, so that the fuzzer reaches them
/// without first having to find their magic bytes. Not for analysis.
public enum OwnDecoderFuzzing {
    /// Reads the file at `path` with ``PcapngBlockReader`` as if libpcap had refused it, calling
    /// `visit` with every packet (its bytes valid during the call).
    /// - Returns: the packets read, or `nil` when the file does not open as pcapng.
    public static func readAsPcapng(path: String, visit: (CapturedPacket) -> Void) -> Int? {
        guard let descriptor = try? CaptureFileProbe.openReadOnly(path: path),
            let probe = try? CaptureFileProbe.examine(fileDescriptor: descriptor, name: path)
        else { return nil }
        guard let stream = try? CaptureStream.open(adopting: descriptor, name: path, probe: probe),
            let reader = try? PcapngBlockReader(stream: stream, name: path, headLinkTypes: stream.headLinkTypes)
        else { return nil }
        var count = 0
        while case .packet(let packet) = reader.next() {
            visit(packet)
            count += 1
        }
        return count
    }

    /// Decompresses the file at `path` as gzip (`zstd` false) or zstd, whatever its first bytes,
    /// stopping after `limit` bytes (a small input can expand enormously).
    /// - Returns: the decompressed byte count, and whether the stream failed (damage) rather than ended.
    public static func decompress(path: String, zstd: Bool, limit: Int) -> (bytes: Int, failed: Bool)? {
        guard let descriptor = try? CaptureFileProbe.openReadOnly(path: path),
            var probe = try? CaptureFileProbe.examine(fileDescriptor: descriptor, name: path)
        else { return nil }
        probe.isRegularFile = true
        probe.compression = zstd ? .zstd : .gzip
        guard let reader = try? DecompressingReader.open(adopting: descriptor, name: path, probe: probe) else { return nil }
        defer { reader.closeDescriptor() }
        let chunk = 16 << 10
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 8)
        defer { scratch.deallocate() }
        var total = 0
        while true {
            let count = reader.read(into: scratch, count: chunk)
            if count <= 0 { return (total, count < 0) }
            total += count
            if total >= limit { return (total, false) }
        }
    }
}
