"""One TLS socket shared by the two relay threads of a connection, used by one thread at a time.

OpenSSL does not allow an SSL object to be used by two threads at once, and CPython's ssl module
releases its lock around SSL_read and SSL_write, so a thread reading a TLS socket while another
writes it races inside OpenSSL: the relays of bitsnoop's real-stack tests then stalled now and then
until the client's timeout. Here the socket is non-blocking and every TLS call holds a lock; a call
that must wait (SSLWantRead/WriteError) lets go of the lock and waits in select, so a reader waiting
for the peer never holds up a writer (a blocking read under the lock would: TLS 1.3 tickets arrive
as records that carry no application data, and the read would wait on while holding the lock).
"""
import select
import ssl
import threading

WAIT_SECONDS = 0.5


class SerializedTLS:
    """`recv`, `sendall` and `unwrap` of an SSLSocket, one thread at a time."""

    def __init__(self, sock):
        self.sock = sock
        self.lock = threading.Lock()
        sock.setblocking(False)

    def _wait(self, want_read):
        if want_read:
            select.select([self.sock], [], [], WAIT_SECONDS)
        else:
            select.select([], [self.sock], [], WAIT_SECONDS)

    def recv(self, count):
        """Up to `count` bytes of plaintext; b"" once the peer closed."""
        while True:
            with self.lock:
                try:
                    return self.sock.recv(count)
                except ssl.SSLWantReadError:
                    want_read = True
                except ssl.SSLWantWriteError:
                    want_read = False
                except ssl.SSLZeroReturnError:
                    return b""
            self._wait(want_read)

    def sendall(self, data):
        view = memoryview(data)
        while view:
            with self.lock:
                try:
                    sent = self.sock.send(view)
                    view = view[sent:]
                    continue
                except ssl.SSLWantReadError:
                    want_read = True
                except ssl.SSLWantWriteError:
                    want_read = False
            self._wait(want_read)

    def unwrap(self):
        """Sends close_notify (TLS has no half-close); does not wait for the peer's."""
        with self.lock:
            try:
                self.sock.unwrap()
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                pass

    def close(self):
        self.sock.close()
