/// The inputs a parser test derives from a well-formed example: every prefix of it (cut at every
/// index), and every copy with one byte changed to each of the 256 values at each position.
public enum ByteVariants {
    /// Calls `body` with every prefix of `bytes` (empty to whole), then with every single-byte change.
    public static func forEach(of bytes: [UInt8], _ body: ([UInt8]) -> Void) {
        for length in 0...bytes.count { body(Array(bytes.prefix(length))) }
        for position in bytes.indices {
            for byte in UInt8.min...UInt8.max {
                var changed = bytes
                changed[position] = byte
                body(changed)
            }
        }
    }
}
