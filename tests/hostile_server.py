"""A hostile HTTP server on 127.0.0.1 for the fetch tests: every path misbehaves in its own
way (trickles, floods headers, breaks the status line or the chunked encoding, loops).

Each connection is handled in a daemon thread that gives up after LIFETIME seconds or when
the server stops, so no test leaves a thread behind for long.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from typing import Self

LIFETIME = 30.0  # seconds any one connection is served, at most (past the 20 s fetch deadline)


class HostileServer:
    """`with HostileServer() as bad: bad.url + "/trickle-body"`; `pages` maps extra paths to HTML."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.stop = threading.Event()
        self.pages: dict[str, bytes] = {}
        self.requests: list[str] = []
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(LIFETIME)
                try:
                    path = _read_request(self.request)
                    if path is None:
                        return
                    server.requests.append(path)
                    server.answer(self.request, path)
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.httpd = Server((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"

    def answer(self, sock: socket.socket, path: str) -> None:
        started = time.monotonic()

        def alive() -> bool:
            return not self.stop.is_set() and time.monotonic() - started < LIFETIME

        if path in self.pages:
            body = self.pages[path]
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
        elif path.startswith("/trickle-body"):
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
            while alive():
                sock.sendall(b"x")
                self.stop.wait(1.0)
        elif path.startswith("/trickle-headers"):
            sock.sendall(b"HTTP/1.1 200 OK\r\n")
            while alive():
                sock.sendall(b"X")
                self.stop.wait(1.0)
        elif path.startswith("/never"):
            self.stop.wait(LIFETIME)
        elif path == "/many-headers":
            sock.sendall(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Filler-%d: y\r\n" % i for i in range(150))
                         + b"Content-Length: 2\r\n\r\nok")
        elif path == "/long-header":
            sock.sendall(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 65536 + b"\r\nContent-Length: 2\r\n\r\nok")
        elif path == "/bad-status":
            sock.sendall(b"HTTP/1.1 TWO HUNDRED\r\nbroken\nline\r\n\r\n")
        elif path == "/bad-chunked":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"5\r\n<html\r\nzz-not-a-size\r\n")
        elif path == "/loop":
            sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n")
        elif path.startswith("/redirect?to="):
            target = path.split("=", 1)[1].encode()
            sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + target + b"\r\nContent-Length: 0\r\n\r\n")
        else:
            sock.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    def __enter__(self) -> Self:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _read_request(sock: socket.socket) -> str | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk or len(data) > 65536:
            return None
        data += chunk
    parts = data.split(b"\r\n", 1)[0].split()
    return parts[1].decode("latin-1") if len(parts) >= 2 else None
