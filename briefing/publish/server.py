"""Serve an output folder to podcast apps and browsers (aiohttp.web).

aiohttp's FileResponse does the HTTP work podcast apps rely on: HEAD, single byte ranges
(206 with Content-Range, 416 when impossible, Accept-Ranges: bytes), strong ETags and
Last-Modified with 304 on revalidation. This module decides which files may be served:
regular files inside the folder only; `..`, absolute paths, hidden names, directories and
symlinks that lead out of the folder are 404.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import signal
from pathlib import Path
from typing import Callable

from aiohttp import hdrs, web

from ..errors import ConfigError
from ..settings import SERVE_HOST, SERVE_PORT

log = logging.getLogger("briefing.server")

INDEX = "index.html"
ACCESS_LOG_FORMAT = '%a %t "%r" %s %{Content-Length}o "%{User-Agent}i" %Tfs'
CONTENT_TYPES = {
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
# Episode files never change under their name (a rebuild publishes a new name); the rest may.
IMMUTABLE_FOLDERS = ("episodes",)


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


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
    if any(part.startswith(".") for part in path.relative_to(root).parts):
        return None  # a symlink leading to a hidden file
    return path


def make_app(out_dir: Path) -> web.Application:
    """The web application serving `out_dir`."""
    root = out_dir.resolve()

    async def handle(request: web.Request) -> web.StreamResponse:
        path = resolve(root, request.match_info["path"])
        if path is None:
            raise web.HTTPNotFound(text="404: not found\n")
        immutable = path.relative_to(root).parts[0] in IMMUTABLE_FOLDERS
        response = web.FileResponse(path, headers={
            hdrs.CONTENT_TYPE: content_type(path),
            hdrs.CACHE_CONTROL: "public, max-age=31536000, immutable" if immutable else "no-cache",
            "X-Content-Type-Options": "nosniff",
        })
        if "," in request.headers.get(hdrs.RANGE, ""):
            # aiohttp serves one range only; for several, RFC 9110 allows the whole file (200).
            await response.prepare(request.clone(headers={
                k: v for k, v in request.headers.items() if k.lower() != "range"}))
        return response

    app = web.Application()
    app.router.add_get("/{path:.*}", handle)  # add_get answers HEAD too
    return app


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
    runner = web.AppRunner(app, access_log=log, access_log_format=ACCESS_LOG_FORMAT, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
                              "choose another --port or --host") from None
        bound_host, bound_port = runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        if on_ready is not None:
            on_ready(f"http://{shown}:{bound_port}/")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGTERM, stop.set)
        except (NotImplementedError, RuntimeError):  # not on Windows or outside the main thread
            pass
        await stop.wait()
    finally:
        await runner.cleanup()
