// peak-rss REPORT COMMAND [ARGUMENT...]
//
// Runs COMMAND (standard streams inherited), waits for it, writes its peak resident set size in
// bytes to the file REPORT, and exits with its status (128 + the signal if a signal ended it).
//
// Why a process of its own: on Linux a child's ru_maxrss includes the high-water mark of the address
// space it had before exec, and posix_spawn's child starts in its parent's. Spawned from a test
// process of hundreds of MiB, bitsnoop would be charged for them; spawned from this small helper,
// only for this helper's few MiB.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes per unit of `ru_maxrss`: Linux reports KiB, macOS bytes.
#if os(Linux)
let residentUnit = 1_024
#else
let residentUnit = 1
#endif

/// Writes a one-line message to standard error and exits with status 64.
func fail(_ message: String) -> Never {
    let line = "peak-rss: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(64)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: peak-rss REPORT COMMAND [ARGUMENT...]") }
let report = arguments[1]
let command = Array(arguments.dropFirst(2))
let argv = command.map { strdup($0) } + [nil]
var pid = pid_t()
let spawned = posix_spawnp(&pid, command[0], nil, nil, argv, environ)
guard spawned == 0 else { fail("cannot run \(command[0]): \(String(cString: strerror(spawned)))") }
var status: Int32 = 0
var usage = rusage()
while wait4(pid, &status, 0, &usage) < 0 {
    guard errno == EINTR else { fail("wait4: \(String(cString: strerror(errno)))") }
}
guard let file = fopen(report, "w") else { fail("cannot write \(report)") }
fputs("\(Int(usage.ru_maxrss) * residentUnit)\n", file)
fclose(file)
// WIFEXITED / WEXITSTATUS / WTERMSIG spelled out: the C macros are not imported.
let signal = status & 0x7F
exit(signal == 0 ? (status >> 8) & 0xFF : 128 + signal)
