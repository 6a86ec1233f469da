/// Fixed-size write buffers shared by the fragments being received, up to a memory budget, so that
/// files are written in large blocks while memory stays bounded however many uploads run at once.
final class WriteBufferPool {
    /// Bytes of each buffer.
    let bufferBytes: Int
    private let maxBuffers: Int
    private var free: [UnsafeMutableRawBufferPointer] = []
    private var all: [UnsafeMutableRawBufferPointer] = []

    /// Creates a pool of buffers of `bufferBytes` (at least 4 KiB) using at most `budget` bytes.
    init(bufferBytes: Int, budget: Int) {
        self.bufferBytes = max(4_096, bufferBytes)
        self.maxBuffers = max(0, budget / self.bufferBytes)
    }

    deinit {
        for buffer in all { buffer.deallocate() }
    }

    /// A buffer, or `nil` when the budget is all in use.
    func take() -> UnsafeMutableRawBufferPointer? {
        if let buffer = free.popLast() { return buffer }
        guard all.count < maxBuffers else { return nil }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferBytes, alignment: 16)
        all.append(buffer)
        return buffer
    }

    /// Returns a buffer taken from this pool.
    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        free.append(buffer)
    }
}
