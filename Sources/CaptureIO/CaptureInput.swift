#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where one capture of an ``OfflineCapture`` comes from.
enum CaptureInput: Sendable {
    /// A file opened by path; a regular file can be closed after checking and opened again later.
    case path(String)
    /// Standard input (`-`), read through a duplicate of descriptor 0 so that closing the capture
    /// leaves the process's standard input alone.
    case standardInput
    /// A descriptor the capture adopts (closes when done), named `name` in messages; tests use pipes.
    case fileDescriptor(Int32, name: String)

    /// The name used in errors and interruptions: the path, `-`, or the given name.
    var name: String {
        switch self {
        case .path(let path): return path
        case .standardInput: return "-"
        case .fileDescriptor(_, let name): return name
        }
    }

    /// Opens (or hands over) a descriptor for this input and examines it.
    /// The returned descriptor belongs to the caller; on a throw nothing is left open.
    /// - Throws: ``CaptureError`` as ``CaptureFileProbe/openReadOnly(path:)`` and
    ///   ``CaptureFileProbe/examine(fileDescriptor:name:)`` do.
    func open() throws(CaptureError) -> (descriptor: Int32, probe: CaptureFileProbe) {
        let descriptor: Int32
        switch self {
        case .path(let path):
            descriptor = try CaptureFileProbe.openReadOnly(path: path)
        case .standardInput:
            descriptor = dup(STDIN_FILENO)
            guard descriptor >= 0 else {
                throw CaptureError(code: .readFailed, capture: name, reason: systemErrorMessage(errno))
            }
        case .fileDescriptor(let given, _):
            descriptor = given
        }
        do {
            return (descriptor, try CaptureFileProbe.examine(fileDescriptor: descriptor, name: name))
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Closes an adopted descriptor that will never be opened as a capture; does nothing otherwise.
    func discard() {
        if case .fileDescriptor(let descriptor, _) = self { close(descriptor) }
    }
}
