import ArgumentParser

/// `bitsnoop report`: the HTML timeline report of a capture.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a self-contained HTML report of every BITS session: timeline, byte maps, findings.",
        discussion: """
            The page (docs/report.md) needs no network: CSS, SVG and a little script are inline. It shows the \
            captures, every session on a shared time axis with its requests per connection and its findings, \
            a byte map per session, and the findings table. Exit status: 0; 2 when an input cannot be read \
            or the report cannot be written.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp(
        "Where to write the page ('-' for standard output).", valueName: "path"))
    var output: String

    @Flag(name: [.customShort("q"), .long], help: "Show no progress line on standard error.")
    var quiet = false

    func run() throws {
        let capture = try input.openCapture()
        let page = try BITSAnalysisRun.open(output)
        let run = try BITSAnalysisRun(capture: capture, captures: input.captures,
                                      meter: OutputStyleOptions.progressMeter(quiet: quiet))
        run.writeHTML(to: page)
    }
}
