"""Atomic file writes: a reader or a crash never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

STAGING = ".staging"  # under the output folder: what a build prepares before it is published


def staging_dir(out_dir: Path) -> Path:
    """Where a build prepares its files (removed when it publishes, or by the next build if it died)."""
    return out_dir / STAGING


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename over `path`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def move_atomic(source: Path, target: Path) -> None:
    """Rename `source` to `target` (same file system) and make the rename durable."""
    source.chmod(0o644)
    os.replace(source, target)
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_leftovers(folder: Path) -> int:
    """Delete the temporary files write_atomic leaves when a process dies mid-write
    (`.NAME.XXXX.tmp`); call only while holding the folder's build lock. Returns how many."""
    removed = 0
    for path in folder.glob(".*.tmp") if folder.is_dir() else ():
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def private_cache_dir() -> Path:
    """The user's own cache folder for briefing ($XDG_CACHE_HOME/briefing or ~/.cache/briefing),
    created readable by the user only; a folder there that others may write to is refused
    (its files would be loaded as code by some libraries)."""
    import stat

    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    folder = root / "briefing"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = folder.lstat()
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
        raise PermissionError(f"{folder} is not a folder of this user")
    if status.st_mode & 0o077:
        folder.chmod(0o700)
    return folder


def kept_in_cache(name: str, make: Callable[[], bytes], intact: Callable[[bytes], bool],
                  replaces: str | None = None) -> bytes:
    """What `make` returns, kept as NAME (a path under the user's cache folder) for the next
    process: read back when `intact` accepts it, else made again and kept. Files matching the
    glob `replaces` beside it are earlier versions and removed. Without a usable cache folder
    it is made every time."""
    try:
        path = private_cache_dir() / name
        data = path.read_bytes() if path.is_file() else None
    except OSError:
        return make()
    if data is not None and intact(data):
        return data
    data = make()
    try:
        write_atomic(path, data)
        for older in path.parent.glob(replaces) if replaces else ():
            if older != path:
                older.unlink()
    except OSError:
        pass  # only the next process makes it again
    return data
