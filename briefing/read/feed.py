"""RSS 2.0 and Atom feeds: one article per item.

The item's full text is used when the feed carries it (content:encoded, Atom content);
otherwise the linked page is fetched and its article extracted. The DTD is removed
before parsing (xmlguard), so no entity is ever expanded and no file is ever read.
"""

from __future__ import annotations

import io
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor

from ..errors import InputError
from ..models import Article
from . import fetch, htmltext
from .lang import detect_lang
from .source import MAX_PAGE_BYTES, Document, decode, fetch_bytes, is_url
from .xmlguard import strip_dtd

log = logging.getLogger(__name__)

MAX_LINKED_PAGES = 50  # pages fetched for one feed whose items carry only a summary
LINKED_PAGES_AT_ONCE = 16  # fetches in flight for one feed (most of a fetch is waiting)
INPUT_DEADLINE = 60.0  # seconds for all the linked pages of one feed

_ROOT = re.compile(r"(?:\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>))*\s*<([\w:.-]+)", re.DOTALL | re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def root_tag(text: str) -> str | None:
    """The name of the first element of an XML or HTML document, lower-cased."""
    match = _ROOT.match(text[:20_000])
    return match.group(1).lower() if match else None


def sniff(doc: Document) -> bool:
    tag = root_tag(doc.text)
    if tag in ("rss", "feed", "rdf:rdf"):
        return True
    return tag is None and doc.content_type in ("application/rss+xml", "application/atom+xml")


def read(doc: Document) -> list[Article]:
    import feedparser

    text = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', strip_dtd(doc.text, doc.source), count=1)
    parsed = feedparser.parse(io.BytesIO(text.encode("utf-8")),
                              response_headers={"content-type": "application/xml; charset=utf-8",
                                                "content-location": doc.source if doc.is_url else ""})
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise InputError(f"{doc.source}: no items in this feed{f' ({problem})' if problem else ''}; "
                         "check that it is an RSS or Atom feed")
    pages = _linked_pages(parsed.entries, doc)
    return [a for a in (_article(entry, doc, pages) for entry in parsed.entries) if a is not None]


def _article(entry, doc: Document, pages: dict[str, htmltext.PageText | None]) -> Article | None:
    title = entry.get("title", "")
    if entry.get("title_detail", {}).get("type") == "text/html":
        title = " ".join(htmltext.fragment_paragraphs(title))
    title = " ".join(title.split())
    link = entry.get("link") or None
    paragraphs = _full_text(entry)
    page = None
    if not paragraphs and link:
        page = pages.get(link)
        paragraphs = page.paragraphs if page is not None else []
    if not paragraphs:
        paragraphs = htmltext.fragment_paragraphs(entry.get("summary", ""))
    title = title or (page.title if page is not None else "")
    if not title or not paragraphs:
        log.warning("%s: skipped an item without %s", doc.source, "any text" if title else "a title")
        return None
    return Article(
        title=title,
        paragraphs=paragraphs,
        lang=detect_lang(title + "".join(paragraphs[:5])),
        byline=entry.get("author") or (page.author if page is not None else None),
        id=entry.get("id") or None,
        url=link,
        published=entry.get("published") or entry.get("updated") or (page.date if page is not None else None),
        source=doc.source,
    )


def _full_text(entry) -> list[str]:
    """The item's full text (content:encoded, Atom content); empty when it has only a summary."""
    for content in entry.get("content", []):
        paragraphs = htmltext.fragment_paragraphs(content.get("value", ""))
        if paragraphs:
            return paragraphs
    return []


def _linked_pages(entries, doc: Document) -> dict[str, htmltext.PageText | None]:
    """The article on the page of each item that carries only a summary, fetched a few at a
    time; the first MAX_LINKED_PAGES links, all within the input's deadline."""
    links: list[str] = []
    for entry in entries:
        link = entry.get("link") or None
        if link and not _full_text(entry) and link not in links:
            if not is_url(link):
                log.warning("%s: skipped the link %r, not an http(s) URL; using the feed's summary",
                            doc.source, link[:200])
            else:
                links.append(link)
    if len(links) > MAX_LINKED_PAGES:
        log.warning("%s: %d items link to a page; fetched the first %d, the others use the feed's summary",
                    doc.source, len(links), MAX_LINKED_PAGES)
        links = links[:MAX_LINKED_PAGES]
    if not links:
        return {}
    due = doc.deadline if doc.deadline is not None else time.monotonic() + INPUT_DEADLINE
    with ThreadPoolExecutor(max_workers=min(LINKED_PAGES_AT_ONCE, len(links)), thread_name_prefix="page") as pool:
        found = list(pool.map(lambda link: _fetch_page(link, due, doc.allow_private_links), links))
    return dict(zip(links, found))


def _fetch_page(link: str, due: float, allow_private: bool) -> htmltext.PageText | None:
    """The article on one linked page; None (with a warning) when it cannot be had in time."""
    now = time.monotonic()
    if now >= due:
        log.warning("%s: not fetched, the feed's time for linked pages ran out; using the feed's summary", link)
        return None
    try:
        data, _ = fetch_bytes(link, limit=MAX_PAGE_BYTES, deadline=min(due, now + fetch.FETCH_DEADLINE),
                              public_only=not allow_private)
        html, _ = decode(data, link)
        page = htmltext.page_text(html, url=link)
    except InputError as exc:
        log.warning("%s; using the feed's summary", exc)
        return None
    if page is None:
        log.warning("%s: found no article text on the page; using the feed's summary", link)
    return page
