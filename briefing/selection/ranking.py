"""How important a story is, from what the sources themselves say about it.

A newspaper puts its biggest story at the top of the front page and gives it the most
room; a feed lists its newest and biggest first; a story many sources carry matters to
more people; yesterday's story matters less than this morning's. The score adds these up
(weights below); ties keep the order the stories were read in.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections import Counter
from dataclasses import dataclass

from ..models import Article

PLACE_WEIGHT = 1.0  # top of its page or feed = 1, its last story = 0
INPUT_WEIGHT = 0.5  # the first input (the front page, the main feed) = 1, the last = 0
COVERAGE_WEIGHT = 0.6  # per other source carrying the same story (at most COVERAGE_CAP of them)
COVERAGE_CAP = 3
ROOM_WEIGHT = 0.4  # the story's length against the day's longest: the room the source gave it
RECENCY_WEIGHT = 0.3  # published on the episode's date = 1, RECENCY_DAYS before = 0
RECENCY_DAYS = 3
UNKNOWN_RECENCY = 0.5


@dataclass(frozen=True)
class Ranked:
    article: Article
    score: float
    parts: dict[str, float]  # each term of the score, for --debug


def rank(articles: list[Article], date: dt.date) -> list[Ranked]:
    """The stories, most important first."""
    sources = list(dict.fromkeys(a.source or "" for a in articles))
    per_source = Counter(a.source or "" for a in articles)
    seen: Counter[str] = Counter()
    longest = max((_chars(a) for a in articles), default=1) or 1
    ranked = []
    for article in articles:
        source = article.source or ""
        place_index = seen[source]
        seen[source] += 1
        parts = {
            "place": PLACE_WEIGHT * _share(place_index, per_source[source]),
            "input": INPUT_WEIGHT * _share(sources.index(source), len(sources)),
            "coverage": COVERAGE_WEIGHT * min(article.coverage - 1, COVERAGE_CAP),
            "room": ROOM_WEIGHT * _chars(article) / longest,
            "recency": RECENCY_WEIGHT * recency(article.published, date),
        }
        ranked.append(Ranked(article, sum(parts.values()), parts))
    return sorted(ranked, key=lambda r: -r.score)  # stable: ties keep the reading order


def _share(index: int, count: int) -> float:
    return 1.0 - index / (count - 1) if count > 1 else 1.0


def _chars(article: Article) -> int:
    return sum(len(p) for p in article.paragraphs)


def recency(published: str | None, date: dt.date) -> float:
    """1 for a story of the episode's date (or later), falling to 0 over RECENCY_DAYS days."""
    day = published_date(published)
    if day is None:
        return UNKNOWN_RECENCY
    return max(0.0, 1.0 - max(0, (date - day).days) / RECENCY_DAYS)


def published_date(published: str | None) -> dt.date | None:
    """The date of an RFC 2822 (RSS) or ISO 8601 (Atom, JSON) time stamp; None when unreadable."""
    if not published:
        return None
    text = published.strip()
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None
