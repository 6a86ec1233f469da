import Foundation

/// Reads a pipe to its end on a thread of its own, so that a child's standard error is drained
/// while its standard output is read (neither pipe fills up and blocks the child).
///
/// ``data()`` waits on a semaphore the reading thread signals when it has the bytes. (Polling
/// `Thread.isExecuting` instead raced: a thread not yet started is not executing either, so under
/// load the wait could end before the read began and return no bytes.)
final class BackgroundRead: @unchecked Sendable {
    /// Signalled once ``bytes`` holds everything read.
    private let finished = DispatchSemaphore(value: 0)
    /// Written by the reading thread before it signals ``finished``, read only after the wait.
    private var bytes = Data()

    /// Starts reading `handle` to its end.
    init(_ handle: FileHandle) {
        Thread { [self] in
            bytes = handle.readDataToEndOfFile()
            finished.signal()
        }.start()
    }

    /// Every byte read, once the pipe has ended (waits for it; call it once).
    func data() -> Data {
        finished.wait()
        return bytes
    }
}
