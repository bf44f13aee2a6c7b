"""A plain-text or Markdown file holding one article: a '# Title' line, then paragraphs."""

from __future__ import annotations

import re

from ..errors import InputError
from ..models import Article
from .lang import detect_lang
from .source import Document

MAX_BYLINE_CHARS = 160  # a "By ..." line under the title, not ending a sentence, is the byline
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")


def sniff(doc: Document) -> bool:
    first = next((ln for ln in doc.text.splitlines() if ln.strip()), "")
    return bool(_HEADING.match(first))


def read(doc: Document) -> list[Article]:
    lines = doc.text.splitlines()
    title = ""
    body: list[str] = []
    for line in lines:
        heading = _HEADING.match(line)
        if heading and not title:
            title = _plain(heading.group(1))
        elif heading:
            body.append("")
            body.append(_plain(heading.group(1)))
            body.append("")
        else:
            body.append(line)
    paragraphs = [_plain(" ".join(ln.strip() for ln in block.splitlines()))
                  for block in re.split(r"\n\s*\n", "\n".join(body))]
    paragraphs = [p for p in paragraphs if p]
    if not title:
        raise InputError(f"{doc.source}: no '# Title' line; a Markdown article starts with one, add it")
    byline = None
    if paragraphs and re.match(r"^(By|by)\s+\S", paragraphs[0]) and len(paragraphs[0]) <= MAX_BYLINE_CHARS \
            and not paragraphs[0].endswith("."):
        byline = paragraphs.pop(0)
    text = title + " ".join(paragraphs)
    return [Article(title=title, paragraphs=paragraphs, lang=detect_lang(text), byline=byline,
                    source=doc.source)]


def _plain(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    return re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text).strip()
