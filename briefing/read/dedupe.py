"""The same story from two sources appears once.

Two articles are the same story when their titles are the same, or when the start of
their text (title and the first TEXT_CHARS characters of the body, far more than an
opening sentence a page's stories may share) overlaps in most of its character shingles
(Jaccard similarity). An inverted index from shingles to the stories kept so far finds the
candidates, so a feed of thousands of items is checked in linear time; a shingle that
many stories share (a template) carries no evidence and is not indexed further.
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from ..models import Article

log = logging.getLogger(__name__)

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
SHINGLE = 5  # characters (Chinese words are 1-4 characters; English letters run together here)
TEXT_CHARS = 800  # of the body compared, after the title
SIMILAR = 0.7  # Jaccard similarity of the shingle sets above which two stories are one
COMMON = 50  # a shingle in this many kept stories is a template's, not evidence


def _key(text: str) -> str:
    return _NOISE.sub("", text).lower()


def _shingles(article: Article) -> set[int]:
    text = _key(article.title + " ".join(article.paragraphs))[: TEXT_CHARS + len(article.title)]
    if len(text) <= SHINGLE:
        return {hash(text)} if text else set()
    return {hash(text[i:i + SHINGLE]) for i in range(len(text) - SHINGLE + 1)}


class _Index:
    def __init__(self) -> None:
        self.titles: dict[str, int] = {}
        self.postings: dict[int, list[int]] = {}
        self.sizes: list[int] = []

    def match(self, title: str, shingles: set[int]) -> int | None:
        """The kept story `shingles` repeats, if any."""
        if title and title in self.titles:
            return self.titles[title]
        shared: Counter[int] = Counter()
        for shingle in shingles:
            kept = self.postings.get(shingle)
            if kept is not None and len(kept) < COMMON:
                shared.update(kept)
        for number, common in shared.most_common(3):
            union = len(shingles) + self.sizes[number] - common
            if union and common / union >= SIMILAR:
                return number
        return None

    def add(self, title: str, shingles: set[int]) -> None:
        number = len(self.sizes)
        self.sizes.append(len(shingles))
        if title:
            self.titles.setdefault(title, number)
        for shingle in shingles:
            self.postings.setdefault(shingle, []).append(number)


def _absorb(first: Article, copy: Article) -> None:
    """`first` (the copy placed highest) counts `copy` in its coverage and takes its text when fuller."""
    first.coverage += 1
    if sum(map(len, copy.paragraphs)) > sum(map(len, first.paragraphs)):
        first.paragraphs = copy.paragraphs


def drop_duplicates(articles: list[Article], limit: int | None = None) -> tuple[list[Article], int]:
    """The first of each story (with the fullest copy's text), at most `limit` of them; and how
    many repeats were merged. Every merge is logged (shown with --debug)."""
    index = _Index()
    kept: list[Article] = []
    merged = 0
    for article in articles:
        if limit is not None and len(kept) >= limit:
            break
        title, shingles = _key(article.title), _shingles(article)
        same = index.match(title, shingles)
        if same is not None:
            merged += 1
            log.info("%s: %r is the same story as %r from %s; read once", article.source, article.title,
                     kept[same].title, kept[same].source)
            _absorb(kept[same], article)
            continue
        index.add(title, shingles)
        kept.append(article)
    return kept, merged
