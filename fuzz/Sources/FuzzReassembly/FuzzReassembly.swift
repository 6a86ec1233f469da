import CFuzzerDriver
import Foundation
import FuzzHarness

/// The reassembly fuzz target (`FuzzTarget.reassembly`) under libFuzzer: its `main` hands the command line to
/// libFuzzer's driver, which calls back with one input at a time.
@main
enum FuzzReassembly {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzTarget.reassembly.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
            return 0
        })
    }
}
