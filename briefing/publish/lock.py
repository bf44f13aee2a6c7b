"""One build at a time per output folder: a lock file the operating system releases if a
build dies (even by kill -9), so a crashed build never blocks the next one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import BusyError

LOCK_NAME = ".build.lock"


@contextmanager
def build_lock(out_dir: Path, wait: float = 0.0) -> Iterator[None]:
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out_dir / LOCK_NAME))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise BusyError(f"another build is writing {out_dir}; wait for it to finish, or build into another --out"
                        + ("" if wait else " (or set lock_wait in briefing.toml to wait for it)")) from None
    try:
        yield
    finally:
        lock.release()
