"""Finished bulletins remembered by what they are made of, so that a rebuild with unchanged
input copies the MP3 and its sidecars instead of mixing, mastering and encoding again.

The key covers every clip's identity (text, engine, version, voice, rate), the displayed
text, the show, the date, the bitrate, the music bed and the cover; MASTERING_VERSION is
bumped whenever the audio chain changes. Only the last few bulletins are kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path

from ..files import write_atomic
from ..models import Bulletin, Chapter, Cue, Speech
from ..settings import Settings
from .sidecars import SUFFIXES

SIDECARS = tuple(SUFFIXES.values())  # the files beside the MP3, remembered with it

log = logging.getLogger(__name__)

MASTERING_VERSION = 1
KEEP = 3  # bulletins remembered


def bulletin_key(speech: Speech, settings: Settings, cover: Path) -> str | None:
    """None when some clip's origin is unknown (then nothing is remembered)."""
    if any(not clip.key for clip in speech.clips):
        return None
    show = settings.show
    bed = settings.assemble.music_bed
    identity = {
        "version": MASTERING_VERSION,
        "clips": [clip.key for clip in speech.clips],
        "segments": [[seg.kind, seg.item, [s.text for s in seg.sentences]] for seg in speech.script.segments],
        "items": [item.title for item in speech.script.items],
        "show": [show.title, show.author], "date": settings.date.isoformat(), "bitrate": settings.assemble.bitrate_kbps,
        "loudness": settings.assemble.loudness_lufs,
        "bed": [str(bed), bed.stat().st_size, bed.stat().st_mtime] if bed else None,
        "cover": hashlib.sha256(cover.read_bytes()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(identity, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _folder(settings: Settings, key: str) -> Path:
    return settings.cache / "bulletins" / key


def recall(key: str, speech: Speech, settings: Settings, staging: Path) -> Bulletin | None:
    """The remembered bulletin copied into `staging`, or None. Every file is checked against
    the hash recorded when it was remembered; an entry that fails is dropped. A copy that
    fails on the staging side (a full output disk) leaves the entry alone."""
    folder = _folder(settings, key)
    try:
        data = json.loads((folder / "bulletin.json").read_text("utf-8"))
        _verify(folder, data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if folder.exists():
            log.warning("remembered bulletin %s is unusable (%s); assembling again", key[:8], exc)
            shutil.rmtree(folder, ignore_errors=True)
        return None
    mp3 = staging / f"{settings.date.isoformat()}-{key[:8]}.mp3"
    copy_bulletin(folder, mp3)
    (folder / "bulletin.json").touch()
    return Bulletin(script=speech.script, audio=mp3, duration=data["duration"],
                    chapters=[Chapter(**c) for c in data["chapters"]], cues=[Cue(**c) for c in data["cues"]],
                    sidecars={kind: mp3.with_suffix(suffix) for kind, suffix in SUFFIXES.items()})


def _verify(folder: Path, data: dict) -> None:
    for suffix in (".mp3", *SIDECARS):
        if file_hash(folder / f"bulletin{suffix}") != data["sha256"][suffix]:
            raise ValueError(f"bulletin{suffix} is not the file remembered")


def copy_bulletin(folder: Path, mp3: Path) -> None:
    """Copy a remembered bulletin's files to `mp3` and its sidecars beside it."""
    for suffix in (".mp3", *SIDECARS):
        shutil.copyfile(folder / f"bulletin{suffix}", mp3.with_suffix(suffix))


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def find_published(settings: Settings, sha256_prefix: str) -> Path | None:
    """The remembered bulletin whose MP3's hash starts with `sha256_prefix` (intact), if any."""
    root = settings.cache / "bulletins"
    for folder in root.iterdir() if root.is_dir() else ():
        try:
            data = json.loads((folder / "bulletin.json").read_text("utf-8"))
            if data["sha256"][".mp3"].startswith(sha256_prefix):
                _verify(folder, data)
                return folder
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def remember(key: str, bulletin: Bulletin, settings: Settings) -> None:
    """Keep a copy of the bulletin in the cache; a cache that cannot be written only costs
    the next rebuild its shortcut."""
    folder = _folder(settings, key)
    tmp = folder.with_name(folder.name + ".tmp")
    try:
        _remember(folder, tmp, bulletin)
    except OSError as exc:
        log.warning("could not keep a copy of the bulletin in %s (%s); the next rebuild assembles it again",
                    folder.parent, exc.strerror or exc)
        shutil.rmtree(tmp, ignore_errors=True)


def _remember(folder: Path, tmp: Path, bulletin: Bulletin) -> None:
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    hashes = {}
    for suffix in (".mp3", *SIDECARS):
        shutil.copyfile(bulletin.audio.with_suffix(suffix), tmp / f"bulletin{suffix}")
        hashes[suffix] = file_hash(tmp / f"bulletin{suffix}")
    write_atomic(tmp / "bulletin.json", json.dumps({
        "duration": bulletin.duration, "size": bulletin.audio.stat().st_size, "sha256": hashes,
        "chapters": [asdict(c) for c in bulletin.chapters], "cues": [asdict(c) for c in bulletin.cues]},
        ensure_ascii=False))
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)  # whole or not at all
    _forget_old(folder.parent)


def _forget_old(root: Path) -> None:
    remembered = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.endswith(".tmp")),
                        key=lambda p: (p / "bulletin.json").stat().st_mtime if (p / "bulletin.json").exists() else 0,
                        reverse=True)
    for stale in remembered[KEEP:]:
        shutil.rmtree(stale, ignore_errors=True)
