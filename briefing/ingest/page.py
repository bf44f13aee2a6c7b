"""Split a newspaper page converted from PDF to text into its articles.

The dump has one paragraph per line, blank lines between, and no markup. Each line is
classified by its shape (heading, byline, dateline, caption, credit, furniture, body),
then headings that open a story (followed by a byline or a dateline, or after the end of
the previous story) start a new article; other headings inside a story are subheads.
Paragraphs broken across a column (no sentence end before the blank line) are joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Article
from .lang import detect_lang
from .source import Document

_SPACE = "\u3000\u00a0\t "
_SENTENCE_END = "。！？!?…；;：:”’」』)）》"
_AGENCY = r"(?:新华社|本报|中新社|人民日报|\S{1,8}(?:社|报|台|网))"
_DATE = r"\d{1,2}月\d{1,2}日"
_TAIL_DATELINE = re.compile(rf"^{_AGENCY}\S{{0,12}}?{_DATE}(?:电|讯)$")
_LEAD_DATELINE = re.compile(
    rf"^(?P<dl>(?:{_AGENCY}\S{{0,12}}?{_DATE}(?:电|讯)|本报讯)"
    r"\s*(?:[（(](?:记者|通讯员)[^）)]{0,60}[）)])?)\s*(?P<rest>.*)$")
_BYLINE = re.compile(r"^■\s*(?P<by>.+)$")
_PLAIN_BYLINE = re.compile(r"^(?:\S{0,10}(?:记者|通讯员|特约撰稿人)\s*\S.{0,40})$")
_CREDIT = re.compile(r"(?:■\s*)?(?:\S{0,10}(?:社|报)(?:记者|通讯员)?\s*\S{1,12}\s*(?:摄|发)|新华社发(?:\s*\S{1,12})?)$")
_CAPTION_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日[,，]")
_PAREN_CREDIT = re.compile(r"^[（(][^（）()]*(?:记者|通讯员|编辑)[^（）()]*[）)]$")
_STAFF_CREDIT = re.compile(r"^(?:本期|本版)?(?:统筹|编辑|责编|责任编辑|策划|制图|校对)[：:]")
_FURNITURE = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日\s*星期\S|\d{1,3}(?:\s+\S{1,6})?|第?\d{1,3}版.*)$")

MAX_HEADING_CHARS = 40


@dataclass
class _Line:
    text: str
    blanks_before: int
    kind: str = "body"  # body | heading | byline | tail_dateline | caption | credit | furniture


def read(doc: Document) -> list[Article]:
    lines = _classify(_lines(doc.text))
    articles = _group(lines)
    for article in articles:
        article.source = doc.source
        article.lang = detect_lang(article.title + "".join(article.paragraphs))
    return articles


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    blanks = 0
    for raw in text.split("\n"):
        line = raw.strip(_SPACE)
        if not line:
            blanks += 1
            continue
        out.append(_Line(re.sub(r"[ \u3000]{2,}", " ", line), blanks))
        blanks = 0
    return out


def _classify(lines: list[_Line]) -> list[_Line]:
    for i, line in enumerate(lines):
        text = line.text
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if _TAIL_DATELINE.match(text):
            line.kind = "tail_dateline"
        elif _BYLINE.match(text) and " ■" not in text and not _CREDIT.search(text):
            line.kind = "byline"
        elif _PAREN_CREDIT.match(text) or _STAFF_CREDIT.match(text):
            line.kind = "credit"
        elif _is_caption(line, nxt):
            line.kind = "caption"
        elif _CREDIT.fullmatch(text.lstrip("■ ")) and len(text) <= 30:
            line.kind = "credit"
        elif _FURNITURE.match(text):
            line.kind = "furniture"
        elif _PLAIN_BYLINE.match(text) and not re.search(r"[。，,；;！!？?]", text) and len(text) <= 40:
            line.kind = "byline"
        elif _is_heading(text):
            line.kind = "heading"
    return lines


def _is_caption(line: _Line, nxt: _Line | None) -> bool:
    text = line.text
    if " ■" in text or (re.search(r"■", text) and _CREDIT.search(text)):
        return True
    if _CAPTION_DATE.match(text) and len(text) <= 200:
        followed_by_credit = nxt is not None and bool(_CREDIT.fullmatch(nxt.text.lstrip("■ ")))
        return followed_by_credit or line.blanks_before >= 2 or text.count("。") <= 1 and _CREDIT.search(text) is not None
    return False


def _is_heading(text: str) -> bool:
    if len(text) > MAX_HEADING_CHARS:
        return False
    if text.startswith(("——", "—")):
        return True
    if re.search(r"[。；;，,]$", text) or "。" in text[:-1]:
        return False
    if text[:1] in "“\"" and text[-1:] in "”\"" and not re.search(r"[”\"]", text[1:-1]):
        return False  # a quoted sentence standing alone is body text
    return not text.endswith(("。", "：", ":"))


def _opens_story(lines: list[_Line], i: int, after_story_end: bool) -> bool:
    """Is the heading run starting at i the head of a new article?"""
    if after_story_end:
        return True
    j = i
    while j < len(lines) and lines[j].kind in ("heading", "caption", "credit"):
        j += 1
    if j >= len(lines):
        return False
    nxt = lines[j]
    return nxt.kind == "byline" or bool(_LEAD_DATELINE.match(nxt.text))


def _group(lines: list[_Line]) -> list[Article]:
    articles: list[Article] = []
    current: Article | None = None
    story_ended = True  # the page starts outside any story
    last_was_heading = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind in ("caption", "credit", "furniture"):
            i += 1
            continue
        if line.kind == "tail_dateline":
            if current is not None and current.dateline is None:
                current.dateline = line.text
            story_ended = True
            i += 1
            continue
        if line.kind == "heading" and _opens_story(lines, i, story_ended or current is None):
            run = []
            while i < len(lines) and lines[i].kind in ("heading", "caption", "credit", "furniture"):
                if lines[i].kind == "heading":
                    run.append(lines[i].text)
                i += 1
            if i >= len(lines) or lines[i].kind == "tail_dateline":
                continue  # headings with no story after them: a repeated or closing headline
            current = _new_article(run)
            articles.append(current)
            last_was_heading = False
            story_ended = False
            continue
        if line.kind == "byline":
            if current is not None and current.byline is None and not current.paragraphs:
                current.byline = _BYLINE.sub(r"\g<by>", line.text).strip()
            i += 1
            continue
        if current is None:
            current = Article(title=line.text if line.kind == "heading" else "", paragraphs=[])
            articles.append(current)
            story_ended = False
            if line.kind == "heading":
                i += 1
                continue
        text = line.text
        if not current.paragraphs and current.dateline is None:
            match = _LEAD_DATELINE.match(text)
            if match and match.group("rest"):
                current.dateline = match.group("dl").strip()
                text = match.group("rest").strip()
        joinable = line.kind == "body" and not last_was_heading
        _append(current.paragraphs, text, joinable=joinable)
        last_was_heading = line.kind == "heading"
        story_ended = False
        i += 1
    return [a for a in articles if a.paragraphs and a.title]


def _new_article(run: list[str]) -> Article:
    subtitle = None
    headings = list(run)
    for k, text in enumerate(headings):
        if text.startswith(("——", "—")) and k > 0:
            subtitle = text.lstrip("—").strip()
            headings = headings[:k] + headings[k + 1:]
            break
    title = headings[-1] if headings else ""
    kicker = headings[-2] if len(headings) >= 2 else None
    return Article(title=title, paragraphs=[], kicker=kicker, subtitle=subtitle)


def _append(paragraphs: list[str], text: str, joinable: bool) -> None:
    """Add a paragraph, joining it to the previous one when a column break split a sentence."""
    if paragraphs and joinable and not paragraphs[-1].endswith(tuple(_SENTENCE_END)) \
            and not paragraphs[-1].endswith("——"):
        paragraphs[-1] += text
    else:
        paragraphs.append(text)
