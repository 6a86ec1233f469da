#!/usr/bin/env python3
"""`openssl s_server` as the TLS server of bitsnoop's real-stack tests, bridged to a plain target.

    client --plain--> FRONT --TLS--> openssl s_server ==stdin/stdout==> bridge --plain--> target

FRONT accepts plain TCP and, for each connection, opens a TLS connection (Python's ssl) to
s_server; s_server (run with -quiet, so its stdout carries exactly the plaintext it read and its
stdin exactly what it sends) is bridged to a new plain connection to the target (the bits-loopback
server). A capture of s_server's port holds the uploads over TLS; one of the target's port the same
uploads in plain HTTP: the truth to compare the decrypted analysis with.

s_server serves one connection at a time and its stdio is one stream for all of them, so FRONT
serves connections one after another, and each direction is copied synchronously: what FRONT sent
into the TLS connection is read back, byte for byte, from s_server's stdout before the next read,
so no byte of one connection can reach another's target connection.

With --resume every connection after the first offers the previous connection's session (by ID
or ticket, as s_server allows). One JSON line per connection goes to --events: the version,
cipher and whether the session was reused, as the client saw them.

The bridge writes "FRONT TLS" to --ready-file once both listen, and stops by itself after
--duration seconds (or on SIGTERM), ending s_server. Everything listens on 127.0.0.1 only.
"""
import argparse
import ctypes
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

from tls_serialized import SerializedTLS

CHUNK = 65536


def free_port():
    """A port nothing listens on now (s_server binds it right after, with SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port):
    """Whether something listens on 127.0.0.1:port (from /proc/net/tcp: no probe connection,
    which s_server would count as one of its -naccept connections)."""
    wanted = "0100007F:%04X" % port
    with open("/proc/net/tcp") as table:
        return any(fields[1] == wanted and fields[3] == "0A"
                   for fields in (line.split() for line in table.readlines()[1:]))


def read_exactly(fd, count):
    """Exactly `count` bytes from `fd`, or fewer if it ends."""
    parts = []
    while count > 0:
        data = os.read(fd, min(count, CHUNK))
        if not data:
            break
        parts.append(data)
        count -= len(data)
    return b"".join(parts)


def recv_exactly(sock, count):
    """Exactly `count` bytes from `sock`, or fewer if it ends."""
    parts = []
    while count > 0:
        data = sock.recv(min(count, CHUNK))
        if not data:
            break
        parts.append(data)
        count -= len(data)
    return b"".join(parts)


class Bridge:
    def __init__(self, args, server):
        self.args = args
        self.server = server
        self.lock = threading.Lock()
        self.session = None
        self.index = 0
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE
        self.context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.context.maximum_version = ssl.TLSVersion.TLSv1_2
        self.context.set_ciphers(args.ciphers)
        self.context.keylog_filename = args.client_keylog

    def serve(self, plain):
        """One client connection, alone on s_server (the lock serialises them)."""
        with self.lock:
            try:
                raw = socket.create_connection(("127.0.0.1", self.args.tls_port))
                wrapped = self.context.wrap_socket(raw, server_hostname=self.args.server_name,
                                                   session=self.session if self.args.resume else None)
                tls = SerializedTLS(wrapped)
                target = socket.create_connection(("127.0.0.1", self.args.target_port))
            except (OSError, ssl.SSLError) as error:
                print(f"bridge: {error}", file=sys.stderr)
                plain.close()
                return
            self.record(wrapped)
            up = threading.Thread(target=self.up, args=(plain, tls, target), daemon=True)
            down = threading.Thread(target=self.down, args=(target, tls, plain), daemon=True)
            up.start()
            down.start()
            up.join()
            down.join()
            # The session (and a ticket) is complete once the handshake is: keep it for the next.
            self.session = wrapped.session
            try:
                tls.unwrap()
            except (OSError, ssl.SSLError, ValueError):
                pass
            for s in (tls, target, plain):
                try:
                    s.close()
                except OSError:
                    pass

    def record(self, tls):
        self.index += 1
        line = {"connection": self.index, "version": tls.version(), "cipher": tls.cipher()[0],
                "reused": tls.session_reused}
        with open(self.args.events, "a") as events:
            events.write(json.dumps(line) + "\n")

    def up(self, plain, tls, target):
        """Client bytes into TLS; the same count out of s_server's stdout to the target."""
        stdout = self.server.stdout.fileno()
        try:
            while True:
                data = plain.recv(CHUNK)
                if not data:
                    break
                tls.sendall(data)
                relayed = read_exactly(stdout, len(data))
                target.sendall(relayed)
                if len(relayed) < len(data):
                    break
        except (OSError, ssl.SSLError) as error:
            print(f"up: {error}", file=sys.stderr)
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def down(self, target, tls, plain):
        """Target bytes into s_server's stdin; the same count out of TLS to the client."""
        stdin = self.server.stdin
        try:
            while True:
                data = target.recv(CHUNK)
                if not data:
                    break
                stdin.write(data)
                stdin.flush()
                relayed = recv_exactly(tls, len(data))
                plain.sendall(relayed)
                if len(relayed) < len(data):
                    break
        except (OSError, ssl.SSLError) as error:
            print(f"down: {error}", file=sys.stderr)
        try:
            plain.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def die_with_parent():
    """In the child before exec: SIGTERM when the bridge dies, however it dies (Linux's
    PR_SET_PDEATHSIG), so no s_server outlives a killed bridge."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_server(args):
    """s_server on args.tls_port: -quiet, so its stdio carries only plaintext."""
    return subprocess.Popen(
        ["openssl", "s_server", "-accept", f"127.0.0.1:{args.tls_port}", "-cert", args.cert, "-key", args.key,
         "-tls1_2", "-cipher", args.ciphers, "-quiet", "-keylogfile", args.keylog,
         "-trace", "-msgfile", args.trace] + args.server_option,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, preexec_fn=die_with_parent,
        env=dict(os.environ, **({"OPENSSL_CONF": args.server_config} if args.server_config else {})))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--ciphers", required=True, help="OpenSSL cipher string (both sides)")
    parser.add_argument("--server-option", action="append", default=[],
                        help="one more s_server argument (repeatable, as --server-option=-no_etm)")
    parser.add_argument("--server-config", default="",
                        help="an OpenSSL config for s_server only (e.g. Options = -ExtendedMasterSecret)")
    parser.add_argument("--keylog", required=True, help="s_server's -keylogfile")
    parser.add_argument("--client-keylog", required=True, help="the Python client's key log")
    parser.add_argument("--trace", required=True, help="s_server's -trace output (-msgfile)")
    parser.add_argument("--events", required=True)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--server-name", default="bits.loopback.test")
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--duration", type=float, default=120)
    args = parser.parse_args()
    server = None

    def stop(*_):
        if server is not None:
            server.terminate()
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    # Another process may take the free port before s_server binds it: then s_server exits, and
    # a few more ports are tried.
    for _ in range(5):
        args.tls_port = free_port()
        server = start_server(args)
        deadline = time.monotonic() + 30
        while not listening(args.tls_port) and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if server.poll() is None and listening(args.tls_port):
            break
    else:
        print("s_server did not start", file=sys.stderr)
        stop()

    bridge = Bridge(args, server)
    front = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    front.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    front.bind(("127.0.0.1", 0))
    front.listen(64)

    def accept():
        while True:
            plain, _ = front.accept()
            threading.Thread(target=bridge.serve, args=(plain,), daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()
    with open(args.ready_file + ".tmp", "w") as ready:
        ready.write(f"{front.getsockname()[1]} {args.tls_port}\n")
    os.rename(args.ready_file + ".tmp", args.ready_file)
    time.sleep(args.duration)
    stop()


if __name__ == "__main__":
    main()
