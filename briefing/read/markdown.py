"""A Markdown (or plain-text) file holding one article: a heading, then paragraphs.

Parsed with markdown-it-py (CommonMark), so emphasis, links, code spans and both heading
styles (`# Title` and `Title` underlined with `===`) are read as Markdown defines them:
`file_name_here` and `2*3*4` stay as written. The first heading is the title; later
headings are subheads, kept as paragraphs; a "By ..." line under the title is the byline.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..errors import InputError
from ..models import Article
from ..text.script import HAN_RANGES
from .lang import detect_lang
from .source import Document

MAX_BYLINE_CHARS = 160  # a "By ..." line under the title, not ending a sentence, is the byline
_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-{2,})\s*$")
_BLOCKS = ("heading_open", "paragraph_open")  # images (and their alt text) are left out
_CJK_EDGE = re.compile(f"[\u3000-\u303f{HAN_RANGES}\uff00-\uffef]")  # Han text and its punctuation


def sniff(doc: Document) -> bool:
    """Opens with a heading: `# Title`, or a first line underlined with === or ---."""
    lines = [ln for ln in doc.text.splitlines()[:40]]
    first = next((k for k, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        return False
    if _ATX_HEADING.match(lines[first]):
        return True
    return first + 1 < len(lines) and bool(_SETEXT_UNDERLINE.match(lines[first + 1]))


def read(doc: Document) -> list[Article]:
    tokens = MarkdownIt("commonmark").disable(["html_block", "html_inline"]).parse(doc.text)
    title = ""
    paragraphs: list[str] = []
    for index, token in enumerate(tokens):
        if token.type not in _BLOCKS:
            continue
        text = _plain(tokens[index + 1])
        if not text:
            continue
        if token.type == "heading_open" and not title and not paragraphs:
            title = text
        else:
            paragraphs.append(text)
    if not title:
        raise InputError(f"{doc.source}: no heading to take the title from; a Markdown article starts with "
                         "a '# Title' line (or a title underlined with ===): add one")
    byline = None
    if paragraphs and re.match(r"^(By|by)\s+\S", paragraphs[0]) and len(paragraphs[0]) <= MAX_BYLINE_CHARS \
            and not paragraphs[0].endswith("."):
        byline = paragraphs.pop(0)
    return [Article(title=title, paragraphs=paragraphs, lang=detect_lang(title + " ".join(paragraphs)),
                    byline=byline, source=doc.source)]


def _plain(inline: Token) -> str:
    """The text of an inline token as a reader sees it: markup gone, line breaks joined."""
    parts: list[str] = []
    children = inline.children or []
    for index, child in enumerate(children):
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type.startswith(("em_", "strong_")) and _between_digits(parts, children[index + 1:]):
            parts.append(child.markup)  # 2*3*4 is arithmetic, not emphasis
    return _join_lines("".join(parts)).strip()


def _between_digits(before: list[str], after: list[Token]) -> bool:
    following = next((t.content for t in after if t.type == "text" and t.content), "")
    return "".join(before)[-1:].isdigit() and following[:1].isdigit()


def _join_lines(text: str) -> str:
    """A line break inside Chinese text vanishes; elsewhere it is a space."""
    pieces = text.split("\n")
    out = pieces[0]
    for piece in pieces[1:]:
        piece = piece.strip()
        glue = "" if _CJK_EDGE.match(out[-1:] or " ") and _CJK_EDGE.match(piece[:1] or " ") else " "
        out = out.rstrip() + glue + piece
    return out
