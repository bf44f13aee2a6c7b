"""Files beside the MP3: Podcasting 2.0 chapters JSON, WebVTT and SubRip transcripts."""

from __future__ import annotations

import json
from pathlib import Path

from ..models import Chapter, Cue


def chapters_json(chapters: list[Chapter]) -> str:
    return json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title} for c in chapters]},
        ensure_ascii=False, indent=2) + "\n"


def _stamp(seconds: float, separator: str) -> str:
    millis = round(max(0.0, seconds) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _cue_text(text: str) -> str:
    # A blank line would end the cue and "-->" would confuse parsers.
    return " ".join(text.split()).replace("-->", "->")


def vtt(cues: list[Cue]) -> str:
    lines = ["WEBVTT", ""]
    for number, cue in enumerate(cues, 1):
        text = _cue_text(cue.text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines += [str(number), f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}", text, ""]
    return "\n".join(lines)


def srt(cues: list[Cue]) -> str:
    lines = []
    for number, cue in enumerate(cues, 1):
        lines += [str(number), f"{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}", _cue_text(cue.text), ""]
    return "\n".join(lines)


SUFFIXES = {"chapters": ".chapters.json", "vtt": ".vtt", "srt": ".srt"}  # kind -> suffix beside the MP3


def write_sidecars(mp3: Path, chapters: list[Chapter], cues: list[Cue]) -> dict[str, Path]:
    """Write the three sidecars next to `mp3` (same stem); return kind -> path."""
    texts = {"chapters": chapters_json(chapters), "vtt": vtt(cues), "srt": srt(cues)}
    files = {kind: mp3.with_suffix(suffix) for kind, suffix in SUFFIXES.items()}
    for kind, path in files.items():
        path.write_text(texts[kind], encoding="utf-8")
    return files
