"""HTTP(S) GET with one deadline for the whole exchange (connect, headers, body), a size cap,
redirects followed here (http and https only, at most MAX_REDIRECTS), and, for links found
inside inputs, a refusal of addresses that are not public (loopback, private, link-local...).

urllib's timeout is per socket operation: a server sending one byte a second never trips
it. Here every read gets what is left of the deadline, so a fetch ends when it is due.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import InputError

FETCH_DEADLINE = 20.0  # seconds for one URL, headers and body together
MAX_REDIRECTS = 5
USER_AGENT = "briefing/0.1 (+https://github.com/briefing)"
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Target:
    url: str
    https: bool
    host: str
    port: int
    path: str


def check_url(url: str) -> Target:
    """The parts of an http(s) URL; InputError naming what is wrong with it."""
    if not isinstance(url, str) or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise InputError(f"{one_line(repr(url))}: a URL may not hold spaces, line breaks or control characters; "
                         "fix the URL")
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise InputError(f"{one_line(url)}: not a valid URL ({exc}); fix the URL") from None
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{one_line(url)}: only http and https URLs can be fetched; fix the URL")
    if not host:
        raise InputError(f"{one_line(url)}: the URL names no host; fix the URL")
    https = parts.scheme == "https"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(url, https, host, port or (443 if https else 80), path)


def one_line(text: str, limit: int = 200) -> str:
    """`text` as one line of at most `limit` characters (for messages naming what a server sent)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def fetch(url: str, limit: int, *, deadline: float | None = None, public_only: bool = False) -> tuple[bytes, str | None]:
    """GET `url`: (body, content type). `deadline` is a time.monotonic() value (default: now +
    FETCH_DEADLINE); `public_only` refuses hosts that resolve to non-public addresses, on every hop."""
    due = deadline if deadline is not None else time.monotonic() + FETCH_DEADLINE
    seconds = max(0.0, due - time.monotonic())
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        target = check_url(current)
        try:
            response, connection = _request(target, due, public_only)
            try:
                if response.status in _REDIRECTS and response.getheader("Location"):
                    current = urljoin(current, response.getheader("Location", ""))
                    continue
                if response.status >= 400:
                    raise InputError(f"{one_line(url)}: the server answered {response.status} "
                                     f"{one_line(response.reason, 60)}; check the URL")
                data = response.read(limit + 1)
                content_type = response.headers.get_content_type()
            finally:
                connection.release()
        except TimeoutError:
            raise InputError(f"{one_line(url)}: no complete answer within {seconds:.0f} s; the server is too slow "
                             "or not answering, try again later") from None
        except (http.client.HTTPException, OSError, ValueError) as exc:
            raise InputError(f"{one_line(url)}: cannot fetch it ({one_line(_reason(exc), 120)}); "
                             "check the URL and your connection") from None
        if len(data) > limit:
            raise InputError(f"{one_line(url)}: more than {limit // 2**20} MB, over the input limit; "
                             "save the part you need as a smaller file")
        return data, content_type
    raise InputError(f"{one_line(url)}: more than {MAX_REDIRECTS} redirects (a redirect loop?); check the URL")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, http.client.IncompleteRead):
        return "the answer was cut short or its chunked encoding is broken"
    if isinstance(exc, http.client.LineTooLong):
        return "a header line is too long"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _request(target: Target, due: float, public_only: bool) -> tuple[http.client.HTTPResponse, _DeadlineConnection]:
    address = _address(target, public_only)
    connection = _DeadlineConnection(target, address, due)
    try:
        connection.request("GET", target.path, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        return connection.getresponse(), connection
    except BaseException:
        connection.release()
        raise


def _address(target: Target, public_only: bool) -> str:
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"{one_line(target.url)}: cannot find the host {one_line(target.host, 80)} "
                         f"({one_line(str(exc), 80)}); check the URL and your connection") from None
    addresses = [str(info[4][0]) for info in infos]
    if public_only:
        private = [a for a in addresses if not is_public(a)]
        if private:
            raise InputError(f"{one_line(target.url)}: {target.host} is a private or local address ({private[0]}); "
                             "links inside feeds are fetched only from public hosts "
                             "(set allow_private_links = true in briefing.toml to allow them)")
    return addresses[0]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _DeadlineConnection(http.client.HTTPConnection):
    """Connects to the address already checked (no second DNS answer) and reads against the deadline."""

    def __init__(self, target: Target, address: str, due: float) -> None:
        super().__init__(target.host, target.port)
        self._target, self._ip, self._due = target, address, due
        self._raw: socket.socket | None = None

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self._target.port), timeout=_left(self._due))
        if self._target.https:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self._target.host)
        self._raw = sock
        self.sock = _DeadlineSocket(sock, self._due)

    def release(self) -> None:
        """Close the socket (http.client's close() leaves it to the response still reading)."""
        self.close()
        if self._raw is not None:
            self._raw.close()


class _DeadlineSocket:
    def __init__(self, sock: socket.socket, due: float) -> None:
        self._sock, self._due = sock, due

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._due))

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(_left(self._due))
        self._sock.sendall(data)

    def close(self) -> None:
        pass  # the response may still be reading: the connection's release() closes the socket

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: socket.socket, due: float) -> None:
        self._sock, self._due = sock, due

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        self._sock.settimeout(_left(self._due))
        return self._sock.recv_into(buffer)


def _left(due: float) -> float:
    left = due - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    return left
