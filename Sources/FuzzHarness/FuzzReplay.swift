import Foundation

/// The command line of `bitsnoop-fuzz`, the fuzz targets built without the fuzzer: it replays saved
/// inputs (crash files, regression inputs, a corpus) through a target, or writes a seed corpus.
///
///     bitsnoop-fuzz TARGET INPUT...                       run each file (every file of a directory)
///     bitsnoop-fuzz TARGET --seeds DIRECTORY CAPTURE...   write the target's seeds made from captures
public enum FuzzReplay {
    /// Runs the command line `arguments` (without the program name) and exits: 0 when every input
    /// ran (a broken invariant stops the process before), 2 for a file that cannot be read, 64 for
    /// a usage error.
    public static func main(arguments: [String]) -> Never {
        let usage = "usage: bitsnoop-fuzz capture|reassembly|http|bits|tls INPUT... | --seeds DIRECTORY CAPTURE..."
        guard let name = arguments.first, name != "--help", name != "-h" else {
            print(usage)
            exit(arguments.isEmpty ? 64 : 0)
        }
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("bitsnoop-fuzz: unknown target '\(name)'\n\(usage)\n".utf8))
            exit(64)
        }
        exit(run(target: target, arguments: Array(arguments.dropFirst())))
    }

    private static func run(target: FuzzTarget, arguments: [String]) -> Int32 {
        guard let first = arguments.first else {
            FileHandle.standardError.write(Data("bitsnoop-fuzz: no inputs\n".utf8))
            return 64
        }
        do {
            if first == "--seeds" {
                guard arguments.count >= 2 else { throw ReplayError("--seeds needs a directory") }
                try writeSeeds(target: target, directory: arguments[1], captures: Array(arguments.dropFirst(2)))
            } else {
                var count = 0
                for path in try inputFiles(arguments) {
                    target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
                    count += 1
                }
                print("bitsnoop-fuzz \(target.rawValue): ran \(count) input(s)")
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("bitsnoop-fuzz \(target.rawValue): \(error)\n".utf8))
            return 2
        }
    }

    /// The files named, with directories replaced by the files in them (sorted).
    public static func inputFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ReplayError("\(path): no such file")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }
                files += names.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        return files
    }

    private static func writeSeeds(target: FuzzTarget, directory: String, captures: [String]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for capture in captures {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: capture)))
            let name = (capture as NSString).lastPathComponent
            for (suffix, seed) in try SeedMaker.seeds(for: target, capture: capture, bytes: bytes) {
                let path = (directory as NSString).appendingPathComponent(name + suffix)
                try Data(seed).write(to: URL(fileURLWithPath: path))
            }
        }
    }

    private struct ReplayError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
