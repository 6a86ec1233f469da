import CFuzzerDriver
import Foundation
import FuzzHarness

/// The tls fuzz target (`FuzzTarget.tls`) under libFuzzer: its `main` hands the command line to
/// libFuzzer's driver, which calls back with one input at a time.
@main
enum FuzzTLS {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzTarget.tls.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
            return 0
        })
    }
}
