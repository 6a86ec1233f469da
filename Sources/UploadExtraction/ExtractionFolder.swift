import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output folder and the private work folder inside it where files are built.
///
/// Safety rules (docs/extraction.md): the folder itself may be reached through a symbolic link the
/// user chose, but nothing inside it is ever followed. Every file is made inside a fresh work folder
/// (`.bitsnoop-extract-PID-N`, mode 0700, created with `mkdirat` so an existing entry of that name
/// is never reused) and only put in place at the end with `linkat`, which fails rather than replace
/// any existing entry, symbolic links included. When the file system has no hard links, the bytes
/// are copied into a file created with `O_CREAT | O_EXCL | O_NOFOLLOW`, which also never opens an
/// existing entry. Names come from ``SafeFileName``: one path component, never `.` or `..`.
final class ExtractionFolder {
    /// The folder as given.
    let path: String
    /// Descriptor of the folder.
    private let directory: CInt
    /// Descriptor of the work folder.
    private let work: CInt
    /// The work folder's name inside the folder.
    let workName: String
    private var closed = false

    /// Opens `path`, creating it (mode 0700) if needed, and makes a work folder inside it. Throws
    /// when the folder cannot be made, opened or written into. Like every output of the CLI, the
    /// folder's parent must exist: only the last component is created (docs/cli.md, output paths).
    init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                throw ExtractionError.system("\(path): cannot create folder", errno)
            }
        }
        let directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw ExtractionError.system("\(path): cannot open folder", errno) }
        var made: String?
        for attempt in 0..<1_000 {
            let name = ".bitsnoop-extract-\(getpid())-\(attempt)"
            if mkdirat(directory, name, 0o700) == 0 {
                made = name
                break
            }
            if errno != EEXIST {
                let code = errno
                closeDescriptor(directory)
                throw ExtractionError.system("cannot create a work folder in \(path)", code)
            }
        }
        guard let made else {
            closeDescriptor(directory)
            throw ExtractionError("cannot create a work folder in \(path): every name is taken")
        }
        let work = openat(directory, made, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard work >= 0 else {
            let code = errno
            closeDescriptor(directory)
            throw ExtractionError.system("cannot open the work folder \(path)/\(made)", code)
        }
        self.directory = directory
        self.work = work
        self.workName = made
    }

    deinit { close() }

    /// Opens work file `name` for reading and writing, creating it (mode 0600) if needed; the work
    /// folder is this run's own, so only files this run made are found there. Throws if it cannot.
    func openWorkFile(_ name: String) throws -> CInt {
        let fd = openat(work, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ExtractionError.system("cannot open \(path)/\(workName)/\(name)", errno) }
        return fd
    }

    /// Deletes work file `name` (nothing happens if it is gone).
    func removeWorkFile(_ name: String) {
        _ = unlinkat(work, name, 0)
    }

    /// Puts work file `name` (open as `fd`) into the folder under the first of `candidate(0)`,
    /// `candidate(1)`, … that names no existing entry, trying at most `attempts` names. Returns the
    /// name used. Throws when every name is taken or the file cannot be placed.
    func place(workFile name: String, fd: CInt, attempts: Int, candidate: (Int) -> String) throws -> String {
        for attempt in 0..<max(1, attempts) {
            let target = candidate(attempt)
            guard SafeFileName.isSingleComponent(target) else {
                throw ExtractionError("refusing to write \(path)/\(target): not a plain file name")
            }
            if linkat(work, name, directory, target, 0) == 0 {
                removeWorkFile(name)
                return target
            }
            switch errno {
            case EEXIST:
                continue
            case EPERM, EXDEV, EMLINK, ENOSYS, EOPNOTSUPP:
                // No hard links here: copy into a file that O_EXCL guarantees is new.
                if try copy(fd, to: target) {
                    removeWorkFile(name)
                    return target
                }
            default:
                throw ExtractionError.system("cannot write \(path)/\(target)", errno)
            }
        }
        throw ExtractionError("cannot write into \(path): \(attempts) names tried, all taken")
    }

    /// Copies the whole of `fd` into a new file `target`; returns `false` if `target` exists.
    private func copy(_ fd: CInt, to target: String) throws -> Bool {
        let output = openat(directory, target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if output < 0 {
            if errno == EEXIST { return false }
            throw ExtractionError.system("cannot create \(path)/\(target)", errno)
        }
        defer { closeDescriptor(output) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var offset: UInt64 = 0
        while true {
            let count = try PositionedIO.read(fd, into: buffer, at: offset, what: "cannot read back \(target)")
            if count == 0 { break }
            try PositionedIO.write(output, UnsafeRawBufferPointer(rebasing: buffer[..<count]), at: offset,
                                   what: "cannot write \(path)/\(target)")
            offset += UInt64(count)
        }
        return true
    }

    /// Removes the work folder (and anything left in it) and closes the descriptors. Calling it
    /// again does nothing.
    func close() {
        guard !closed else { return }
        closed = true
        // Only files this run made are in the work folder; remove whatever is left.
        let listing = fdopendir(dup(work))
        if let listing {
            var names: [String] = []
            while let entry = readdir(listing) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(listing)
            for name in names { removeWorkFile(name) }
        }
        closeDescriptor(work)
        _ = unlinkat(directory, workName, AT_REMOVEDIR)
        closeDescriptor(directory)
    }
}

/// `close(2)`, named apart from ``ExtractionFolder/close()``.
@inline(__always)
func closeDescriptor(_ fd: CInt) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #else
    _ = Darwin.close(fd)
    #endif
}
