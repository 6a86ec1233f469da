import FuzzHarness

// The fuzz targets without the fuzzer: replay saved inputs, write seed corpora (FuzzReplay).
FuzzReplay.main(arguments: Array(CommandLine.arguments.dropFirst()))
