import ArgumentParser
import Foundation
import TLSDecryption

/// `--tls-keylog`: decrypting TLS with an NSS key log, shared by `analyze`, `report`, `streams` and
/// `live` (docs/tls.md).
struct TLSOptions: ParsableArguments {
    /// The largest key log file read (1 GiB): far above a day of handshakes (a TLS 1.3 connection
    /// logs about 700 bytes), while a wrong path to a huge file fails at once instead of filling memory.
    static let maxKeyLogFileBytes = 1 << 30

    @Option(name: .customLong("tls-keylog"), help: ArgumentHelp(
        "Decrypt TLS with this NSS key log (what SSLKEYLOGFILE makes curl, browsers and Python write); "
            + "secrets in a pcapng capture's Decryption Secrets Blocks are used too.",
        valueName: "file"), completion: .file())
    var keyLogPath: String?

    /// The key log read from `--tls-keylog` (`nil` without the option).
    /// - Throws: ``ExitStatus/inputError`` after printing one line, when the file cannot be read.
    func loadKeyLog() throws -> TLSKeyLog? {
        guard let path = keyLogPath else { return nil }
        guard let bytes = Self.read(path) else { throw ExitStatus.inputError }
        var log = TLSKeyLog()
        bytes.withUnsafeBytes { log.add(bytes: $0) }
        return log
    }

    /// The whole file at `path`, or `nil` after printing one line when it cannot be read or is
    /// larger than ``maxKeyLogFileBytes``.
    private static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else {
            printError("\(path): cannot read the TLS key log: \(String(cString: strerror(errno)))")
            return nil
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { bytes.append(contentsOf: chunk[..<count]) }
            if bytes.count > maxKeyLogFileBytes {
                printError("\(path): the TLS key log is larger than \(maxKeyLogFileBytes >> 20) MiB")
                return nil
            }
            if count < chunk.count { break }
        }
        if ferror(file) != 0 {
            // A folder opens but does not read (EISDIR).
            printError("\(path): cannot read the TLS key log: \(String(cString: strerror(errno)))")
            return nil
        }
        return bytes
    }
}
