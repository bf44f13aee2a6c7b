"""Serve an output folder to podcast apps and browsers (aiohttp.web).

aiohttp's FileResponse does most of the HTTP work podcast apps rely on: HEAD, single byte
ranges (206 with Content-Range, 416 when impossible, Accept-Ranges: bytes), strong ETags and
Last-Modified with 304 on revalidation. This module decides which files may be served
(regular files inside the folder only; `..`, absolute paths, hidden names, directories,
internal files and symlinks that lead out of the folder are 404) and fills in what RFC 9110
asks and aiohttp 3.14 does not do: an If-Range ETag, unknown range units, `bytes=-0`, 414
for an overlong request target, clean headers on errors, and a deadline for the request head.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import hdrs, web
from aiohttp.http_exceptions import LineTooLong
from aiohttp.web_protocol import RequestHandler

from ..errors import ConfigError
from ..settings import SERVE_HOST, SERVE_PORT

log = logging.getLogger("briefing.server")

INDEX = "index.html"
INTERNAL = {"episodes.json"}  # the build's own records, not for the web
SERVER_NAME = "briefing"  # the Server header: no library name or version for scanners to match
ACCESS_LOG_FORMAT = '%a %t "%r" %s %{Content-Length}o "%{User-Agent}i" %Tfs'
HEADER_TIMEOUT = 5.0  # seconds a client has to send a whole request head once it started one
KEEPALIVE_TIMEOUT = 75.0  # seconds an idle kept-alive connection stays open
MAX_TARGET = 8192  # bytes of the request line; aiohttp's header-line limit is 8190, so the two tell apart
CONTENT_TYPES = {
    ".chapters.json": "application/json+chapters",
    ".xml": "application/rss+xml; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# In-browser players fetch these from other origins.
CROSS_ORIGIN = (".xml", ".chapters.json", ".vtt", ".srt")
# Episode files are named by their date and a digest of their bytes: they never change under
# their name (a rebuild publishes a new name). Only they may be cached for good.
CONTENT_ADDRESSED = re.compile(r"episodes/\d{4}-\d\d-\d\d-[0-9a-f]{10}(\.mp3|\.chapters\.json|\.vtt|\.srt)")


def content_type(path: Path) -> str:
    name = path.name.lower()
    suffix = next((s for s in CONTENT_TYPES if name.endswith(s)), None)
    return (CONTENT_TYPES[suffix] if suffix else None) or mimetypes.guess_type(path.name)[0] \
        or "application/octet-stream"


def resolve(root: Path, url_path: str) -> Path | None:
    """The file `url_path` names inside `root` (already resolved), or None if it must not be served."""
    parts = (url_path or INDEX).split("/")  # the route has taken the leading slash
    if any(not part or part.startswith(".") or "\\" in part or "\0" in part for part in parts):
        return None  # empty (absolute or trailing slash), hidden, "..", or Windows separators
    try:
        path = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None  # a symlink leading out, or a directory (no listings)
    inside = path.relative_to(root).parts
    if any(part.startswith(".") for part in inside) or "/".join(inside) in INTERNAL:
        return None  # a symlink leading to a hidden file, or an internal one
    return path


def file_headers(url_path: str, path: Path) -> dict[str, str]:
    """Headers by the name asked for (a symlink's own name decides, not its target's)."""
    relative = url_path or INDEX
    headers = {
        hdrs.CONTENT_TYPE: content_type(path),
        hdrs.CACHE_CONTROL: "public, max-age=31536000, immutable" if CONTENT_ADDRESSED.fullmatch(relative)
        else "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if relative.lower().endswith(CROSS_ORIGIN):
        headers[hdrs.ACCESS_CONTROL_ALLOW_ORIGIN] = "*"
    return headers


def range_to_ignore(request: web.BaseRequest, path: Path) -> bool:
    """Whether RFC 9110 says to answer this Range request with the whole file (200): several
    ranges (aiohttp serves one only), a unit other than bytes, or an If-Range entity tag that
    is not this file's (aiohttp only compares If-Range dates)."""
    wanted = request.headers.get(hdrs.RANGE)
    if wanted is None:
        return False
    unit, _, ranges = wanted.partition("=")
    if unit.strip().lower() != "bytes" or "," in ranges:
        return True
    condition = request.headers.get(hdrs.IF_RANGE, "").strip()
    if condition.startswith(('"', "W/")):
        stat = path.stat()
        return condition != f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'  # aiohttp's strong ETag
    return False


def empty_suffix_range(request: web.BaseRequest) -> bool:
    """`bytes=-0` asks for the last zero bytes: unsatisfiable (aiohttp serves the whole file)."""
    return re.fullmatch(r"\s*bytes\s*=\s*-0+\s*", request.headers.get(hdrs.RANGE, ""), re.IGNORECASE) is not None


def make_app(out_dir: Path) -> web.Application:
    """The web application serving `out_dir`."""
    root = out_dir.resolve()

    async def handle(request: web.Request) -> web.StreamResponse:
        path = resolve(root, request.match_info["path"])
        if path is None:
            raise web.HTTPNotFound(text="404: not found\n")
        if empty_suffix_range(request):
            return web.Response(status=416, text="416: range not satisfiable\n",
                                headers={hdrs.CONTENT_RANGE: f"bytes */{path.stat().st_size}"})
        response = web.FileResponse(path, headers=file_headers(request.match_info["path"], path))
        if range_to_ignore(request, path):
            await response.prepare(request.clone(headers={
                k: v for k, v in request.headers.items() if k.lower() not in ("range", "if-range")}))
        return response

    app = web.Application()
    app.router.add_get("/{path:.*}", handle)  # add_get answers HEAD too
    app.on_response_prepare.append(_clean_headers)
    return app


async def _clean_headers(request: web.Request, response: web.StreamResponse) -> None:
    """No library version; an error is never cached for good nor labelled as audio."""
    response.headers[hdrs.SERVER] = SERVER_NAME
    if response.status >= 400:
        response.headers[hdrs.CACHE_CONTROL] = "no-store"
        if response.headers.get(hdrs.CONTENT_TYPE, "").startswith("audio/"):
            response.headers[hdrs.CONTENT_TYPE] = "text/plain; charset=utf-8"


class Connection(RequestHandler):
    """aiohttp's connection handler, plus: a started request head must arrive within
    `header_timeout` seconds (else the connection is dropped: slow or half-sent requests,
    HTTP/0.9 lines, hold no connection open), and an overlong request target is 414.

    aiohttp has no hook for either: this reads RequestHandler's `_request_count`, `_waiter` and
    `_messages` (aiohttp 3.14); tests/test_server.py checks both behaviours on a real socket."""

    def __init__(self, manager: Any, *, header_timeout: float = HEADER_TIMEOUT, **kwargs: Any) -> None:
        super().__init__(manager, max_line_size=MAX_TARGET, keepalive_timeout=KEEPALIVE_TIMEOUT, **kwargs)
        self._header_timeout = header_timeout
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._start_head_deadline()

    def data_received(self, data: bytes) -> None:
        requests_before = self._request_count
        super().data_received(data)
        if self._request_count > requests_before:
            self._stop_head_deadline()
        elif data and self._head_deadline is None:
            self._start_head_deadline()

    def connection_lost(self, exc: BaseException | None) -> None:
        self._stop_head_deadline()
        super().connection_lost(exc)

    def handle_error(self, request: Any, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if isinstance(exc, LineTooLong) and exc.args[1:2] == (MAX_TARGET,):
            status, message = 414, f"414: the request target is longer than {MAX_TARGET} bytes\n"
        response = super().handle_error(request, status, exc, message)
        response.headers[hdrs.SERVER] = SERVER_NAME
        return response

    def _start_head_deadline(self) -> None:
        self._head_deadline = self._loop.call_later(self._header_timeout, self._head_overdue)

    def _stop_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_overdue(self) -> None:
        self._head_deadline = None
        waiting = self._waiter is not None and not self._waiter.done()
        if waiting and not self._messages:
            self.force_close()  # idle while a request head is due: drop it
        elif not self._force_close:
            self._start_head_deadline()


def check_out_dir(out_dir: Path) -> Path:
    if not out_dir.is_dir():
        raise ConfigError(f"output folder {out_dir} does not exist; build an episode first "
                          f"(briefing build NEWS --out {out_dir}) or pass --out")
    if not (out_dir / "feed.xml").is_file():
        log.warning("%s has no feed.xml yet; build an episode into it", out_dir)
    return out_dir


def serve(out_dir: Path, host: str = SERVE_HOST, port: int = SERVE_PORT,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve `out_dir` on host:port until interrupted (Ctrl-C or SIGTERM).

    `on_ready` receives the base URL once the socket listens (port 0 picks a free port)."""
    app = make_app(check_out_dir(out_dir))
    try:
        asyncio.run(_run(app, host, port, on_ready))
    except KeyboardInterrupt:
        pass


async def _run(app: web.Application, host: str, port: int, on_ready: Callable[[str], None] | None) -> None:
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    loop = asyncio.get_running_loop()
    manager = runner.server
    assert manager is not None

    def connection() -> Connection:
        return Connection(manager, loop=loop, access_log=log, access_log_format=ACCESS_LOG_FORMAT)

    listener: asyncio.Server | None = None
    try:
        try:
            listener = await loop.create_server(connection, host, port, reuse_address=True)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
                              "choose another --port or --host") from None
        bound_host, bound_port = listener.sockets[0].getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        if on_ready is not None:
            on_ready(f"http://{shown}:{bound_port}/")
        stop = asyncio.Event()
        try:
            loop.add_signal_handler(signal.SIGTERM, stop.set)
        except (NotImplementedError, RuntimeError):  # not on Windows or outside the main thread
            pass
        await stop.wait()
    finally:
        if listener is not None:
            listener.close()
        await runner.cleanup()
