import CZlib
import CZstd

/// Compresses bytes in process (zlib, libzstd), so that tests can make `.gz` and `.zst` captures of
/// what the generator wrote without external tools.
public enum TestCompression {
    /// One gzip member holding `bytes` (deflate with the gzip wrapper, windowBits 15 + 16).
    public static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        precondition(
            deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                          Int32(MemoryLayout<z_stream>.size)) == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var input = bytes
        let written = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END, "deflate did not finish")
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }

    /// One zstd frame holding `bytes`, with a content checksum as the `zstd` tool writes by default.
    public static func zstd(_ bytes: [UInt8], level: Int32 = 3) -> [UInt8] {
        guard let context = ZSTD_createCCtx() else { preconditionFailure("ZSTD_createCCtx failed") }
        defer { ZSTD_freeCCtx(context) }
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let written = output.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                ZSTD_compress2(context, target.baseAddress, target.count, source.baseAddress, source.count)
            }
        }
        precondition(ZSTD_isError(written) == 0, "ZSTD_compress2 failed")
        return Array(output.prefix(written))
    }
}
