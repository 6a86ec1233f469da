// libFuzzer's driver, called from each fuzz target's `main` (SwiftPM gives executables a Swift
// entry point, so libFuzzer's own `main` cannot be used). Defined by the libFuzzer runtime that
// `-sanitize=fuzzer` links; see https://llvm.org/docs/LibFuzzer.html#using-libfuzzer-as-a-library
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
