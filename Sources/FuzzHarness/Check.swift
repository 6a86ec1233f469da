/// Stops the process when a fuzzing invariant does not hold: the fuzzer keeps the input as a crash.
/// (A `precondition` would vanish in `-Ounchecked` builds; this never does.)
func check(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("fuzz invariant broken: " + message(), file: file, line: line) }
}
