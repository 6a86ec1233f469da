import Foundation
import Testing

/// What people used to tcpdump, tshark and Zeek type: shell completion of file names, options in
/// their usual spellings, the default report path, one rule for output paths, the messages.
@Suite struct UserHabitsTests {
    /// A new empty temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-habits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        return url
    }

    /// A sample capture's absolute path.
    static func sample(_ name: String = "bits-three-connections.pcap") -> String {
        CLIRunner.repositoryRoot.appendingPathComponent("samples/\(name)").path
    }

    /// What bash's completion offers for `words` (the last one being completed), run in `folder`
    /// with the script `bitsnoop --generate-completion-script bash` writes, sorted.
    static func bashCompletions(_ words: [String], in folder: URL) throws -> [String] {
        let script = try CLIRunner.run(["--generate-completion-script", "bash"])
        try #require(script.status == 0)
        let scriptFile = folder.appendingPathComponent(".completion.bash")
        try script.standardOutput.write(to: scriptFile)
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let driver = """
            source '\(scriptFile.path)'
            COMP_WORDS=(\(quoted)); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
            _bitsnoop bitsnoop "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", driver]
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).sorted()
    }

    @Test("bash completes captures and output paths with file names, --extract with folders")
    func bashCompletion() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["bits-capture-a.pcap", "bits-capture-b.pcapng", "other.txt"] {
            #expect(FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: Data()))
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("bits-caps"), withIntermediateDirectories: false)
        let files = ["bits-capture-a.pcap", "bits-capture-b.pcapng", "bits-caps"].sorted()
        #expect(try Self.bashCompletions(["bitsnoop", "analyze", "bits-ca"], in: folder) == files)
        #expect(try Self.bashCompletions(["bitsnoop", "report", "-r", "bits-ca"], in: folder) == files)
        #expect(try Self.bashCompletions(["bitsnoop", "streams", "bits-ca"], in: folder) == files)
        for option in ["--json", "--html", "-o"] {
            #expect(try Self.bashCompletions(["bitsnoop", "analyze", option, "bits-ca"], in: folder) == files, "\(option)")
        }
        #expect(try Self.bashCompletions(["bitsnoop", "report", "-o", "oth"], in: folder) == ["other.txt"])
        #expect(try Self.bashCompletions(["bitsnoop", "live", "-w", "bits-ca"], in: folder) == files)
        #expect(try Self.bashCompletions(["bitsnoop", "live", "--json", "bits-ca"], in: folder) == files)
        #expect(try Self.bashCompletions(["bitsnoop", "analyze", "--extract", "bits-ca"], in: folder) == ["bits-caps"])
    }

    /// Runs `shell` with `arguments` in `folder`; its standard output, sorted lines.
    static func shellLines(_ shell: String, _ arguments: [String], in folder: URL) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            String($0.split(separator: "\t").first ?? "")
        }).sorted()
    }

    /// A folder with two captures, a text file and a folder, named for completion tests.
    static func completionFolder() throws -> URL {
        let folder = try temporaryFolder()
        for name in ["bits-capture-a.pcap", "bits-capture-b.pcapng", "other.txt"] {
            #expect(FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: Data()))
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("bits-caps"), withIntermediateDirectories: false)
        return folder
    }

    /// Drives an interactive zsh in a pseudo-terminal (zsh/zpty), types `$2` and a Tab, and prints
    /// every candidate the completion system offered (`compadd` wrapped to print them).
    static let zshDriver = #"""
        zmodload zsh/zpty || exit 1
        zpty z zsh -f -i
        zpty -w z "PROMPT='' ; fpath=('$1' \$fpath); autoload -U compinit; compinit -u -D"
        zpty -w z 'comppostfuncs=(_capture_done); _capture_done() { print -n "\x04" }'
        zpty -w z 'compadd() { local -a hits; builtin compadd -O hits "$@"; builtin compadd "$@"; local h; for h in $hits; do print -n "HIT:$h\n"; done; }'
        zpty -w z "echo READY"
        zpty -r z junk '*READY*READY'
        zpty -w z -n "$2"$'\t'
        zpty -r z out $'*\x04'
        print -r -- "$out" | grep -a 'HIT:' | sed 's/.*HIT://' | tr -d '\r'
        zpty -d z
        """#

    @Test("zsh completes captures and output paths with file names",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh"), "zsh is not installed (.ci/setup installs it)"))
    func zshCompletion() throws {
        let folder = try Self.completionFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = try CLIRunner.run(["--generate-completion-script", "zsh"])
        try script.standardOutput.write(to: folder.appendingPathComponent("_bitsnoop"))
        try Data(Self.zshDriver.utf8).write(to: folder.appendingPathComponent(".driver.zsh"))
        let files = ["bits-capture-a.pcap", "bits-capture-b.pcapng", "bits-caps"].sorted()
        for line in ["bitsnoop analyze bits-ca", "bitsnoop report -r bits-ca", "bitsnoop analyze --json bits-ca",
                     "bitsnoop analyze -o bits-ca", "bitsnoop live -w bits-ca"] {
            #expect(try Self.shellLines("/usr/bin/zsh", [".driver.zsh", folder.path, line], in: folder) == files, "\(line)")
        }
        #expect(try Self.shellLines("/usr/bin/zsh", [".driver.zsh", folder.path, "bitsnoop report -o oth"], in: folder)
                == ["other.txt"])
    }

    @Test("fish completes captures and output paths with file names, --extract with folders",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/fish"), "fish is not installed (.ci/setup installs it)"))
    func fishCompletion() throws {
        let folder = try Self.completionFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = try CLIRunner.run(["--generate-completion-script", "fish"])
        try script.standardOutput.write(to: folder.appendingPathComponent(".bitsnoop.fish"))
        func complete(_ line: String) throws -> [String] {
            try Self.shellLines("/usr/bin/fish", ["--no-config", "-c", "source .bitsnoop.fish; complete -C '\(line)'"], in: folder)
        }
        let files = ["bits-capture-a.pcap", "bits-capture-b.pcapng", "bits-caps/"].sorted()
        for line in ["bitsnoop analyze bits-ca", "bitsnoop analyze --json bits-ca", "bitsnoop analyze -o bits-ca",
                     "bitsnoop report --output bits-ca", "bitsnoop live -w bits-ca", "bitsnoop streams bits-ca"] {
            #expect(try complete(line) == files, "\(line)")
        }
        #expect(try complete("bitsnoop analyze --extract bits-ca") == ["bits-caps/"])
    }

    @Test("the zsh and fish scripts complete the same arguments with files and folders")
    func zshAndFishScripts() throws {
        let zsh = try CLIRunner.run(["--generate-completion-script", "zsh"]).text
        #expect(zsh.contains("'*:file:_files'"), "capture arguments")
        #expect(zsh.contains("{-r,--read}'[A capture file"), "-r")
        #expect(zsh.contains("--json[Write the timeline as JSON to this path ('\\''-'\\'' for standard output).]:path:_files"))
        #expect(zsh.contains("]:dir:_files -/'"), "--extract: folders")
        #expect(zsh.contains("{-w,--write}'[Also save the raw packets to this pcap file"), "-w")
        let fish = try CLIRunner.run(["--generate-completion-script", "fish"]).text
        #expect(fish.contains("__bitsnoop_should_offer_completions_for_positional \"bitsnoop analyze\" -ge 1' -F"))
        #expect(fish.contains("-l 'extract'") && fish.contains("(__bitsnoop_complete_directories)"))
        let fishWrite = fish.split(separator: "\n").first { $0.contains("-s 'w' -l 'write'") } ?? ""
        #expect(fishWrite.hasSuffix("-rF"), "\(fishWrite)")
    }

    @Test("report without -o writes <capture name>.html into the working directory and says so; --html is -o")
    func reportDefaultPath() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLIRunner.run(["report", Self.sample()], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError == "bitsnoop: report written to bits-three-connections.html\n")
        let page = try String(contentsOf: folder.appendingPathComponent("bits-three-connections.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("data-state="))

        let alias = try CLIRunner.run(["report", "--html", "alias.html", Self.sample()], in: folder)
        #expect(alias.status == 0 && alias.standardError.isEmpty, "\(alias.standardError)")
        let analyze = try CLIRunner.run(["analyze", "-o", "analyze.html", Self.sample()], in: folder)
        #expect(analyze.status == 0, "\(analyze.standardError)")
        #expect(analyze.text.contains("completed"), "the summary still goes to standard output")
        for name in ["alias.html", "analyze.html"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)")
        }
        #expect(try CLIRunner.run(["report", "-"], in: folder).status == 64, "standard input has no name")
        // A capture named like its page is not overwritten.
        let capture = folder.appendingPathComponent("trace.html")
        try FileManager.default.copyItem(atPath: Self.sample(), toPath: capture.path)
        let clash = try CLIRunner.run(["report", "trace.html"], in: folder)
        #expect(clash.status == 64 && clash.standardError.contains("name the page with -o"), "\(clash.standardError)")
        #expect(try Data(contentsOf: capture) == Data(contentsOf: URL(fileURLWithPath: Self.sample())))
    }

    @Test("live -r points to analyze; live -c takes tcpdump's count; usage errors are status 64")
    func liveHabits() throws {
        let read = try CLIRunner.run(["live", "-r", "trace.pcap"])
        #expect(read.status == 64)
        #expect(read.standardError.contains("to read a capture file use 'bitsnoop analyze trace.pcap'"), "\(read.standardError)")
        let count = try CLIRunner.run(["live", "-i", "lo", "-c", "0"])
        #expect(count.status == 64)
        #expect(count.standardError.contains("--count must be at least 1"), "-c is --count: \(count.standardError)")
    }

    @Test("the top-level help lists every exit status, 1 included")
    func exitStatusesInHelp() throws {
        let help = try CLIRunner.run(["--help"]).text.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ").joined(separator: " ")
        #expect(help.contains("Exit status: 0 success; 1 analyze --fail-on found a finding at or above that severity; 2"))
        #expect(help.contains("64 a usage error"))
    }

    @Test("one rule for outputs: the parent folder must exist; --extract creates its last folder only",
          arguments: [["analyze", "--json"], ["analyze", "--html"], ["analyze", "-o"], ["report", "-o"],
                      ["streams", "--json"], ["analyze", "--extract"]])
    func outputPathRule(option: [String]) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing/out").path
        let result = try CLIRunner.run(option + [missing, Self.sample()])
        #expect(result.status == 2)
        let reason = option.last == "--extract" ? "cannot create folder" : "cannot write"
        #expect(result.standardError.hasSuffix("bitsnoop: \(missing): \(reason): No such file or directory\n"),
                "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("missing").path), "nothing created")
        // Into an existing folder, every output is written (the extraction folder made).
        let present = folder.appendingPathComponent("out").path
        let written = try CLIRunner.run(option + [present, Self.sample()])
        #expect(written.status == 0, "\(written.standardError)")
        #expect(FileManager.default.fileExists(atPath: present))
    }

    @Test("messages: --extract into /proc says No such file or directory; an empty file is an empty file")
    func messages() throws {
        let proc = try CLIRunner.run(["analyze", "--extract", "/proc/bitsnoop-x", Self.sample()])
        #expect(proc.status == 2)
        #expect(proc.standardError == "bitsnoop: /proc/bitsnoop-x: cannot create folder: No such file or directory\n")
        let empty = try CLIRunner.temporaryFile([])
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let result = try CLIRunner.run(["analyze", empty])
        #expect(result.status == 2)
        #expect(result.standardError == "bitsnoop: \(empty): not a capture file (empty file)\n")
    }

    /// Whether swift-argument-parser's generate-manual tool is built (`swift build --product
    /// generate-manual`; `.ci/run` builds it).
    static let manualTool = CLIRunner.repositoryRoot.appendingPathComponent(".build/debug/generate-manual").path

    @Test("docs/make-manual.sh writes the page into a folder it creates, with EXAMPLES and every exit status",
          .enabled(if: FileManager.default.isExecutableFile(atPath: manualTool),
                   "generate-manual is not built (swift build --product generate-manual)"))
    func manualPage() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("fresh/man")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [CLIRunner.repositoryRoot.appendingPathComponent("docs/make-manual.sh").path, "--no-build", output.path]
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let page = try String(contentsOf: output.appendingPathComponent("bitsnoop.1"), encoding: .utf8)
        #expect(page.contains(".Sh EXAMPLES\n"))
        #expect(page.contains(".Dl bitsnoop report trace.pcap\n"))
        for status in ["0", "1", "2", "64"] { #expect(page.contains("\n.It \(status)\n"), "exit status \(status)") }
        #expect(!page.contains(".Ex -std"), "the tool's generic exit status replaced")
        #expect(page.contains(".Sh DESCRIPTION") && page.contains("Fl c , -count"), "the generated page kept")
    }
}
