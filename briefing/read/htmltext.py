"""HTML to clean paragraphs: a feed item's HTML body, or a whole article page.

Scripts, styles and other non-text elements are dropped before any text is taken.
Whole pages go through trafilatura, which finds the article among menus and footers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any

import lxml.html
from lxml import etree

_NOT_TEXT = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
             "head", "title", "nav", "form", "button", "select", "textarea")
_BLOCKS = ("p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "pre",
           "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr",
           "figure", "figcaption", "hr", "address")
_CJK_LINE_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
_SPACE_BY_CJK_PUNCTUATION = re.compile(r"\s+(?=[，。、；：？！”’）》」』])|(?<=[，。、；：？！“‘（《「『])\s+")
MIN_ARTICLE_CHARS = 40  # less text than this on a page is a menu or a stub, not an article


@dataclass
class PageText:
    """What was extracted from an article page."""

    title: str
    paragraphs: list[str]
    author: str | None = None
    date: str | None = None
    url: str | None = None


def fragment_paragraphs(html: str) -> list[str]:
    """The paragraphs of an HTML fragment (a feed item's body); figure captions are left out."""
    if not html.strip():
        return []
    if "<" not in html:
        return _split_plain(unescape(html))
    try:
        root = lxml.html.document_fromstring(f"<html><body>{html}</body></html>")
    except (etree.ParserError, ValueError):
        return _split_plain(re.sub(r"<[^>]+>", " ", html))
    for element in root.xpath("//figcaption|//figure"):
        _drop(element)
    return _paragraphs_of(root)


def page_text(html: str, url: str | None = None) -> PageText | None:
    """The article on a web page: title, paragraphs and what the page says about it."""
    import trafilatura

    html = _CJK_LINE_BREAK.sub("", html)  # a line break inside Chinese text is not a space
    doc: Any = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, include_images=False)
    if doc is None or len((doc.text or "").strip()) < MIN_ARTICLE_CHARS:
        return None
    title = _clean(doc.title or "", join_cjk=False)
    paragraphs = [p for p in (_clean(line) for line in doc.text.splitlines()) if p]
    if paragraphs and title and paragraphs[0] == _clean(title):
        paragraphs = paragraphs[1:]
    return PageText(title=title, paragraphs=paragraphs, author=_clean(doc.author or "") or None,
                    date=doc.date or None, url=doc.url or url)


def _paragraphs_of(root) -> list[str]:
    for element in root.xpath("|".join(f"//{tag}" for tag in _NOT_TEXT)):
        _drop(element)
    for comment in root.xpath("//comment()"):
        _drop(comment)
    for element in root.iter(*_BLOCKS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    for br in root.iter("br"):
        br.tail = "\n\n" + (br.tail or "")
    return _split_plain(root.text_content())


def _drop(element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def _split_plain(text: str) -> list[str]:
    return [p for p in (_clean(block) for block in re.split(r"\n\s*\n", text)) if p]


def _clean(text: str, join_cjk: bool = True) -> str:
    """One line of text; line breaks inside Chinese text vanish, elsewhere they become a space."""
    if join_cjk:
        text = _SPACE_BY_CJK_PUNCTUATION.sub("", _CJK_LINE_BREAK.sub("", text))
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
