/// A file of the work folder: a session's file being built, or the spool of one fragment.
enum WorkFileID: Hashable {
    /// The file of the tracker's session at this index.
    case session(Int)
    /// The spool of the fragment with this serial number.
    case spool(Int)

    /// Its name in the work folder.
    var name: String {
        switch self {
        case .session(let index): return "s\(index)"
        case .spool(let serial): return "f\(serial)"
        }
    }
}

/// Keeps at most a fixed number of work files open, closing the least recently used one to open
/// another, so that many sessions cannot exhaust file descriptors.
final class WorkFiles {
    private let folder: ExtractionFolder
    private let capacity: Int
    private var descriptors: [WorkFileID: (fd: CInt, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0

    /// Creates the cache for `folder`'s work files, keeping at most `capacity` (≥ 1) open.
    init(folder: ExtractionFolder, capacity: Int) {
        self.folder = folder
        self.capacity = max(1, capacity)
    }

    deinit { closeAll() }

    /// The descriptor of work file `id`, opened (and created) if needed. Throws if it cannot be.
    func descriptor(_ id: WorkFileID) throws -> CInt {
        clock &+= 1  // a use counter; wrapping after 2^64 uses is harmless
        if let open = descriptors[id] {
            descriptors[id] = (open.fd, clock)
            return open.fd
        }
        if descriptors.count >= capacity, let oldest = descriptors.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            closeDescriptor(oldest.value.fd)
            descriptors[oldest.key] = nil
        }
        let fd = try folder.openWorkFile(id.name)
        descriptors[id] = (fd, clock)
        return fd
    }

    /// Closes work file `id` if open and deletes it.
    func remove(_ id: WorkFileID) {
        if let open = descriptors.removeValue(forKey: id) { closeDescriptor(open.fd) }
        folder.removeWorkFile(id.name)
    }

    /// Closes work file `id` if open, keeping it.
    func close(_ id: WorkFileID) {
        if let open = descriptors.removeValue(forKey: id) { closeDescriptor(open.fd) }
    }

    /// Closes every open work file.
    func closeAll() {
        for open in descriptors.values { closeDescriptor(open.fd) }
        descriptors.removeAll()
    }
}
