// swift-tools-version:6.0
// bitsnoop: a passive analyzer for the Microsoft BITS upload protocol.
// Module layout and dependency direction: docs/architecture.md.
import PackageDescription

/// Settings every target shares: Swift 6 language mode plus the upcoming features that make
/// existentials explicit and imports honest.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "bitsnoop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bitsnoop", targets: ["bitsnoop"]),
        .executable(name: "bitsnoop-gen", targets: ["bitsnoop-gen"]),
        .executable(name: "bits-loopback", targets: ["bits-loopback"]),
        // Runs a command and reports its peak memory (for the CLI tests' memory bounds).
        .executable(name: "peak-rss", targets: ["peak-rss"]),
        // What each fuzz target does with one input; the libFuzzer executables live in the package
        // under fuzz/ (built with -sanitize=fuzzer,address by fuzz/run.sh) and depend on this.
        .library(name: "FuzzHarness", targets: ["FuzzHarness"]),
        // Replays saved fuzz inputs and writes seed corpora, without the fuzzer.
        .executable(name: "bitsnoop-fuzz", targets: ["bitsnoop-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // The only door to libpcap. Debian: libpcap-dev.
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"]), .brew(["libpcap"])]
        ),
        // zlib, for gzip-compressed captures (read by CaptureIO). Debian: zlib1g-dev.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // glibc's fopencookie(3), hidden from Swift's Glibc module: a FILE whose reads decompress.
        .systemLibrary(name: "CStdioCookie"),
        // libzstd, for zstd-compressed captures (read by CaptureIO). Debian: libzstd-dev.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        // Shared vocabulary: bytes, time, addresses, limits, findings. No dependencies.
        .target(name: "AnalyzerCore", swiftSettings: strictSettings),
        // Reading captures (files, stdin, later interfaces) through libpcap.
        .target(
            name: "CaptureIO", dependencies: ["AnalyzerCore", "CPcap", "CZlib", "CZstd", "CStdioCookie"], swiftSettings: strictSettings
        ),
        // Link, network and transport decoding, IP fragment reassembly. Pure.
        .target(name: "PacketDecoding", dependencies: ["AnalyzerCore"], swiftSettings: strictSettings),
        // TCP stream reassembly and the connection table. Pure.
        .target(name: "TCPReassembly", dependencies: ["AnalyzerCore"], swiftSettings: strictSettings),
        // Incremental HTTP/1.1 parsing of reassembled streams, request/response pairing. Pure.
        .target(name: "HTTP1Parser", dependencies: ["AnalyzerCore"], swiftSettings: strictSettings),
        // The BITS dissector, session tracking and findings, over parsed HTTP. Pure.
        .target(name: "BITSAnalyzer", dependencies: ["AnalyzerCore", "HTTP1Parser"], swiftSettings: strictSettings),
        // Recognises TLS by content and reads a ClientHello's server name. Pure.
        .target(name: "TLSRecords", dependencies: ["AnalyzerCore"], swiftSettings: strictSettings),
        // Decrypts TLS 1.2 and 1.3 records with secrets from an NSS key log. Pure: the pipeline
        // hands it each direction's reassembled bytes. Ciphers, HMAC and HKDF from swift-crypto.
        .target(
            name: "TLSDecryption",
            dependencies: [
                "AnalyzerCore", "TLSRecords", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // Wires a packet source through decoding and reassembly into stream consumers (and, with a
        // key log, TLS decryption in between).
        .target(
            name: "AnalysisPipeline",
            dependencies: [
                "AnalyzerCore", "PacketDecoding", "TCPReassembly", "HTTP1Parser", "BITSAnalyzer", "TLSRecords",
                "TLSDecryption",
            ],
            swiftSettings: strictSettings
        ),
        // Text and JSON renderings of analysis results.
        .target(
            name: "ReportOutput",
            dependencies: ["AnalyzerCore", "AnalysisPipeline", "TCPReassembly", "BITSAnalyzer"],
            swiftSettings: strictSettings
        ),
        // Rebuilds uploaded files from their fragments into a folder (`analyze --extract`): the only
        // module that writes files from the analysis. SHA-256 from swift-crypto.
        .target(
            name: "UploadExtraction",
            dependencies: ["AnalyzerCore", "BITSAnalyzer", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // Our own traffic generator: frames, TCP conversations with impairments, pcap/pcapng writers,
        // and TLS 1.3 wrapping (AES-GCM and HKDF from swift-crypto; its own key schedule, not
        // TLSDecryption's, so that tests of decryption do not check the decryptor against itself).
        .target(
            name: "TrafficSynthesis",
            dependencies: ["AnalyzerCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // Helpers shared by test targets only (recording stream consumers, headless Chromium,
        // gzip/zstd compression of generated captures, the seeded generator of randomized tests).
        .target(
            name: "TestSupport", dependencies: ["AnalyzerCore", "TCPReassembly", "TrafficSynthesis", "CZlib", "CZstd"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "bitsnoop",
            dependencies: [
                "AnalyzerCore", "CaptureIO", "AnalysisPipeline", "ReportOutput", "TCPReassembly", "BITSAnalyzer",
                "UploadExtraction", "TLSDecryption",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "bitsnoop-gen",
            dependencies: [
                "AnalyzerCore", "TrafficSynthesis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Our own BITS server and client over real sockets on loopback, for tests with real captures.
        .executableTarget(
            name: "bits-loopback",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        // What each fuzz target does with one input, with invariant checks; shared by the fuzz
        // executables (fuzz/Package.swift), bitsnoop-fuzz and the regression tests.
        .target(
            name: "FuzzHarness",
            dependencies: [
                "AnalyzerCore", "CaptureIO", "PacketDecoding", "TCPReassembly", "HTTP1Parser", "BITSAnalyzer",
                "AnalysisPipeline", "ReportOutput", "TLSDecryption",
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "bitsnoop-fuzz", dependencies: ["FuzzHarness"], swiftSettings: strictSettings),
        // Runs a command and writes its peak resident set size (see its main.swift for why a helper).
        .executableTarget(name: "peak-rss", swiftSettings: strictSettings),
        .testTarget(name: "AnalyzerCoreTests", dependencies: ["AnalyzerCore"], swiftSettings: strictSettings),
        .testTarget(
            name: "TLSRecordsTests", dependencies: ["TLSRecords", "AnalyzerCore", "TrafficSynthesis"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TLSDecryptionTests",
            dependencies: [
                "TLSDecryption", "AnalyzerCore", "TrafficSynthesis", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CaptureIOTests",
            dependencies: ["CaptureIO", "AnalyzerCore", "TrafficSynthesis", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PacketDecodingTests",
            dependencies: ["PacketDecoding", "AnalyzerCore", "TrafficSynthesis"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TCPReassemblyTests",
            dependencies: ["TCPReassembly", "AnalyzerCore", "TestSupport", "TrafficSynthesis"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "HTTP1ParserTests", dependencies: ["HTTP1Parser", "AnalyzerCore", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "BITSAnalyzerTests",
            dependencies: ["BITSAnalyzer", "HTTP1Parser", "AnalyzerCore", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AnalysisPipelineTests",
            dependencies: [
                "AnalysisPipeline", "CaptureIO", "AnalyzerCore", "TrafficSynthesis", "TCPReassembly", "TestSupport",
                "BITSAnalyzer", "TLSDecryption",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "UploadExtractionTests",
            dependencies: [
                "UploadExtraction", "BITSAnalyzer", "AnalysisPipeline", "CaptureIO", "AnalyzerCore", "TrafficSynthesis",
                "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ReportOutputTests",
            dependencies: ["ReportOutput", "AnalysisPipeline", "AnalyzerCore", "TCPReassembly", "BITSAnalyzer", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TrafficSynthesisTests",
            dependencies: ["TrafficSynthesis", "AnalyzerCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FuzzRegressionTests",
            dependencies: ["FuzzHarness", "AnalyzerCore", "TrafficSynthesis"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "LoopbackTests", dependencies: [], swiftSettings: strictSettings),
        .testTarget(
            name: "CLITests",
            dependencies: ["TrafficSynthesis", "AnalyzerCore", "TestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
