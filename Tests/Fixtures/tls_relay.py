#!/usr/bin/env python3
"""A TLS relay on loopback for bitsnoop's real-stack tests, with Python's ssl module (OpenSSL).

    client --plain--> FRONT --TLS--> BACK --plain--> target (bits-loopback server)

FRONT accepts plain TCP and opens a TLS connection to BACK for each connection (the TLS client,
which writes the NSS key log through `keylog_filename`); BACK terminates TLS and opens a plain
connection to the target. A capture of BACK's port holds the uploads over TLS, one of the target's
port the same uploads in plain HTTP: the truth to compare the decrypted analysis with.

The relay writes "FRONT BACK" to --ready-file once both listen, and stops by itself after
--duration seconds (or on SIGTERM). Everything listens on 127.0.0.1 only.
"""
import argparse
import signal
import socket
import ssl
import sys
import threading
import time

from tls_serialized import SerializedTLS

CHUNK = 65536


def pump(source, sink):
    """Copies bytes one way until the source ends, then half-closes the sink."""
    try:
        while True:
            data = source.recv(CHUNK)
            if not data:
                break
            sink.sendall(data)
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            if isinstance(sink, SerializedTLS):
                # TLS has no half-close: close_notify ends the stream for the peer.
                sink.unwrap()
            else:
                sink.shutdown(socket.SHUT_WR)
        except (OSError, ssl.SSLError, ValueError):
            pass


def join(a, b):
    """Relays a and b both ways, closing both when both directions are done."""
    threads = [threading.Thread(target=pump, args=(a, b), daemon=True),
               threading.Thread(target=pump, args=(b, a), daemon=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in (a, b):
        try:
            s.close()
        except OSError:
            pass


def contexts(args):
    """The client context (key log, version, suites) and the server context (certificate)."""
    version = ssl.TLSVersion.TLSv1_3 if args.version == "1.3" else ssl.TLSVersion.TLSv1_2
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE
    client.minimum_version = version
    client.maximum_version = version
    client.keylog_filename = args.keylog
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(args.cert, args.key)
    server.minimum_version = version
    server.maximum_version = version
    if args.ciphers and args.version == "1.2":
        client.set_ciphers(args.ciphers)
        server.set_ciphers(args.ciphers)
    # TLS 1.3 suites cannot be set through the ssl module: OPENSSL_CONF chooses them (see the test).
    return client, server


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--keylog", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--version", choices=["1.2", "1.3"], default="1.3")
    parser.add_argument("--ciphers", default="")
    parser.add_argument("--server-name", default="bits.loopback.test")
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--duration", type=float, default=120)
    args = parser.parse_args()
    client_context, server_context = contexts(args)
    front, back = listener(), listener()
    back_port = back.getsockname()[1]

    def serve_front():
        while True:
            plain, _ = front.accept()
            try:
                raw = socket.create_connection(("127.0.0.1", back_port))
                tls = SerializedTLS(client_context.wrap_socket(raw, server_hostname=args.server_name))
            except (OSError, ssl.SSLError) as error:
                print(f"front: {error}", file=sys.stderr)
                plain.close()
                continue
            threading.Thread(target=join, args=(plain, tls), daemon=True).start()

    def serve_back():
        while True:
            raw, _ = back.accept()

            def handle(raw=raw):
                try:
                    tls = SerializedTLS(server_context.wrap_socket(raw, server_side=True))
                    plain = socket.create_connection(("127.0.0.1", args.target_port))
                except (OSError, ssl.SSLError) as error:
                    print(f"back: {error}", file=sys.stderr)
                    raw.close()
                    return
                join(tls, plain)
            threading.Thread(target=handle, daemon=True).start()

    for serve in (serve_front, serve_back):
        threading.Thread(target=serve, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(args.ready_file + ".tmp", "w") as ready:
        ready.write(f"{front.getsockname()[1]} {back_port}\n")
    import os
    os.rename(args.ready_file + ".tmp", args.ready_file)
    time.sleep(args.duration)


if __name__ == "__main__":
    main()
