// swift-tools-version:6.0
// libFuzzer targets of bitsnoop, one per layer. Kept out of the main package so that its plain
// `swift build` / `swift test` never meet fuzzer flags; build and run them with fuzz/run.sh.
// What each target does with an input is FuzzHarness in the main package (shared with the tests).
import PackageDescription

let package = Package(
    name: "bitsnoop-fuzz-targets",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "bitsnoop", path: "..")],
    targets: [
        // Declares libFuzzer's driver entry point.
        .target(name: "CFuzzerDriver"),
    ] + ["FuzzCapture", "FuzzReassembly", "FuzzHTTP", "FuzzBITS", "FuzzTLS"].map { name in
        .executableTarget(name: name, dependencies: ["CFuzzerDriver", .product(name: "FuzzHarness", package: "bitsnoop")])
    }
)
