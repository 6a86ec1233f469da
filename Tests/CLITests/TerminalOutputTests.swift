import Foundation
import Testing

/// Progress on standard error only on a terminal; colours only on a terminal, unless told; the
/// summary's layout within COLUMNS.
@Suite(.serialized) struct TerminalOutputTests {
    /// A capture long enough (over 1,024 packets) for the progress line to be drawn at least once.
    static let largeCapture: String? = try? ManySessionsCapture.file(scenarios: 80)

    /// An SGR colour sequence (the progress line's erase-line sequence, ESC [ K, is not one).
    static let colour = "\u{1B}[0m"

    @Test("a progress line on a terminal: redrawn with CR, bytes of total, rate, sessions; cleared at the end",
          .enabled(if: TerminalRunner.scriptPath != nil, "util-linux script is not installed"))
    func progressOnTerminal() throws {
        let capture = try #require(Self.largeCapture)
        let result = try TerminalRunner.run(["analyze", "--color", "never", capture], terminal: true)
        #expect(result.status == 0, "\(result.output)")
        let progress = try #require(result.output.range(of: "\rread "), "no progress line in \(result.output.prefix(300))")
        let line = result.output[progress.upperBound...].prefix { $0 != "\u{1B}" && $0 != "\r" }
        #expect(line.contains(" of ") && line.contains("%)") && line.contains("/s") && line.contains("sessions"), "\(line)")
        // Cleared before the summary: carriage return and erase to the end of the line.
        let clear = try #require(result.output.range(of: "\r\u{1B}[K", options: .backwards))
        #expect(result.output[clear.upperBound...].hasPrefix("session "), "summary right after the clear")
    }

    @Test("no progress line with --quiet, or when standard error is not a terminal")
    func noProgress() throws {
        let capture = try #require(Self.largeCapture)
        let piped = try TerminalRunner.run(["analyze", capture], terminal: false)
        #expect(piped.status == 0)
        #expect(piped.error.isEmpty, "\(piped.error)")
        if TerminalRunner.scriptPath != nil {
            let quiet = try TerminalRunner.run(["analyze", "--quiet", capture], terminal: true)
            #expect(quiet.status == 0)
            // The progress line starts "\rread " (advice text in the summary may say "read ").
            #expect(!quiet.output.contains("\rread "), "\(quiet.output.prefix(200))")
            #expect(!quiet.output.contains("\u{1B}[K"))
        }
    }

    @Test("colours: on a terminal by default; never with NO_COLOR or --color never; always with --color always",
          .enabled(if: TerminalRunner.scriptPath != nil, "util-linux script is not installed"))
    func colours() throws {
        let sample = "samples/bits-close-halfway.pcap"
        let terminal = try TerminalRunner.run(["analyze", sample], environment: ["NO_COLOR": nil], terminal: true)
        #expect(terminal.output.contains("  \u{1B}[1;31merror\u{1B}[0m    \u{1B}[1;31mpartial-file-close"), "\(terminal.output)")
        let noColor = try TerminalRunner.run(["analyze", sample], environment: ["NO_COLOR": "1"], terminal: true)
        #expect(!noColor.output.contains(Self.colour))
        #expect(noColor.output.contains("  error    partial-file-close"))
        let emptyNoColor = try TerminalRunner.run(["analyze", sample], environment: ["NO_COLOR": ""], terminal: true)
        #expect(emptyNoColor.output.contains(Self.colour), "an empty NO_COLOR does not count (no-color.org)")
        let never = try TerminalRunner.run(["analyze", "--color", "never", sample], environment: ["NO_COLOR": nil],
                                           terminal: true)
        #expect(!never.output.contains(Self.colour))
        let piped = try TerminalRunner.run(["analyze", sample], environment: ["NO_COLOR": nil], terminal: false)
        #expect(!piped.output.contains("\u{1B}"))
        let always = try TerminalRunner.run(["analyze", "--color", "always", sample], environment: ["NO_COLOR": "1"],
                                            terminal: false)
        #expect(always.output.contains("  \u{1B}[1;31merror\u{1B}[0m    \u{1B}[1;31mpartial-file-close"),
                "--color always wins over NO_COLOR")
        let bad = try TerminalRunner.run(["analyze", "--color", "sometimes", sample], terminal: false)
        #expect(bad.status == 64)
    }

    @Test("the summary fits COLUMNS: no line wider, columns aligned, messages wrapped", arguments: [80, 100, 132])
    func layoutWithinColumns(columns: Int) throws {
        let result = try TerminalRunner.run(["analyze", "samples/bits-three-connections.pcap", "samples/bits-overlap.pcapng",
                                             "samples/bits-close-halfway.pcap"],
                                            environment: ["COLUMNS": String(columns)], terminal: false)
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= columns }, "\(lines.filter { $0.count > columns })")
        // The table: a header and three rows whose state column starts at the same place.
        let state = try #require(lines[0].range(of: "state")).lowerBound.utf16Offset(in: lines[0])
        for row in lines[1...3] {
            #expect(["completed", "closed-partial"].contains { row.dropFirst(state).hasPrefix($0) }, "\(row)")
        }
        #expect(lines[4...5].contains("3 sessions: 2 completed, 1 closed-partial"), "\(lines[4...5])")
        // The URL column stays (only the session ID is shortened at these widths), the state and progress too.
        #expect(lines[0].contains("url") && lines[0].contains("progress") && lines[0].hasSuffix("findings"))
        #expect(lines[1...3].allSatisfy { $0.contains("/upload/") }, "\(lines[1...3])")
        #expect(lines[1...3].allSatisfy { $0.hasPrefix("{") && $0.contains("…") }, "\(lines[1...3])")
    }

    @Test("the streams table fits COLUMNS: endpoints shortened with their ports kept, then columns left out")
    func streamsWithinColumns() throws {
        let wide = try TerminalRunner.run(["streams", "samples/streams-clean.pcap"], terminal: false)
        #expect(wide.output.contains("start") && wide.output.contains("[2001:db8::"))
        let result = try TerminalRunner.run(["streams", "samples/streams-clean.pcap"], environment: ["COLUMNS": "80"],
                                            terminal: false)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines.filter { $0.count > 80 })")
        #expect(!lines[0].contains("start"))
        #expect(lines[3].contains("…") && lines[3].contains("]:49155"), "\(lines[3])")
    }

    @Test("without COLUMNS or a terminal nothing is cut: full session IDs and URLs")
    func unlimitedWhenPiped() throws {
        let result = try TerminalRunner.run(["analyze", "samples/bits-close-halfway.pcap"], terminal: false)
        #expect(result.output.contains("{F90D2F10-7B33-48A0-93A1-542B5E8DA34D}  /upload/report.pdf  bits.example  192.0.2.10"))
    }
}

/// Shell completions and the tool description the manual page is generated from.
@Suite struct CompletionTests {
    @Test("completion scripts for bash, zsh and fish name every subcommand", arguments: ["bash", "zsh", "fish"])
    func completionScript(shell: String) throws {
        let result = try CLIRunner.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        for word in ["analyze", "report", "live", "streams", "color", "html", "quiet"] {
            #expect(result.text.contains(word), "\(shell): \(word)")
        }
    }

    @Test("--experimental-dump-help (read by generate-manual) describes report and its options")
    func toolInfo() throws {
        let result = try CLIRunner.run(["--experimental-dump-help"])
        #expect(result.status == 0)
        let info = try CLIRunner.json(result.standardOutput)
        let command = try #require(info["command"] as? [String: Any])
        let subcommands = try #require(command["subcommands"] as? [[String: Any]])
        let report = try #require(subcommands.first { $0["commandName"] as? String == "report" })
        let names = (report["arguments"] as? [[String: Any]] ?? []).compactMap {
            ($0["preferredName"] as? [String: Any])?["name"] as? String
        }
        #expect(names.contains("output") && names.contains("quiet"), "\(names)")
    }
}
