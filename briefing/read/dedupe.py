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
    """Keep the first of articles with the same title or a near-identical opening."""
    kept: list[str] = []  # the openings of the articles kept
    titles: set[str] = set()
    out: list[Article] = []
    for article in articles:
        title = _key(article.title)
        opening = _key(" ".join(article.paragraphs[:1]))[:300]
        if (title and title in titles) or (opening and any(_similar(opening, other) for other in kept)):
            continue
        titles.add(title)
        kept.append(opening)
        out.append(article)
    return out


def _similar(a: str, b: str) -> bool:
    # the cheap upper bounds first: most pairs of a day's stories fail them
    matcher = SequenceMatcher(None, a, b)
    return (matcher.real_quick_ratio() >= SIMILAR_LEAD and matcher.quick_ratio() >= SIMILAR_LEAD
            and matcher.ratio() >= SIMILAR_LEAD)
