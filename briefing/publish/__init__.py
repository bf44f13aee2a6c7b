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

from ..artwork import cover_file
from ..assemble import episode_title
from ..context import Context
from ..errors import PublishError
from ..models import Bulletin, Episode, Item
from ..settings import Settings
from ..assemble.sidecars import SUFFIXES as SIDECAR_SUFFIXES
from ..files import move_atomic, staging_dir, write_atomic
from .feed import media_url, podcast_guid, published_podcast_guid, render_feed
from .page import render_page
from .store import load_episodes, load_podcast_guid, merge_episode, save_episodes

log = logging.getLogger(__name__)

EPISODES = "episodes"
FEED = "feed.xml"
PAGE = "index.html"


def episode_guid(settings: Settings, date: dt.date) -> str:
    """A guid derived from the feed and the date: stable across rebuilds of that date."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, settings.publish.feed_url + '#' + date.isoformat())}"


def publish(bulletin: Bulletin, ctx: Context) -> Episode:
    ctx.progress.stage("publishing")
    try:
        episode = _publish(bulletin, ctx.settings, ctx.report.engine)
    except OSError as exc:
        where = exc.filename or ctx.settings.out_dir
        raise PublishError(f"could not publish into {ctx.settings.out_dir} ({exc.strerror or exc}: {where}); "
                           "check free space and permissions, then build again (the feed as published "
                           "before still stands)") from exc
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


def _publish(bulletin: Bulletin, settings: Settings, engine: str) -> Episode:
    out = settings.out_dir
    episodes_dir = out / EPISODES
    episodes_dir.mkdir(parents=True, exist_ok=True)
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
        duration=MP3(str(path)).info.length,
        published=_published(settings.date, previous),
        engine=engine,
        sidecars=sidecars,
        chapters=bulletin.chapters,
        cues=bulletin.cues,
    )
    listed, _ = merge_episode(history, episode, settings.publish.keep)
    cover = cover_file(settings).name
    guid = show_guid(settings, out)
    save_episodes(out, listed, guid)
    write_atomic(out / FEED, render_feed(listed, settings, cover, guid))
    write_atomic(out / PAGE, render_page(listed, settings, cover))
    # Only now that no feed lists them may retired (or orphaned) files go.
    _remove_unlisted(episodes_dir, listed)
    shutil.rmtree(staging_dir(out), ignore_errors=True)
    log.info("published %s", media_url(settings, media))
    return episode


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
        return now.astimezone(dt.timezone.utc)
    return dt.datetime.combine(date, dt.time(6, 0)).astimezone().astimezone(dt.timezone.utc)


def _summary(items: list[Item]) -> str:
    return "\n".join(f"{n}. {item.title}" for n, item in enumerate(items, 1))


def _remove_unlisted(folder: Path, listed: list[Episode]) -> None:
    """Delete episode files no listed episode refers to (retired, replaced, left by a crash)."""
    keep = {name for e in listed for name in [e.media, *e.sidecars.values()]}
    for path in folder.iterdir():
        if path.name.startswith(".") or path.name in keep or not path.is_file():
            continue
        if path.name.endswith((".mp3", *SIDECAR_SUFFIXES.values())):
            path.unlink(missing_ok=True)
