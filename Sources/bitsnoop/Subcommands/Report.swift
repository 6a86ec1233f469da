import ArgumentParser
import Foundation

/// `bitsnoop report`: the HTML timeline report of a capture.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained HTML report of every BITS session: timeline, byte maps, findings.",
        discussion: """
            The page (docs/report.md) needs no network: CSS, SVG and a little script are inline. It shows the \
            captures, every session on a shared time axis with its requests per connection and its findings, \
            a byte map per session, and the findings table. Without -o the page is written to the working \
            directory as the first capture's name with .html for its extension (bits.pcap gives bits.html), \
            and standard error says so. Exit status: 0; 2 when an input cannot be read or the report cannot \
            be written; 64 a usage error.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: [.customShort("o"), .long, .customLong("html")], help: ArgumentHelp(
        "Where to write the page ('-' for standard output; default: <capture name>.html in the working "
            + "directory); --html as in `analyze`.", valueName: "path"), completion: .file())
    var output: String?

    @Flag(name: [.customShort("q"), .long], help: "Show no progress line on standard error.")
    var quiet = false

    @OptionGroup var tls: TLSOptions

    func validate() throws {
        guard output == nil, let first = input.captures.first else { return }
        if first == "-" { throw ValidationError("Name the page with -o when the capture is read from standard input.") }
        // `report trace.html` would otherwise write its page over the capture it reads.
        let page = URL(fileURLWithPath: Self.defaultPath(for: first)).standardizedFileURL.resolvingSymlinksInPath()
        if input.captures.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath() == page }) {
            throw ValidationError("The default page \(page.lastPathComponent) is a capture read; name the page with -o.")
        }
    }

    func run() throws {
        let keyLog = try tls.loadKeyLog(captures: input.captures)
        let capture = try input.openCapture()
        let path = output ?? Self.defaultPath(for: input.captures.first ?? "capture")
        let page = try BITSAnalysisRun.open(path)
        let run = try BITSAnalysisRun(capture: capture, captures: input.captures,
                                      meter: OutputStyleOptions.progressMeter(quiet: quiet), keyLog: keyLog)
        run.writeHTML(to: page)
        if output == nil { printError("report written to \(path)") }
    }

    /// `<capture name>.html` in the working directory: the capture's file name without its folder
    /// and its last extension (`/tmp/bits.pcapng` gives `bits.html`, `bits` gives `bits.html`).
    static func defaultPath(for capture: String) -> String {
        let name = capture.split(separator: "/").last.map(String.init) ?? capture
        var stem = name
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { stem = String(name[..<dot]) }
        // A name of dots alone (`..`) would leave nothing useful.
        if stem.allSatisfy({ $0 == "." }) { stem = "capture" }
        return stem + ".html"
    }
}
