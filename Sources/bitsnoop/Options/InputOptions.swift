import AnalyzerCore
import ArgumentParser
import CaptureIO

/// Where packets come from, shared by every subcommand that reads captures.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "Capture files (pcap or pcapng, also gzip or zstd), read in order as one capture; '-' reads standard input.",
        valueName: "file"), completion: .file())
    var files: [String] = []

    @Option(name: [.customShort("r"), .customLong("read")], help: ArgumentHelp(
        "A capture file to read, as tcpdump's -r (repeatable; adds to the files given as arguments).",
        valueName: "file"), completion: .file())
    var readFiles: [String] = []

    @Option(name: [.customShort("f"), .customLong("filter")], help: ArgumentHelp(
        "A BPF filter expression (tcpdump syntax) restricting the packets analysed.", valueName: "bpf"))
    var filter: String?

    /// Every capture named, `-r` files first, then the positional ones.
    var captures: [String] { readFiles + files }

    func validate() throws {
        if captures.isEmpty { throw ValidationError("Name at least one capture file (or '-' for standard input).") }
        if captures.filter({ $0 == "-" }).count > 1 { throw ValidationError("Standard input ('-') can be read only once.") }
    }

    /// Opens the captures and applies the filter.
    /// - Throws: ``ExitStatus/inputError`` after printing one line on standard error.
    func openCapture() throws -> OfflineCapture {
        do {
            let capture = try OfflineCapture(paths: captures)
            if let filter { try capture.setFilter(filter) }
            return capture
        } catch {
            printError(error.description)
            throw ExitStatus.inputError
        }
    }
}
