"""The publish stage: bulletin -> episode files under OUT/episodes/, OUT/feed.xml and the
show page OUT/index.html.

Order matters for crash safety: new files land under new names first, then the episode
history, the feed and the page are replaced atomically, and only then are retired files
removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import uuid
from pathlib import Path

from mutagen.mp3 import MP3

from ..artwork import publish_cover
from ..assemble import episode_title, memo
from ..assemble.sidecars import SUFFIXES as SIDECAR_SUFFIXES
from ..context import Context
from ..errors import PublishError
from ..files import move_atomic, staging_dir, write_atomic
from ..models import Bulletin, Episode, Item
from ..settings import Settings
from .feed import media_url, podcast_guid, published_podcast_guid, render_feed
from .page import render_page
from .store import (
    feed_files,
    load_episodes,
    load_podcast_guid,
    merge_episode,
    save_episodes,
)

log = logging.getLogger(__name__)

EPISODES = "episodes"
FEED = "feed.xml"
PAGE = "index.html"


def episode_guid(settings: Settings, date: dt.date) -> str:
    """A guid derived from the feed and the date: stable across rebuilds of that date."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, settings.publish.feed_url + '#' + date.isoformat())}"


def publish(bulletin: Bulletin, ctx: Context) -> Episode:
    ctx.progress.stage("publishing")
    state = _PublishState()
    try:
        episode = _publish(bulletin, ctx.settings, ctx.report.engine, state, ctx.progress.note)
    except OSError as exc:
        where = exc.filename or ctx.settings.out_dir
        raise PublishError(f"could not publish into {ctx.settings.out_dir} ({exc.strerror or exc}: {where}); "
                           f"{state.where()}; free some space or fix the permissions, then build again") from exc
    if ctx.settings.show.owner_email_is_placeholder:
        ctx.progress.note(OWNER_EMAIL_NOTE)
    return episode


OWNER_EMAIL_NOTE = ("note: the feed's owner email is the placeholder briefing@example.org; podcast directories "
                    "refuse such a feed: set owner_email under [show] in briefing.toml")


def show_guid(settings: Settings, out: Path) -> str:
    """podcast:guid, assigned once: the configured one, else the one kept with the history, else
    the one a feed published before carries, else (a new show) made from the feed URL as the
    spec says. It follows the show when its URL changes."""
    return (settings.show.guid or load_podcast_guid(out) or published_podcast_guid(out / FEED)
            or podcast_guid(settings.publish.feed_url))


class _PublishState:
    """How far a publish got, for the message when it stops half-way."""

    def __init__(self) -> None:
        self.done: list[str] = []

    def where(self) -> str:
        if "feed" not in self.done:
            return "the feed as published before still stands (feed.xml and the files it lists are unchanged)"
        if "page" not in self.done:
            return "feed.xml already lists the new episode and its files are in place; only index.html is old"
        return "the new episode is published; only old files were left to remove"


def _publish(bulletin: Bulletin, settings: Settings, engine: str, state: _PublishState, note) -> Episode:
    out = settings.out_dir
    episodes_dir = out / EPISODES
    episodes_dir.mkdir(parents=True, exist_ok=True)
    published_files = feed_files(out)  # what the feed lists now: never deleted unless retired
    history = load_episodes(out)
    previous = next((e for e in history if e.date == settings.date), None)

    # Files land under names no feed has listed with other bytes: never new audio at an old URL.
    stem = f"{settings.date.isoformat()}-{_digest(bulletin.audio)}"
    sidecars = {}
    for kind, staged in bulletin.sidecars.items():
        name = stem + SIDECAR_SUFFIXES[kind]
        move_atomic(staged, episodes_dir / name)
        sidecars[kind] = name
    media = stem + ".mp3"
    path = episodes_dir / media
    move_atomic(bulletin.audio, path)
    script = bulletin.script
    episode = Episode(
        guid=previous.guid if previous else episode_guid(settings, settings.date),
        date=settings.date,
        title=episode_title(script),
        summary=_summary(script.items),
        headlines=[item.title for item in script.items],
        links=[item.url for item in script.items],
        media=media,
        length=path.stat().st_size,
        duration=_duration(path),
        published=_published(settings.date, previous),
        engine=engine,
        sidecars=sidecars,
        chapters=bulletin.chapters,
        cues=bulletin.cues,
    )
    listed, retired = merge_episode(_present(history, settings, note), episode, settings.publish.keep)
    cover = publish_cover(settings)
    guid = show_guid(settings, out)
    save_episodes(out, listed, guid)
    write_atomic(out / FEED, render_feed(listed, settings, cover, guid))
    state.done.append("feed")
    write_atomic(out / PAGE, render_page(listed, settings, cover))
    state.done.append("page")
    # Only now that no feed lists them may retired (or orphaned) files go.
    retired_files = {name for e in retired for name in [e.media, *e.sidecars.values()]}
    _remove_unlisted(episodes_dir, listed, protected=published_files - retired_files)
    shutil.rmtree(staging_dir(out), ignore_errors=True)
    log.info("published %s", media_url(settings, media))
    return episode


def _present(history: list[Episode], settings: Settings, note) -> list[Episode]:
    """The episodes whose files are all on disk with their listed length: a missing or
    changed MP3 is put back from the bulletin cache when it is there, else the episode is
    dropped from the feed (and the user told)."""
    present = []
    folder = settings.out_dir / EPISODES
    for episode in history:
        audio = folder / episode.media
        intact = audio.is_file() and audio.stat().st_size == episode.length
        if not intact and _restore(episode, settings):
            intact = True
            note(f"episode {episode.date}: {episode.media} was missing or changed; put it back from the cache")
        if intact:
            episode.sidecars = {k: v for k, v in episode.sidecars.items() if (folder / v).is_file()}
            present.append(episode)
        else:
            note(f"episode {episode.date}: {episode.media} is missing or changed and not in the cache; "
                 "dropped it from the feed")
    return present


def _restore(episode: Episode, settings: Settings) -> bool:
    digest = episode.media[: -len(".mp3")].rsplit("-", 1)[-1]
    remembered = memo.find_published(settings, digest) if len(digest) >= 8 else None
    if remembered is None:
        return False
    staging = staging_dir(settings.out_dir) / "restore"
    staging.mkdir(parents=True, exist_ok=True)
    staged = staging / episode.media
    memo.copy_bulletin(remembered, staged)
    if staged.stat().st_size != episode.length:
        return False
    folder = settings.out_dir / EPISODES
    for kind, name in episode.sidecars.items():
        move_atomic(staged.with_suffix(SIDECAR_SUFFIXES[kind]), folder / name)
    move_atomic(staged, folder / episode.media)
    return True


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:10]


def _published(date: dt.date, previous: Episode | None) -> dt.datetime:
    """A rebuild keeps its episode's time; today's episode is published now, another date's
    at 06:00 local time that day, so pubDate order follows the dates."""
    if previous is not None:
        return previous.published
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    if date == now.date():
        return now.astimezone(dt.UTC)
    return dt.datetime.combine(date, dt.time(6, 0)).astimezone().astimezone(dt.UTC)


def _summary(items: list[Item]) -> str:
    return "\n".join(f"{n}. {item.title}" for n, item in enumerate(items, 1))


def _remove_unlisted(folder: Path, listed: list[Episode], protected: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Delete episode files no listed episode refers to (retired, replaced, left by a crash),
    but none the feed as published before listed unless the history retired it."""
    keep = {name for e in listed for name in [e.media, *e.sidecars.values()]} | protected
    for path in folder.iterdir():
        if path.name.startswith(".") or path.name in keep or not path.is_file():
            continue
        if path.name.endswith((".mp3", *SIDECAR_SUFFIXES.values())):
            path.unlink(missing_ok=True)


def _duration(mp3: Path) -> float:
    info = MP3(str(mp3)).info
    if info is None:
        raise PublishError(f"{mp3} is not an MP3 that can be read; build again")
    return float(info.length)
