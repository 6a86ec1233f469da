import CaptureIO
import Foundation
import TLSDecryption

extension TLSOptions {
    /// `live`: the key log of `--tls-keylog`, followed while capturing (secrets a client appends
    /// later are used; docs/tls.md), or `nil` without the option. A file that does not exist yet is
    /// waited for (one note on standard error): curl and browsers create it at their first
    /// handshake. At most ``maxKeyLogFileBytes`` of it are read.
    /// - Throws: ``ExitStatus/inputError`` after printing one line, when the file exists but
    ///   cannot be read, or is a folder, or is already over the limit.
    func followKeyLog(limits: TLSDecryptionLimits = TLSDecryptionLimits()) throws -> TLSKeyStore? {
        guard let path = keyLogPath else { return nil }
        if let problem = Self.unusable(path) {
            printError("\(path): cannot read the TLS key log: \(problem)")
            throw ExitStatus.inputError
        }
        let follower = AppendedLinesFollower(path: path, maxBytes: Int64(Self.maxKeyLogFileBytes))
        var warned = false
        let keys = TLSKeyStore(keyLog: TLSKeyLog(), limits: limits) { log, urgent in
            follower.poll(force: urgent) { log.add(bytes: $0) }
            if follower.reachedLimit, !warned {
                warned = true
                printError("warning: \(path): the TLS key log grew past \(Self.maxKeyLogFileBytes >> 20) MiB; "
                           + "later secrets are not read")
            }
        }
        keys.refresh(urgent: true)
        if !follower.opened {
            printError("note: \(path) does not exist yet; its secrets are used once it is created")
        }
        return keys
    }

    /// Why the key log at `path` cannot be followed, or `nil` when it can (or does not exist yet).
    private static func unusable(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return errno == ENOENT ? nil : String(cString: strerror(errno))
        }
        if status.st_mode & S_IFMT == S_IFDIR { return String(cString: strerror(EISDIR)) }
        if Int64(status.st_size) > Int64(maxKeyLogFileBytes) { return "larger than \(maxKeyLogFileBytes >> 20) MiB" }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        close(descriptor)
        return nil
    }
}
