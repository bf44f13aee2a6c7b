"""The podcast RSS feed, made with feedgen from the episode history."""

from __future__ import annotations

import datetime as dt
import logging

from feedgen.feed import FeedGenerator

from ..models import Episode
from ..settings import Settings

logging.getLogger("feedgen").setLevel(logging.WARNING)


def media_url(settings: Settings, name: str) -> str:
    return f"{settings.base_url}episodes/{name}"


def render_feed(episodes: list[Episode], settings: Settings, cover_name: str) -> bytes:
    show = settings.show
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title(show.title)
    fg.description(show.description)
    fg.language(show.language)
    fg.link(href=settings.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=settings.base_url, rel="alternate")  # the last link() is the channel link
    fg.author({"name": show.author, "email": show.owner_email})
    fg.generator("briefing")
    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_owner(name=show.owner_name, email=show.owner_email)
    fg.podcast.itunes_category(show.category, show.subcategory)
    fg.podcast.itunes_explicit("yes" if show.explicit else "no")
    fg.podcast.itunes_summary(show.description)
    cover_url = settings.base_url + cover_name
    fg.image(url=cover_url, title=show.title, link=settings.base_url)
    fg.podcast.itunes_image(cover_url)
    fg.lastBuildDate(max((e.published for e in episodes), default=dt.datetime.now(dt.timezone.utc)))
    for episode in sorted(episodes, key=lambda e: e.date):  # add_entry prepends: oldest first
        entry = fg.add_entry()
        entry.id(episode.guid)
        entry.guid(episode.guid, permalink=False)
        entry.title(episode.title)
        entry.description(episode.summary)
        entry.enclosure(media_url(settings, episode.media), str(episode.length), "audio/mpeg")
        entry.pubDate(episode.published)
        entry.podcast.itunes_duration(int(round(episode.duration)))
        entry.podcast.itunes_summary(episode.summary)
        entry.podcast.itunes_image(cover_url)
    return fg.rss_str(pretty=True)
