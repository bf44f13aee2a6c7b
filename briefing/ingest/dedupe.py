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
    kept: list[Article] = []
    titles: set[str] = set()
    for article in articles:
        title = _key(article.title)
        opening = _key(" ".join(article.paragraphs[:1]))[:300]
        if (title and title in titles) or any(
                SequenceMatcher(None, opening, _key(" ".join(k.paragraphs[:1]))[:300]).ratio() >= SIMILAR_LEAD
                for k in kept if opening):
            continue
        titles.add(title)
        kept.append(article)
    return kept
