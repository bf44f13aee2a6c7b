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

from ..models import Bulletin, Chapter, Cue, Speech
from ..files import write_atomic
from ..settings import Settings

log = logging.getLogger(__name__)

MASTERING_VERSION = 1
KEEP = 3  # bulletins remembered
SIDECARS = (".chapters.json", ".vtt", ".srt")


def bulletin_key(speech: Speech, settings: Settings, cover: Path) -> str | None:
    """None when some clip's origin is unknown (then nothing is remembered)."""
    if any(not clip.key for clip in speech.clips):
        return None
    show = settings.show
    bed = settings.music_bed
    identity = {
        "version": MASTERING_VERSION,
        "clips": [clip.key for clip in speech.clips],
        "segments": [[seg.kind, seg.item, [s.text for s in seg.sentences]] for seg in speech.script.segments],
        "items": [item.title for item in speech.script.items],
        "show": [show.title, show.author], "date": settings.date.isoformat(), "bitrate": settings.bitrate_kbps,
        "loudness": settings.loudness_lufs,
        "bed": [str(bed), bed.stat().st_size, bed.stat().st_mtime] if bed else None,
        "cover": hashlib.sha256(cover.read_bytes()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(identity, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _folder(settings: Settings, key: str) -> Path:
    return settings.cache / "bulletins" / key


def recall(key: str, speech: Speech, settings: Settings, staging: Path) -> Bulletin | None:
    """The remembered bulletin copied into `staging`, or None."""
    folder = _folder(settings, key)
    try:
        data = json.loads((folder / "bulletin.json").read_text("utf-8"))
        mp3 = staging / f"{settings.date.isoformat()}-{key[:8]}.mp3"
        for suffix in (".mp3", *SIDECARS):
            shutil.copyfile(folder / f"bulletin{suffix}", mp3.with_suffix(suffix))
        if mp3.stat().st_size != data["size"]:
            raise ValueError("the remembered MP3 is incomplete")
    except (OSError, ValueError, KeyError) as exc:
        if folder.exists():
            log.warning("remembered bulletin %s is unusable (%s); assembling again", key[:8], exc)
            shutil.rmtree(folder, ignore_errors=True)
        return None
    (folder / "bulletin.json").touch()
    return Bulletin(script=speech.script, audio=mp3, duration=data["duration"],
                    chapters=[Chapter(**c) for c in data["chapters"]], cues=[Cue(**c) for c in data["cues"]],
                    engine=speech.engine, fallbacks=speech.fallbacks, synthesized=speech.synthesized,
                    synthesized_items=speech.synthesized_items)


def remember(key: str, bulletin: Bulletin, settings: Settings) -> None:
    folder = _folder(settings, key)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for suffix in (".mp3", *SIDECARS):
        shutil.copyfile(bulletin.audio.with_suffix(suffix), tmp / f"bulletin{suffix}")
    write_atomic(tmp / "bulletin.json", json.dumps({
        "duration": bulletin.duration, "size": bulletin.audio.stat().st_size,
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
