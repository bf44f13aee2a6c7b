"""The publish stage: bulletin -> episode files under OUT/episodes/ and OUT/feed.xml.

Order matters for crash safety: new files land under new names first, then the episode
history and the feed are replaced atomically, and only then are retired files removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import uuid
from pathlib import Path

from mutagen.mp3 import MP3

from ..artwork import cover_file
from ..audio import episode_title
from ..context import Context
from ..models import Bulletin, Episode, Item
from ..settings import Settings
from .feed import media_url, render_feed
from .files import move_atomic, write_atomic
from .store import load_episodes, merge_episode, save_episodes

log = logging.getLogger(__name__)

EPISODES = "episodes"
FEED = "feed.xml"
SIDECAR_SUFFIXES = {"chapters": ".chapters.json", "vtt": ".vtt", "srt": ".srt"}


def episode_guid(settings: Settings, date: dt.date) -> str:
    """A guid derived from the feed and the date: stable across rebuilds of that date."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, settings.feed_url + '#' + date.isoformat())}"


def publish(bulletin: Bulletin, ctx: Context) -> Episode:
    settings = ctx.settings
    ctx.progress.stage("publishing")
    out = settings.out_dir
    episodes_dir = out / EPISODES
    episodes_dir.mkdir(parents=True, exist_ok=True)
    history = load_episodes(out)
    previous = next((e for e in history if e.date == settings.date), None)

    media = bulletin.audio.name
    sidecars = {}
    for kind, suffix in SIDECAR_SUFFIXES.items():
        staged = bulletin.audio.with_suffix(suffix)
        if staged.exists():
            move_atomic(staged, episodes_dir / staged.name)
            sidecars[kind] = staged.name
    move_atomic(bulletin.audio, episodes_dir / media)
    path = episodes_dir / media
    script = bulletin.script
    episode = Episode(
        guid=previous.guid if previous else episode_guid(settings, settings.date),
        date=settings.date,
        title=episode_title(script),
        summary=_summary(script.items),
        headlines=[item.title for item in script.items],
        media=media,
        length=path.stat().st_size,
        duration=MP3(str(path)).info.length,
        published=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        engine=bulletin.engine,
        sidecars=sidecars,
    )
    listed, retired = merge_episode(history, episode, settings.keep)
    save_episodes(out, listed)
    write_atomic(out / FEED, render_feed(listed, settings, cover_file(settings).name))
    _remove_files(episodes_dir, [e for e in retired if e.media != episode.media])
    shutil.rmtree(out / ".staging", ignore_errors=True)
    log.info("published %s", media_url(settings, media))
    return episode


def _summary(items: list[Item]) -> str:
    return "\n".join(f"{n}. {item.title}" for n, item in enumerate(items, 1))


def _remove_files(folder: Path, episodes: list[Episode]) -> None:
    for episode in episodes:
        for name in [episode.media, *episode.sidecars.values()]:
            (folder / name).unlink(missing_ok=True)
