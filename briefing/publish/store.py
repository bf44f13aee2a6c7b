"""The episode history (OUT/episodes.json): the source the feed is made from."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import PublishError
from ..models import Episode
from ..files import write_atomic

INDEX = "episodes.json"


def load_episodes(out_dir: Path) -> list[Episode]:
    path = out_dir / INDEX
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text("utf-8"))
        return [Episode.from_json(e) for e in data["episodes"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise PublishError(f"{path} is damaged ({exc}); restore it from a backup or delete it to start a new feed") from None


def save_episodes(out_dir: Path, episodes: list[Episode], podcast_guid: str | None = None) -> None:
    data: dict = {"version": 1, "episodes": [e.to_json() for e in episodes]}
    if podcast_guid:
        data["podcast_guid"] = podcast_guid  # the show's identity: assigned once, kept with its history
    write_atomic(out_dir / INDEX, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def load_podcast_guid(out_dir: Path) -> str | None:
    """The podcast:guid kept with the history, or None (a new show, or one made before it was kept)."""
    path = out_dir / INDEX
    try:
        guid = json.loads(path.read_text("utf-8")).get("podcast_guid")
    except (OSError, ValueError, AttributeError):
        return None
    return guid if isinstance(guid, str) and guid else None


def merge_episode(episodes: list[Episode], new: Episode, keep: int | None) -> tuple[list[Episode], list[Episode]]:
    """Put `new` in place of any episode of the same date; newest first; keep at most `keep`.

    Returns (the episodes to list, the episodes no longer listed)."""
    replaced = [e for e in episodes if e.date == new.date]
    listed = sorted([e for e in episodes if e.date != new.date] + [new], key=lambda e: e.date, reverse=True)
    retired = replaced + (listed[keep:] if keep else [])
    return (listed[:keep] if keep else listed), retired
