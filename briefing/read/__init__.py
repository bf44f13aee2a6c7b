"""The read stage: inputs (files, URLs) -> articles.

Each input format is an entry in FORMATS with a sniffer and a reader; the format is
detected from the content unless the user names one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..context import Context
from ..errors import InputError, unknown_name
from ..models import Article, Source
from . import feed, html, markdown, page, structured
from .dateline import take_dateline
from .dedupe import drop_duplicates
from .source import Document, expand_folders, load

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InputFormat:
    name: str
    sniff: Callable[[Document], bool]
    read: Callable[[Document], list[Article]]


def _always(doc: Document) -> bool:
    return True


# Detection tries these in order; the last one takes any text.
FORMATS: dict[str, InputFormat] = {f.name: f for f in (
    InputFormat("jsonl", structured.sniff_jsonl, structured.read_jsonl),
    InputFormat("json", structured.sniff_json, structured.read_json),
    InputFormat("feed", feed.sniff, feed.read),
    InputFormat("html", html.sniff, html.read),
    InputFormat("markdown", markdown.sniff, markdown.read),
    InputFormat("page", _always, page.read),
)}


def detect_format(doc: Document) -> InputFormat:
    return next(f for f in FORMATS.values() if f.sniff(doc))


def read_document(source: str, format_name: str | None = None, allow_private_links: bool = False) -> list[Article]:
    """Read one input into articles; the pages it links to are fetched within INPUT_DEADLINE,
    and only from public hosts unless `allow_private_links`."""
    if format_name is not None and format_name not in FORMATS:
        raise InputError(unknown_name("input format", format_name, list(FORMATS)))
    started = time.monotonic()
    doc = replace(load(source), allow_private_links=allow_private_links, deadline=started + feed.INPUT_DEADLINE)
    fmt = FORMATS[format_name] if format_name else detect_format(doc)
    log.debug("%s: read as %s (encoding %s)", source, fmt.name, doc.encoding)
    articles = fmt.read(doc)
    if not articles:
        raise InputError(f"{source}: found no article in it (read as {fmt.name}); " + _hint(source, fmt.name))
    for number, article in enumerate(articles, 1):
        take_dateline(article)
        article.source = article.source or source
        article.id = article.id or f"{_stem(source)}-{number:02d}"
    return articles


def read_articles(sources: list[str | Source], ctx: Context) -> list[Article]:
    """The read stage: every input, in order, without duplicate stories."""
    settings = ctx.settings
    if not sources:
        raise InputError("no input given; name a news file, folder of files, feed or page URL, "
                         "or add [[sources]] to briefing.toml")
    configured = [s if isinstance(s, Source) else Source(s) for s in sources]
    ctx.progress.stage("reading", total=len(configured))
    articles: list[Article] = []
    for source in configured:
        found = [a for location in expand_folders([source.location])
                 for a in read_document(location, settings.read.input_format, settings.read.allow_private_links)]
        articles.extend(found[: source.max_items] if source.max_items else found)
        ctx.progress.advance()
    kept, merged = drop_duplicates(articles, limit=settings.read.max_items)
    if merged:
        ctx.progress.note(f"{merged} duplicate {'story' if merged == 1 else 'stories'} read once "
                          "(--debug names them)")
    return kept


def _hint(source: str, format_name: str) -> str:
    if format_name == "page" and source.lower().endswith((".md", ".markdown")):
        return "a Markdown article starts with a '# Title' line: add one, or pass --format markdown"
    return "check the file or pass --format"


def _stem(source: str) -> str:
    name = source.rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] or "input"
