"""The leads stage: articles -> spoken items (headline + lead within a time budget)."""

from __future__ import annotations

from ..models import Article, Item
from ..context import Context
from ..errors import InputError
from .summarize import lead_of, speaking_seconds


def write_leads(articles: list[Article], ctx: Context) -> list[Item]:
    settings = ctx.settings
    if not articles:
        raise InputError("the inputs hold no article to read; check them with `briefing articles`")
    items = []
    for number, article in enumerate(articles, 1):
        lead = lead_of(article, settings.item_seconds)
        seconds = speaking_seconds(article.title, article.lang) + speaking_seconds(lead, article.lang)
        items.append(Item(id=article.id or str(number), title=article.title, lead=lead, lang=article.lang,
                          seconds=seconds))
    return items
