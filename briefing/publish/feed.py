"""The podcast RSS feed, made with feedgen from the episode history.

Apple's tags come from feedgen's podcast extension, with `itunes:explicit` written as
`true`/`false` (feedgen only knows yes/no/clean). Podcasting 2.0 tags
(https://podcastindex.org/namespace/1.0) come from our own feedgen extension below.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator  # first: feedgen.util needs lxml.etree imported  # isort: skip
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.ext.podcast import PodcastExtension
from feedgen.ext.podcast_entry import PodcastEntryExtension
from feedgen.util import xml_elem
from lxml import etree

from ..models import Episode
from ..settings import Settings

logging.getLogger("feedgen").setLevel(logging.WARNING)

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
SIDECAR_TYPES = {  # kind in Episode.sidecars -> (tag, MIME type); transcripts in this order
    "srt": ("transcript", "application/x-subrip"),
    "vtt": ("transcript", "text/vtt"),
    "chapters": ("chapters", "application/json+chapters"),
}


def media_url(settings: Settings, name: str) -> str:
    return f"{settings.publish.base_url}episodes/{name}"


def podcast_guid(feed_url: str) -> str:
    """podcast:guid as the Podcasting 2.0 spec defines it: UUIDv5 of the feed URL without
    its scheme and trailing slashes."""
    parts = urlsplit(feed_url)
    bare = feed_url[len(parts.scheme) + 3:] if parts.scheme else feed_url
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare.rstrip("/")))


def published_podcast_guid(feed: Path) -> str | None:
    """The podcast:guid a feed published before carries, or None."""
    try:
        root = etree.parse(str(feed)).getroot()
    except (OSError, etree.XMLSyntaxError):
        return None
    guid = root.findtext(f"channel/{{{PODCAST_NS}}}guid")
    return guid.strip() if guid and guid.strip() else None


def episode_link(settings: Settings, episode: Episode) -> str:
    """The episode's place on the show page."""
    return f"{settings.publish.base_url}#episode-{episode.date.isoformat()}"


def itunes_title(episode: Episode, show_title: str) -> str:
    """The episode title without the show's name (Apple shows both side by side)."""
    return episode.title.removeprefix(show_title).strip(" -–—:：·|") or episode.title


def default_copyright(settings: Settings) -> str:
    """The configured copyright line, else "© YEAR AUTHOR" (the year of the build's date)."""
    return settings.show.copyright or f"© {settings.date.year} {settings.show.author}"


def episode_html(episode: Episode) -> str:
    """The item description: the episode's headlines as an HTML list (apps render it)."""
    if not episode.headlines:
        return f"<p>{escape(episode.title)}</p>"
    return "<ol>" + "".join(f"<li>{escape(h)}</li>" for h in episode.headlines) + "</ol>"


class ItunesExtension(PodcastExtension):
    """feedgen's itunes:* channel tags, plus itunes:explicit as Apple documents it (true/false)."""

    def __init__(self) -> None:
        super().__init__()
        self._explicit: bool | None = None

    def explicit(self, value: bool) -> None:
        self._explicit = value

    def extend_rss(self, rss_feed):
        rss_feed = super().extend_rss(rss_feed)
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", rss_feed[0]).text = "true" if self._explicit else "false"
        return rss_feed


class PodcastIndexExtension(BaseExtension):
    """Channel tags of the Podcasting 2.0 namespace: guid, locked, updateFrequency."""

    def __init__(self) -> None:
        self.guid: str | None = None
        self.locked: tuple[bool, str] | None = None  # (locked, owner email)
        self.update_frequency: tuple[str, str] | None = None  # (rrule, label)

    def extend_ns(self):
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        if self.guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        if self.locked is not None:
            locked, owner = self.locked
            element = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            element.text = "yes" if locked else "no"
            element.attrib["owner"] = owner
        if self.update_frequency is not None:
            rrule, label = self.update_frequency
            element = xml_elem(f"{{{PODCAST_NS}}}updateFrequency", channel)
            element.attrib["rrule"] = rrule
            element.text = label
        return rss_feed


class PodcastIndexEntryExtension(BaseEntryExtension):
    """Item tags of the Podcasting 2.0 namespace: transcripts and chapters."""

    def __init__(self) -> None:
        self.links: list[tuple[str, dict[str, str]]] = []  # (tag, attributes)

    def transcript(self, url: str, mime: str, language: str) -> None:
        self.links.append(("transcript", {"url": url, "type": mime, "language": language, "rel": "captions"}))

    def chapters(self, url: str) -> None:
        self.links.append(("chapters", {"url": url, "type": "application/json+chapters"}))

    def extend_rss(self, entry):
        for tag, attributes in self.links:
            element = xml_elem(f"{{{PODCAST_NS}}}{tag}", entry)
            element.attrib.update(attributes)
        return entry


def render_feed(episodes: list[Episode], settings: Settings, cover_name: str, guid: str | None = None) -> bytes:
    """The feed; `guid` is the show's podcast:guid (None: made from the feed URL)."""
    show = settings.show
    fg = FeedGenerator()
    fg.register_extension("podcast", ItunesExtension, PodcastEntryExtension)
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.title(show.title)
    fg.description(show.description)
    fg.language(show.language)
    fg.link(href=settings.publish.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=settings.publish.base_url, rel="alternate")  # the last link() is the channel link
    fg.author({"name": show.author, "email": show.owner_email})
    fg.generator("briefing")
    fg.copyright(default_copyright(settings))
    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_owner(name=show.owner_name, email=show.owner_email)
    fg.podcast.itunes_category(show.category, show.subcategory)
    fg.podcast.explicit(show.explicit)
    fg.podcast.itunes_summary(show.description)
    fg.podcast.itunes_type("episodic")
    cover_url = settings.publish.base_url + cover_name
    fg.image(url=cover_url, title=show.title, link=settings.publish.base_url)
    fg.podcast.itunes_image(cover_url)  # feedgen drops it silently unless it ends .jpg/.png
    fg.podcastindex.guid = guid or podcast_guid(settings.publish.feed_url)
    fg.podcastindex.locked = (show.locked, show.owner_email)
    fg.podcastindex.update_frequency = ("FREQ=DAILY", "每日" if show.language == "zh" else "Daily")
    fg.lastBuildDate(dt.datetime.now(dt.UTC).replace(microsecond=0))
    for episode in sorted(episodes, key=lambda e: e.date):  # add_entry prepends: oldest first
        entry = fg.add_entry()
        entry.id(episode.guid)
        entry.guid(episode.guid, permalink=False)
        entry.title(episode.title)
        entry.link(href=episode_link(settings, episode))
        entry.podcast.itunes_title(itunes_title(episode, show.title))
        entry.podcast.itunes_episode_type("full")
        entry.podcast.itunes_author(show.author)
        entry.description(episode_html(episode))
        entry.enclosure(media_url(settings, episode.media), str(episode.length), "audio/mpeg")
        entry.pubDate(episode.published)
        entry.podcast.itunes_duration(round(episode.duration))
        entry.podcast.itunes_summary(episode.summary)
        entry.podcast.itunes_image(cover_url)
        for kind, (tag, mime) in SIDECAR_TYPES.items():
            name = episode.sidecars.get(kind)
            if not name:
                continue
            if tag == "transcript":
                entry.podcastindex.transcript(media_url(settings, name), mime, show.language)
            else:
                entry.podcastindex.chapters(media_url(settings, name))
    return fg.rss_str(pretty=True)
