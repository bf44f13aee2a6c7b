"""The episode history (OUT/episodes.json): the source the feed is made from."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import os
import re
from pathlib import Path
from xml.etree import ElementTree

from ..files import write_atomic
from ..models import Episode

log = logging.getLogger(__name__)

INDEX = "episodes.json"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
SIDECARS = {"chapters": ".chapters.json", "vtt": ".vtt", "srt": ".srt"}


def load_episodes(out_dir: Path) -> list[Episode]:
    """The episode history; when it is missing or damaged, the episodes rebuilt from feed.xml
    and the files on disk (a damaged history is kept aside as episodes.json.damaged)."""
    path = out_dir / INDEX
    if not path.exists():
        return recover_episodes(out_dir)
    try:
        data = json.loads(path.read_text("utf-8"))
        return [Episode.from_json(e) for e in data["episodes"]]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        aside = path.with_name(INDEX + ".damaged")
        log.warning("%s is damaged (%s); rebuilt the history from feed.xml, kept the damaged file as %s",
                    path, " ".join(str(exc).split())[:80], aside.name)
        os.replace(path, aside)
        return recover_episodes(out_dir)


def recover_episodes(out_dir: Path) -> list[Episode]:
    """The episodes feed.xml lists whose audio is on disk, as the history would hold them."""
    episodes = []
    for item in _feed_items(out_dir):
        episode = _episode_from_item(item, out_dir / "episodes")
        if episode is not None:
            episodes.append(episode)
    if episodes:
        log.warning("%s: no episode history; rebuilt %d episode(s) from feed.xml", out_dir, len(episodes))
    return episodes


def feed_files(out_dir: Path) -> set[str]:
    """The names of the files under episodes/ that feed.xml (as published now) refers to."""
    names = set()
    for item in _feed_items(out_dir):
        for element in item.iter():
            for attribute in ("url", "href"):
                value = element.get(attribute) or ""
                if "/episodes/" in value:
                    names.add(value.rsplit("/", 1)[-1])
    return names


def _feed_items(out_dir: Path) -> list[ElementTree.Element]:
    path = out_dir / "feed.xml"
    try:
        text = path.read_text("utf-8")
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            return []  # not a feed this program wrote
        return ElementTree.fromstring(text).findall("./channel/item")
    except (OSError, UnicodeDecodeError, ElementTree.ParseError):
        return []


def _episode_from_item(item: ElementTree.Element, episodes_dir: Path) -> Episode | None:
    enclosure = item.find("enclosure")
    media = (enclosure.get("url") or "").rsplit("/", 1)[-1] if enclosure is not None else ""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})-\w+\.mp3", media)
    audio = episodes_dir / media
    if match is None or not audio.is_file():
        return None
    try:
        date = dt.date.fromisoformat(match[1])
        published = email.utils.parsedate_to_datetime(item.findtext("pubDate") or "")
        duration = float(item.findtext(f"{{{ITUNES_NS}}}duration") or 0)
    except (ValueError, TypeError):
        return None
    stem = media[: -len(".mp3")]
    sidecars = {kind: stem + suffix for kind, suffix in SIDECARS.items() if (episodes_dir / (stem + suffix)).is_file()}
    summary = item.findtext(f"{{{ITUNES_NS}}}summary") or ""
    return Episode(guid=item.findtext("guid") or "", date=date, title=item.findtext("title") or "",
                   summary=summary, headlines=[re.sub(r"^\d+\.\s*", "", line) for line in summary.splitlines()],
                   media=media, length=audio.stat().st_size, duration=duration, published=published,
                   engine="", sidecars=sidecars)


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
