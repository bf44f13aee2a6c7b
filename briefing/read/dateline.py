"""The dateline of an article in its own field, whatever the input it was read from."""

from __future__ import annotations

from ..models import Article
from . import shapes


def take_dateline(article: Article) -> None:
    """Move the dateline opening the first paragraph (新华社北京2月15日电) to its field;
    reporters printed under a dateline that stood on its own line go with it."""
    if not article.paragraphs:
        return
    first = article.paragraphs[0]
    if article.dateline is None:
        split = shapes.split_dateline(first)
        if split and split[1]:
            article.dateline, article.paragraphs[0] = split
        return
    split = shapes.split_reporters(first)
    if split and split[1]:
        reporters, article.paragraphs[0] = split
        article.dateline = f"{article.dateline} {reporters}"
