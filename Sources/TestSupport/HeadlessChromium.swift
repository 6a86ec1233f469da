import Foundation

/// Debian's `chromium` run headless, for tests that load a generated HTML page: the DOM after the
/// page's scripts ran (`--dump-dom`), or a screenshot.
public enum HeadlessChromium {
    /// The browser binary, if one is installed (`.ci/setup` installs Debian's `chromium`).
    public static let executable: String? = {
        let names = ["chromium", "chromium-browser", "google-chrome"]
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
        for name in names {
            for folder in folders + ["/usr/bin"] {
                let path = folder + "/" + name
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }()

    /// Why browser tests are skipped, for the test's name.
    public static let skipReason = "chromium is not installed (.ci/setup installs Debian's chromium)"

    /// The serialized DOM of the page at `file` after its scripts ran.
    /// - Throws: when the browser cannot be started or fails.
    public static func dumpDOM(of file: URL) throws -> String {
        String(decoding: try run(["--dump-dom", file.absoluteString]), as: UTF8.self)
    }

    /// The opening tag of the root element in a dumped DOM (`<html …>`), where the report's
    /// script records `data-ready` and `data-script-errors`.
    public static func rootTag(of dom: String) -> String {
        guard let start = dom.range(of: "<html") else { return "" }
        guard let end = dom[start.upperBound...].firstIndex(of: ">") else { return String(dom[start.lowerBound...]) }
        return String(dom[start.lowerBound...end])
    }

    /// Saves a screenshot of the page at `url` (a file URL, with a fragment if wanted) to `output`,
    /// with a window `width` × `height` pixels.
    /// - Throws: when the browser cannot be started or fails.
    public static func screenshot(of url: String, to output: URL, width: Int, height: Int) throws {
        _ = try run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(output.path)", url])
    }

    /// Runs the browser headless with a throw-away profile and `arguments`; returns standard output.
    private static func run(_ arguments: [String]) throws -> Data {
        guard let executable else { throw ChromiumError(message: skipReason) }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("bitsnoop-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--user-data-dir=\(profile.path)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ChromiumError(message: "chromium exited with status \(process.terminationStatus)")
        }
        return data
    }
}

/// The browser could not be run.
public struct ChromiumError: Error, CustomStringConvertible {
    /// What went wrong.
    public let message: String
    public var description: String { message }
}
