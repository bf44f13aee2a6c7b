"""Synthesized clips cached on disk, so an unchanged rebuild synthesizes nothing.

The key covers everything that changes the sound: the spoken text of every sentence,
engine, engine version, voice, language and rate. Entries are written atomically; an
entry that does not load whole (truncated, corrupt) is discarded and synthesized again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from ..models import Clip

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the entry layout changes
KEEP_DAYS = 30  # entries unused this long are removed after a build


def clip_key(sentences: list[str], engine: str, version: str, voice: str, lang: str, rate: str) -> str:
    identity = json.dumps({"format": FORMAT, "engine": engine, "version": version, "voice": voice, "lang": lang,
                           "rate": rate, "sentences": sentences}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _touch(path: Path) -> None:
    """Mark an entry as used (pruning removes entries unused for a while)."""
    try:
        os.utime(path)
    except OSError:
        pass


def prune(folder: Path, max_age_days: float = KEEP_DAYS) -> int:
    """Remove cache files not used for `max_age_days`; return how many were removed."""
    if not folder.is_dir():
        return 0
    limit = time.time() - max_age_days * 86400
    removed = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


class ClipCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npz"

    def get(self, key: str, engine: str, voice: str) -> Clip | None:
        path = self._path(key)
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                count = int(data["count"])
                rate = int(data["rate"])
                sentences = [np.asarray(data[f"s{i}"], dtype=np.float32) for i in range(count)]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("cache entry %s is damaged (%s); synthesizing it again", path.name, exc)
            path.unlink(missing_ok=True)
            return None
        _touch(path)
        return Clip(sentences=sentences, rate=rate, engine=engine, voice=voice)

    def put(self, key: str, clip: Clip) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f"s{i}": a.astype(np.float32, copy=False) for i, a in enumerate(clip.sentences)}
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".npz.tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, count=np.int64(len(clip.sentences)), rate=np.int64(clip.rate), **arrays)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
