"""The leads stage: articles -> spoken items (headline + lead within a time budget)."""

from __future__ import annotations

from ..context import Context
from ..errors import InputError
from ..models import Article, Item
from .summarize import headline_from, lead_of, speaking_seconds

__all__ = ["write_leads", "lead_of", "speaking_seconds"]


def write_leads(articles: list[Article], ctx: Context) -> list[Item]:
    """One item per article: its headline and the lead read in about `item_seconds`."""
    settings = ctx.settings
    if not articles:
        raise InputError("the inputs hold no article to read; check them with `briefing articles`")
    items = []
    for number, article in enumerate(articles, 1):
        lead = lead_of(article, article.lead_seconds or settings.item_seconds)
        title = article.title or headline_from(lead, article.lang)
        seconds = speaking_seconds(lead, article.lang)
        if article.title:
            seconds += speaking_seconds(article.title, article.lang)
        items.append(Item(id=article.id or str(number), title=title, lead=lead, lang=article.lang,
                          seconds=seconds))
    return items
