"""The same story from two sources appears once."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ..models import Article

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
SIMILAR_LEAD = 0.9


def _key(text: str) -> str:
    return _NOISE.sub("", text).lower()


def drop_duplicates(articles: list[Article]) -> list[Article]:
    """Keep the first of articles with the same title or a near-identical opening, with the text
    of the fullest copy, and count the copies in its `coverage`."""
    kept: list[str] = []  # the openings of the articles kept
    titles: dict[str, Article] = {}
    out: list[Article] = []
    for article in articles:
        title = _key(article.title)
        opening = _key(" ".join(article.paragraphs[:1]))[:300]
        first = titles.get(title) if title else None
        if first is None and opening:
            first = next((out[n] for n, other in enumerate(kept) if _similar(opening, other)), None)
        if first is not None:
            _absorb(first, article)
            continue
        titles[title] = article
        kept.append(opening)
        out.append(article)
    return out


def _absorb(first: Article, copy: Article) -> None:
    """`first` (the copy placed highest) takes the text of `copy` when that is fuller."""
    first.coverage += 1
    if sum(map(len, copy.paragraphs)) > sum(map(len, first.paragraphs)):
        first.paragraphs = copy.paragraphs


def _similar(a: str, b: str) -> bool:
    # the cheap upper bounds first: most pairs of a day's stories fail them
    matcher = SequenceMatcher(None, a, b)
    return (matcher.real_quick_ratio() >= SIMILAR_LEAD and matcher.quick_ratio() >= SIMILAR_LEAD
            and matcher.ratio() >= SIMILAR_LEAD)
