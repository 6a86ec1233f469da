import ArgumentParser
import CaptureIO
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
            + "secrets in a pcapng capture's Decryption Secrets Blocks are used too; live follows the file as "
            + "the client appends to it.",
        valueName: "file"), completion: .file())
    var keyLogPath: String?

    /// The key log read from `--tls-keylog` and from the Decryption Secrets Blocks of the pcapng
    /// `captures`; `nil` when there is neither (TLS is then only counted, as without decryption).
    /// - Throws: ``ExitStatus/inputError`` after printing one line, when the file cannot be read.
    func loadKeyLog(captures: [String] = []) throws -> TLSKeyLog? {
        var log: TLSKeyLog?
        if let path = keyLogPath {
            guard let bytes = Self.read(path) else { throw ExitStatus.inputError }
            log = TLSKeyLog()
            bytes.withUnsafeBytes { log?.add(bytes: $0) }
        }
        for capture in captures {
            let found = PcapngDecryptionSecrets.read(path: capture)
            if found.bytesOverLimit > 0 {
                printError("warning: \(capture): \(found.bytesOverLimit) bytes of TLS secrets past the limit of "
                           + "\(PcapngDecryptionSecrets.maxSecretsBytes >> 20) MiB were not read")
            }
            guard found.blocks > 0 else { continue }
            if log == nil { log = TLSKeyLog() }
            found.keyLogText.withUnsafeBytes { log?.add(bytes: $0) }
        }
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
