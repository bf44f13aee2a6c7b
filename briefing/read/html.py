"""A single web page holding one article (a local .html file or a URL)."""

from __future__ import annotations

from ..errors import InputError
from ..models import Article
from .feed import root_tag
from .htmltext import page_text
from .lang import detect_lang
from .source import Document

_HTML_ROOTS = ("html", "head", "body", "article", "main", "section", "div", "p", "h1", "header", "meta", "title")


def sniff(doc: Document) -> bool:
    if doc.content_type in ("text/html", "application/xhtml+xml"):
        return root_tag(doc.text) not in ("rss", "feed", "rdf:rdf")
    return root_tag(doc.text) in _HTML_ROOTS or doc.text.lstrip()[:15].lower() == "<!doctype html>"


def read(doc: Document) -> list[Article]:
    page = page_text(doc.text, url=doc.source if doc.is_url else None)
    if page is None or not page.paragraphs:
        raise InputError(f"{doc.source}: found no article text in this web page; "
                         "save the article itself, or pass --format page for plain text")
    title = page.title or page.paragraphs[0][:80]
    return [Article(title=title, paragraphs=page.paragraphs, lang=detect_lang(title + "".join(page.paragraphs[:5])),
                    byline=page.author, url=page.url, published=page.date, source=doc.source)]
