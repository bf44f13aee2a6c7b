"""The leads stage: articles -> spoken items (headline + lead within a time budget)."""

from __future__ import annotations

from ..context import Context
from ..errors import ConfigError, InputError
from ..models import Article, Item, Lang
from ..settings import Settings
from ..speak.voices import configured_voice
from .summarize import (
    Considered,
    LeadChoice,
    choose_lead,
    headline_from,
    lead_of,
    pace,
    speaking_seconds,
)

__all__ = ["Considered", "LeadChoice", "explain_leads", "lead_of", "speaking_seconds", "write_leads"]


def write_leads(articles: list[Article], ctx: Context) -> list[Item]:
    """One item per article: its headline and the lead read in about `item_seconds`."""
    settings = ctx.settings
    if not articles:
        raise InputError("the inputs hold no article to read; check them with `briefing articles`")
    items = []
    for number, article in enumerate(articles, 1):
        faster = pace(_known_voice(settings, article.lang), article.lang)
        lead = lead_of(article, (article.lead_seconds or settings.leads.item_seconds) * faster)
        title = article.title or headline_from(lead, article.lang)
        seconds = speaking_seconds(lead, article.lang)
        if article.title:
            seconds += speaking_seconds(article.title, article.lang)
        seconds /= faster
        items.append(Item(id=article.id or str(number), title=title, lead=lead, lang=article.lang,
                          seconds=seconds, url=_web_link(article.url)))
    return items


def _known_voice(settings: Settings, lang: Lang) -> tuple[str, str] | None:
    """The (engine, voice) that will read `lang`, when the engine is chosen already (not `auto`,
    which is decided when the voices speak): its measured rate sets the lead's length."""
    engine = settings.speak.engine
    if engine == "auto":
        return None
    if settings.speak.voice and lang == settings.show.language:
        return engine, settings.speak.voice
    try:
        return engine, configured_voice(settings, lang, engine)
    except ConfigError:
        return None


def _web_link(url: str | None) -> str | None:
    """An article's address worth linking to from the show page: http(s) only."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def explain_leads(articles: list[Article], ctx: Context) -> list[tuple[Item, LeadChoice]]:
    """Each item with how its lead was chosen: every unit considered, its score, kept or why not."""
    items = write_leads(articles, ctx)
    return [(item, choose_lead(article, ctx.settings.leads.item_seconds)) for item, article in zip(items, articles)]
