"""What the show has broadcast: OUT/broadcast.json, beside the episode history.

One entry per story read: its source identity (feed guid or URL, when the source gave one),
its title, a fingerprint of the lead as read, the date of the episode and whether it was
read as an update. The file is replaced atomically after the episode is published, so a
build killed at any point leaves the memory of the last published episode, whole.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import PublishError
from ..files import write_atomic

MEMORY = "broadcast.json"
KEEP_DAYS = 60  # entries older than this are forgotten (repeat_days is never that long)
FINGERPRINT_CHARS = 400  # of the normalised lead: enough to tell stories apart, small on disk
SHINGLE = 3  # characters per shingle (Han characters and Latin letters alike)
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def normalised(text: str) -> str:
    """Letters and digits only, lower-cased: what two copies of a story share despite punctuation."""
    return _NOISE.sub("", text).lower()


def fingerprint(lead: str) -> str:
    return normalised(lead)[:FINGERPRINT_CHARS]


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character shingles of two fingerprints (0..1)."""
    first, second = _shingles(a), _shingles(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _shingles(text: str) -> set[str]:
    if len(text) <= SHINGLE:
        return {text} if text else set()
    return {text[i:i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


@dataclass(frozen=True)
class Broadcast:
    """One story as it went out."""

    date: dt.date
    title: str  # as written in the source (without the update mark)
    lead: str  # fingerprint of the lead as read
    identity: str | None = None  # the source's guid or URL; None when the source gave neither
    update: bool = False

    def to_json(self) -> dict:
        return {"date": self.date.isoformat(), "identity": self.identity, "title": self.title,
                "lead": self.lead, "update": self.update}

    @classmethod
    def from_json(cls, data: dict) -> Broadcast:
        return cls(date=dt.date.fromisoformat(data["date"]), identity=data.get("identity"),
                   title=str(data["title"]), lead=str(data.get("lead", "")), update=bool(data.get("update")))


def load_memory(out_dir: Path) -> list[Broadcast]:
    path = out_dir / MEMORY
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text("utf-8"))
        return [Broadcast.from_json(entry) for entry in data["stories"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise PublishError(f"{path} is damaged ({exc}); delete it to forget what was broadcast "
                           "(the next episode may then repeat recent stories)") from None


def remember(out_dir: Path, date: dt.date, stories: list[Broadcast]) -> None:
    """Record the stories of the episode of `date`, replacing what a build of that date recorded before."""
    kept = [b for b in load_memory(out_dir) if b.date != date and (date - b.date).days <= KEEP_DAYS]
    entries = sorted(kept + stories, key=lambda b: b.date, reverse=True)
    data = {"version": 1, "stories": [b.to_json() for b in entries]}
    write_atomic(out_dir / MEMORY, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def recent(memory: list[Broadcast], date: dt.date, days: int) -> list[Broadcast]:
    """What went out in the `days` days before `date` (not `date` itself: a rebuild replaces that episode)."""
    return [b for b in memory if 1 <= (date - b.date).days <= days]
