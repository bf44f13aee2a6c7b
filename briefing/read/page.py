"""Split a newspaper page converted from PDF to text into its articles.

A dump holds one printed line or paragraph per text line, blank lines between, no markup.
Reading it takes these passes, all on the shape of lines and their neighbours (shapes.py):

0. Read the lines: a jump line glued to a cut sentence (…的（下转第三版）) is split off;
   if most lines printed right above another are about as long (a hard wrap every 20-40
   characters), each line that fills that width is joined to the one under it.
1. Classify every line by its own shape: furniture (date line, page line, jump line),
   dateline, byline, credit, picture credit, caption, heading-like (short, no sentence
   end) or body. Whether body paragraphs open with an indent is learnt first: on such a
   page an unindented line carries on a paragraph broken across a column.
2. Correct by neighbours: a picture credit makes captions of the lines printed with it;
   a dated sentence is body where it opens a section or is indented like the body; two
   to four short lines printed as one block are a headline; a long unpunctuated line over
   a byline or dateline is a title; names alone under a headline are its byline.
3. Look again at the heading-like lines next to broken text: the first half of a
   broken paragraph becomes body (the second half starts mid-sentence, a word runs
   across the break: 纵|深, or it ends on a particle); a label printed between the two
   halves becomes furniture.
4. Walk the lines once. A run of heading-like lines opens a new article when the story
   before it has ended (closing dateline, credit line, 下转 jump line) or when a byline,
   a dateline, a 上接 jump line, an indented body, a block of adjacent headline lines, a
   column tag or label above it, or a column tag in it shows it is one; otherwise it is
   a subhead, kept as a body paragraph. Paragraphs broken across a column are joined, and
   the dateline is taken off the first paragraph.

`briefing --debug articles PAGE` logs every line's kind and the reason for it.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..models import Article
from . import shapes
from .dateline import take_dateline
from .lang import detect_lang
from .source import Document
from .wordbreak import spans_word

log = logging.getLogger(__name__)

FURNITURE, CREDIT, PHOTO, CAPTION = "furniture", "credit", "photo_credit", "caption"
DATELINE, BYLINE, HEADING, SUBHEAD, BODY = "dateline", "byline", "heading", "subhead", "body"
HEADLINE_BLOCK = "line of a headline block"
STAFF_CREDIT = "editor credit"
CAPTION_SHAPE = "caption shape (date, 图为, inline credit)"
JUMP_TO = "jump_to"  # （下转第三版）: the story goes on elsewhere, it ends here
_SKIPPED = (FURNITURE, PHOTO, CAPTION)
_HEAD_RUN = (HEADING, FURNITURE, PHOTO, CAPTION)
BLANK_LINE_SHARE = 0.2  # below this share of lines after a blank, blank lines mean nothing
MAX_COLUMN_TAG = 6  # a column tag on its own line above a title: 一线视角
MAX_VERSE_LINE = 12
MAX_LABEL = 10  # a section label: 社会, 国内新闻, 理论前沿
MAX_HEADLINE_LINE = 60  # a subtitle may be a whole sentence
MIN_WRAP, MAX_WRAP, WRAP_SLACK = 18, 45, 4  # hard wraps: every 20-40 characters, give or take
WRAP_SLACK_SHARE = 0.1  # a wrapped line is at most this much shorter than the width


@dataclass(eq=False)  # lines are compared by identity: the same text can be printed twice
class _Line:
    text: str
    indented: bool
    blanks_before: int  # blank lines between this line and the previous one
    number: int = 0  # where it starts in the input (1-based), for --debug
    kind: str = BODY
    reason: str = ""  # why the line got its kind (shown with --debug)

    @property
    def glued(self) -> bool:
        """Printed right under the previous line (same block)."""
        return self.blanks_before == 0


@dataclass(frozen=True)
class _Layout:
    indented: bool  # body paragraphs open with an indent
    glued_heads: bool  # headlines are blocks of adjacent lines


def read(doc: Document) -> list[Article]:
    lines = _lines(doc.text)
    layout = _classify(lines)
    if log.isEnabledFor(logging.DEBUG):
        for line in lines:
            log.debug("line %d %s: %s | %s", line.number, line.kind, line.reason, line.text[:40])
    articles = _Splitter(lines, layout).run()
    for article in articles:
        article.source = doc.source
        article.lang = detect_lang(article.title + "".join(article.paragraphs))
    return articles


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    blanks = 0
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.strip(shapes.SPACES)
        if not line:
            blanks += 1
            continue
        indent = raw[: len(raw) - len(raw.lstrip(shapes.SPACES))]
        indented = "\u3000" in indent or "\t" in indent or len(indent) >= 2
        line = re.sub(r"[ \u3000\u00a0\t]+", " ", line)
        glued_jump = shapes.split_glued_jump(line)
        if glued_jump:  # …的通知（下转第三版）: the marker is furniture, not text
            out.append(_Line(glued_jump[0], indented, blanks if out else 1, number))
            out.append(_Line(glued_jump[1], False, 1, number))
        else:
            out.append(_Line(line, indented, blanks if out else 1, number))
        blanks = 0
    out = _unwrapped(out)
    if sum(ln.blanks_before > 0 for ln in out) < len(out) * BLANK_LINE_SHARE:
        for ln in out:  # no blank lines between paragraphs: every line stands apart
            ln.blanks_before = max(ln.blanks_before, 1)
    return out


def _wrap_width(lines: list[_Line]) -> int | None:
    """The width text was hard-wrapped at (every 20-40 characters), if it was: most lines
    printed right above another line are then about the same length."""
    lengths = sorted(len(a.text) for a, b in itertools.pairwise(lines) if b.glued and len(a.text) >= MIN_WRAP)
    if len(lengths) < 8:
        return None
    width = lengths[len(lengths) // 2]
    near = sum(abs(n - width) <= WRAP_SLACK for n in lengths)
    return width if MIN_WRAP <= width <= MAX_WRAP and near >= 0.7 * len(lengths) else None


def _fills_the_width(text: str, width: int) -> bool:
    """Is this printed line a full one, which the wrap cut? A headline line a little shorter
    than the width, without a single punctuation mark, is not (国务院召开某某会议)."""
    if len(text) >= width:
        return True
    slack = max(2, round(width * WRAP_SLACK_SHARE))
    return len(text) >= width - slack and bool(re.search(r"[，。、；：！？,.;:!?“”（）]", text))


def _stands_alone(text: str) -> bool:
    """A line that is never part of a wrapped paragraph: furniture, a credit, a closing dateline."""
    return (shapes.is_date_or_page_line(text) or shapes.is_photo_credit(text) or shapes.is_credit(text)
            or shapes.is_tail_dateline(text) or shapes.byline_text(text) is not None)


def _unwrapped(lines: list[_Line]) -> list[_Line]:
    """Join hard-wrapped lines: a line about as long as the wrap width carries on into the
    line printed right under it; a shorter one ends its paragraph (or is a heading)."""
    width = _wrap_width(lines)
    if width is None:
        return lines
    out: list[_Line] = []
    pieces: list[list[str]] = []  # the printed lines of each paragraph, joined once at the end
    for line in lines:
        above = out[-1] if out else None
        if above is not None and line.glued and _fills_the_width(pieces[-1][-1], width) \
                and not _stands_alone(pieces[-1][-1]) and not _stands_alone(line.text) \
                and not line.text.startswith("——") and not line.indented:  # a subtitle; a new paragraph
            pieces[-1].append(line.text)
            continue
        out.append(line)
        pieces.append([line.text])
    for line, printed in zip(out, pieces):
        if len(printed) > 1:
            line.text = _join_all(printed)
    return out


def _classify(lines: list[_Line]) -> _Layout:
    """Give every line its kind; return what was learnt about the page's layout."""
    long_lines = [ln for ln in lines if len(ln.text) >= 20]
    indented = sum(ln.indented for ln in long_lines)
    indented_page = indented >= 2 and indented * 2 >= len(long_lines)
    for line in lines:
        line.kind, line.reason = _kind(line, indented_page)
    _captions_by_block(lines)
    _dated_captions_by_place(lines, indented_page)
    _title_blocks(lines)
    _long_titles(lines)
    _bare_name_bylines(lines)
    glued_heads = any(b.glued and a.kind == b.kind == HEADING for a, b in itertools.pairwise(lines))
    layout = _Layout(indented=indented_page, glued_heads=glued_heads)
    # Lines below the one looked at are not changed before the loop gets to them, so where
    # the next text line stands can be found once for all lines (a scan per line is quadratic).
    next_text = _next_indices(lines, lambda kind: kind not in _SKIPPED)
    next_past_heads = _next_indices(lines, lambda kind: kind not in _SKIPPED and kind != HEADING)
    i = 0
    before: _Line | None = None  # the last text line above line i
    while i < len(lines):
        line = lines[i]
        if line.kind not in (HEADING, SUBHEAD) or line.reason == HEADLINE_BLOCK:
            before = line if line.kind not in _SKIPPED else before
            i += 1
            continue
        k, n = next_past_heads[i], next_text[i]
        after = lines[k] if k is not None else None
        if _label_in_break(before, line, after, layout):
            i = _labels_up_to(lines, i, k)
        elif _broken_off(line, after, lines[n] if n is not None else None, layout):
            line.kind, line.reason = BODY, "first half of a paragraph broken across a column"
            before = line
            i = _labels_up_to(lines, i + 1, k)
        else:
            if _carries_on(before, line, after, layout):
                line.kind, line.reason = BODY, "end of the paragraph broken above it"
            elif _lone_label(before, line, after):
                line.kind, line.reason = FURNITURE, "short label between the halves of a broken paragraph"
            before = line if line.kind not in _SKIPPED else before
            i += 1
    return layout


def _kind(line: _Line, indented_page: bool) -> tuple[str, str]:
    text = line.text
    unindented = indented_page and not line.indented
    if shapes.is_date_or_page_line(text):
        return FURNITURE, "date or page line"
    if shapes.is_jump_line(text):
        return (JUMP_TO if "下" in text or "转" in text else FURNITURE), "jump line"
    if shapes.is_tail_dateline(text):
        return DATELINE, "dateline on its own line"
    if shapes.is_staff_credit(text):
        return CREDIT, STAFF_CREDIT
    if shapes.is_credit(text):
        return CREDIT, "bracketed line (credit)"
    if shapes.is_photo_credit(text):
        return PHOTO, "picture credit"
    if shapes.is_caption(text, line.blanks_before, unindented):
        return CAPTION, CAPTION_SHAPE
    if shapes.split_dateline(text):
        return BODY, "opens with a dateline"
    if shapes.byline_text(text) is not None and not line.indented:
        return BYLINE, "byline shape"
    if shapes.is_heading_like(text):
        if indented_page and line.indented:
            return SUBHEAD, "short, no sentence end, indented like the body"
        return HEADING, "short, no sentence end"
    return BODY, "running text"


def _captions_by_block(lines: list[_Line]) -> None:
    """A picture credit makes a caption of the lines printed with it, and of a dated
    sentence right above it (2020年2月25日，…。 / 本报记者 李 舸摄)."""
    start = 0
    for end in range(1, len(lines) + 1):
        if end < len(lines) and lines[end].glued:
            continue
        block = lines[start:end]
        if len(block) > 1 and any(ln.kind in (PHOTO, CAPTION) for ln in block):
            for ln in block:
                if ln.kind in (HEADING, BODY, CAPTION) and not ln.indented:
                    ln.kind, ln.reason = CAPTION, "printed with a picture credit"
        start = end
    for above, line in itertools.pairwise(lines):
        if line.kind == PHOTO and above.kind == BODY and shapes.is_caption_start(above.text):
            above.kind, above.reason = CAPTION, "caption-like, right above a picture credit"


def _dated_captions_by_place(lines: list[_Line], indented_page: bool) -> None:
    """A dated sentence is body text when it is indented like the paragraphs of an indented
    page (captions are set flush), or when it opens a story or section: right under a
    headline, subhead, byline or dateline (2019年9月25日，…。), unless extra blank lines set it apart."""
    before: _Line | None = None
    for line in lines:
        if line.kind == CAPTION and line.reason == CAPTION_SHAPE and shapes.is_dated_caption(line.text):
            if indented_page and line.indented:
                line.kind, line.reason = BODY, "dated sentence indented like the paragraphs"
            elif before is not None and _opens_section(before) and line.blanks_before < 2 and not indented_page:
                line.kind, line.reason = BODY, "dated sentence opening a story or section"
        if line.kind not in _SKIPPED:
            before = line


def _opens_section(line: _Line) -> bool:
    """A headline, subhead (also one printed as a paragraph: “…”), byline or dateline."""
    return line.kind in (HEADING, SUBHEAD, BYLINE, DATELINE) or line.kind == BODY \
        and shapes.subhead_shaped(line.text) and not shapes.finished(line.text) and not shapes.ends_open(line.text)


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Runs of lines printed right under each other."""
    blocks: list[list[_Line]] = []
    for line in lines:
        if blocks and line.glued:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _title_blocks(lines: list[_Line]) -> None:
    """Two to four short lines printed as one block are a headline (kicker, title, subtitle),
    even where one has a comma or quotes: 某地开展某行动，推进某事—— / 某某的新气象."""
    for block in _blocks(lines):
        if 2 <= len(block) <= 4 and all(_headline_shaped(ln) for ln in block) \
                and any(ln.kind == HEADING or ln.text.endswith("——") for ln in block):
            for ln in block:
                ln.kind, ln.reason = HEADING, HEADLINE_BLOCK


def _long_titles(lines: list[_Line]) -> None:
    """A line too long for a headline but with no punctuation at all is one when a byline
    or a dateline paragraph follows it (某某会见出席…的各国代表)."""
    for line, after in itertools.pairwise(lines):
        if line.kind == BODY and not line.indented and len(line.text) <= 2 * MAX_HEADLINE_LINE \
                and not re.search("[，,。；;！!？?：:]", line.text) and shapes.cjk_count(line.text) <= MAX_HEADLINE_LINE \
                and (after.kind == BYLINE or after.kind == BODY and shapes.split_dateline(after.text)):
            line.kind, line.reason = HEADING, "no punctuation, a byline or dateline under it"


def _bare_name_bylines(lines: list[_Line]) -> None:
    """Names alone (张文华 李 明) between a headline and the text are its byline."""
    for above, line, after in zip(lines, lines[1:], lines[2:]):
        if line.kind == HEADING and above.kind == HEADING and after.kind == BODY and shapes.is_bare_names(line.text):
            line.kind, line.reason = BYLINE, "names alone under a headline"


def _headline_shaped(line: _Line) -> bool:
    text = line.text
    return (line.kind in (HEADING, BODY) and not line.indented and len(text) <= MAX_HEADLINE_LINE
            and not text.endswith(("。", "：", ":")) and not shapes.split_dateline(text)
            and not shapes.is_caption_start(text) and not shapes.starts_mid_sentence(text))


def _labels_up_to(lines: list[_Line], start: int, end: int | None) -> int:
    """Mark the headings from `start` up to line `end` as labels printed in a column break."""
    end = len(lines) if end is None else end
    for line in lines[start:end]:
        if line.kind == HEADING:
            line.kind, line.reason = FURNITURE, "label printed in a column break"
    return end


def _next_indices(lines: list[_Line], is_text: Callable[[str], bool]) -> list[int | None]:
    """For every line, where the next line whose kind passes `is_text` stands (one backward pass)."""
    out: list[int | None] = [None] * len(lines)
    following: int | None = None
    for j in range(len(lines) - 1, -1, -1):
        out[j] = following
        if is_text(lines[j].kind):
            following = j
    return out


def _label_in_break(before: _Line | None, line: _Line, after: _Line | None, layout: _Layout) -> bool:
    """Is this heading-like line a label printed between the halves of a broken paragraph?"""
    if before is None or after is None or before.kind != BODY or after.kind != BODY or line.indented:
        return False
    if shapes.finished(before.text):  # only text that cannot open a paragraph carries on a finished one
        cannot_open = shapes.starts_mid_sentence(after.text) or layout.indented and not after.indented
        return cannot_open and shapes.is_section_label(line.text)
    if layout.indented:
        return not after.indented
    if spans_word(before.text, line.text):
        return False
    return (shapes.starts_mid_sentence(after.text) or shapes.is_section_label(line.text)
            or spans_word(before.text, after.text))


def _lone_label(before: _Line | None, line: _Line, after: _Line | None) -> bool:
    """A few characters standing alone between an unfinished paragraph and running text:
    a section label printed in the column break."""
    return (before is not None and after is not None and before.kind == BODY and after.kind == BODY
            and not shapes.finished(before.text) and not line.glued and not after.glued and not line.indented
            and len(line.text) <= MAX_LABEL and not shapes.finished(line.text))


def _carries_on(before: _Line | None, line: _Line, after: _Line | None, layout: _Layout) -> bool:
    """Is this short unindented line the end of the paragraph broken above it (and not a
    headline with a byline or dateline under it)?"""
    if before is None or before.kind != BODY or line.indented or shapes.finished(before.text):
        return False
    if not (layout.indented or shapes.finished(line.text) or shapes.starts_mid_sentence(line.text)
            or spans_word(before.text, line.text)):
        return False  # a paragraph's end has its full stop; a bare short line is a label or a heading
    return after is None or after.kind not in (BYLINE, DATELINE) and not shapes.split_dateline(after.text)


def _broken_off(line: _Line, after: _Line | None, nxt: _Line | None, layout: _Layout) -> bool:
    """Is this heading-like line the first half of a paragraph broken across a column?

    `after` is the next text line past any unindented headings (labels printed in the
    break), `nxt` the very next one."""
    if after is None or after.kind != BODY or shapes.split_dateline(after.text):
        return False
    if layout.indented:
        return line.indented and not after.indented
    if shapes.finished(line.text) or line.text.startswith("——"):
        return False
    if after is nxt and after.glued:
        return True  # running text wrapped onto the next line
    return (shapes.starts_mid_sentence(after.text) or shapes.ends_open(line.text)
            or spans_word(line.text, after.text) or _dateline_split(line.text, after.text))


def _dateline_split(first: str, second: str) -> bool:
    """新华社北京5月21 / 日电 …: a dateline broken across a column."""
    return shapes.split_dateline(first) is None and shapes.split_dateline(first + second) is not None


class _Splitter:
    """The walk over classified lines that builds the articles."""

    def __init__(self, lines: list[_Line], layout: _Layout) -> None:
        self.lines = lines
        self.layout = layout
        self.articles: list[Article] = []
        self.current: Article | None = None
        self.ended = True  # outside any story (page start, after a closing dateline or credit)
        self.joinable = False  # may the next body line continue the last paragraph?
        # The pieces of the current article's last paragraph, joined once when it is complete
        # (joining a piece at a time would copy a long paragraph again for every line).
        self.pieces: list[str] = []

    def run(self) -> list[Article]:
        i = 0
        while i < len(self.lines):
            i = self._step(i)
        self._close_paragraph()
        articles = [a for a in self.articles if a.title and a.paragraphs]
        for article in articles:
            take_dateline(article)
        return articles

    def _step(self, i: int) -> int:
        line = self.lines[i]
        if line.kind in _SKIPPED:
            return i + 1
        if line.kind in (CREDIT, JUMP_TO):
            self.ended = self.ended or bool(self.current and self.current.paragraphs)
            # an editor's credit may stand in a column break: the paragraph can carry on past it
            self.joinable = self.joinable and line.reason == STAFF_CREDIT
            return i + 1
        if line.kind == DATELINE:
            self._dateline(line)
            return i + 1
        if line.kind == HEADING:
            return self._heading_run(i)
        if line.kind == BYLINE:
            article = self.current
            if article is not None and not article.paragraphs:  # a byline may take two lines
                article.byline = " ".join(filter(None, (article.byline, shapes.byline_text(line.text) or line.text)))
            return i + 1
        self._body(line)
        return i + 1

    def _dateline(self, line: _Line) -> None:
        article = self.current
        if article is None or article.dateline is not None:
            return
        article.dateline = shapes.tail_dateline_text(line.text) or line.text
        if article.paragraphs:  # a closing dateline ends the story
            self.ended = True
            self.joinable = False

    def _heading_run(self, i: int) -> int:
        j = i
        while j < len(self.lines) and self.lines[j].kind in _HEAD_RUN:
            j += 1
        heads = [ln for ln in self.lines[i:j] if ln.kind == HEADING]
        after = self.lines[j] if j < len(self.lines) else None
        if after is None or after.kind == CREDIT or after.kind == DATELINE and not self._body_follows(j):
            return j  # a headline with no story under it: a closing or repeated headline
        continued = any(ln.kind == FURNITURE and shapes.is_jump_line(ln.text) for ln in self.lines[i:j])
        if continued or self._strong_start(heads, after, j) or self.ended or self.current is None \
                or self._weak_start(heads, after):  # 标题 / （上接第一版）: a story continued here is one
            self._start(heads)
        else:  # subheads inside the story; a section label there is only furniture
            for head in heads:
                if not shapes.is_section_label(head.text):
                    self._append(head.text, joinable=False)
        return j

    def _body_follows(self, j: int) -> bool:
        return j + 1 < len(self.lines) and self.lines[j + 1].kind in (BODY, SUBHEAD)

    def _strong_start(self, heads: list[_Line], after: _Line, j: int) -> bool:
        """A byline or a dateline under the headline, or a —— subtitle in it."""
        if after.kind == BYLINE or after.kind == DATELINE:
            return True
        if after.kind in (BODY, SUBHEAD) and shapes.split_dateline(after.text):
            return True
        following = self.lines[j + 1:j + 2]
        if following and after.kind == BODY and _dateline_split(after.text, following[0].text):
            return True
        return any(h.text.startswith("——") for h in heads[1:])

    def _weak_start(self, heads: list[_Line], after: _Line) -> bool:
        """An indented body under unindented headings, a block of adjacent headline lines,
        or, on a page printed without blocks, two headline lines that are not a couplet of
        subheads (加强战略谋划 / 坚持平战结合)."""
        if self.layout.indented and after.indented and after.kind in (BODY, SUBHEAD):
            return True
        if any(b.glued for a, b in itertools.pairwise(heads) if not shapes.is_section_label(a.text)):
            return True
        if len(heads) >= 2 and not heads[-1].glued and all(_label_like(h.text, heads[-1].text) for h in heads[:-1]):
            return True  # 科技 / 创新谈 / 标题: labels or a column tag standing above a headline
        if any(_has_column_tag(h.text) for h in heads):
            return True  # 某某评论（今日谈）: a title carrying its column tag
        if self.current is not None and self.current.paragraphs and shapes.split_dateline(self.current.paragraphs[0]) \
                and not any(shapes.is_numbered(h.text) for h in heads):
            return True  # a dispatch (it opened with a dateline) is not cut by unnumbered subheads
        if self.layout.glued_heads:
            return False
        lines = [h.text for h in heads if not shapes.is_section_label(h.text)]
        if len(lines) < 2 or any(re.search("[，,]", t) for t in lines):
            return False
        return len({len(t) for t in lines}) > 1 or any(t.endswith("——") for t in lines)

    def _start(self, heads: list[_Line]) -> None:
        self._close_paragraph()
        self.current = _headline(heads, self.layout)
        self.articles.append(self.current)
        self.ended = False
        self.joinable = False

    def _body(self, line: _Line) -> None:
        text = line.text
        if self.current is None:
            self.current = Article(title="", paragraphs=[])
            self.articles.append(self.current)
        if self.joinable and self._continues(line):
            self.pieces.append(text)
        else:
            self._append(text, joinable=True)
        self.joinable = line.kind == BODY
        self.ended = False

    def _append(self, text: str, joinable: bool) -> None:
        if self.current is None:
            return
        self._close_paragraph()
        self.current.paragraphs.append(text)
        self.pieces = [text]
        self.joinable = joinable

    def _close_paragraph(self) -> None:
        if len(self.pieces) > 1 and self.current is not None:
            self.current.paragraphs[-1] = _join_all(self.pieces)
        self.pieces = []

    def _last_paragraph(self) -> str:
        """The open paragraph, or its last two pieces when it has more (enough to judge its end)."""
        return self.pieces[0] if len(self.pieces) == 1 else _join_all(self.pieces[-2:])

    def _continues(self, line: _Line) -> bool:
        """Does this body line carry on the last paragraph (a column break, not a new paragraph)?"""
        if line.kind != BODY or shapes.split_dateline(line.text) or self.current is None or not self.pieces:
            return False
        if shapes.starts_mid_sentence(line.text):
            return True
        if self.layout.indented:
            return not line.indented
        if not line.glued:
            last = self._last_paragraph()
            if shapes.finished(last):
                return False
            if len(last) <= MAX_VERSE_LINE and len(line.text) <= MAX_VERSE_LINE:
                return False  # lines of a verse (城市书房多， / 阅读不打烊。), not a broken paragraph
            if shapes.subhead_shaped(last):  # a subhead, unless the break shows in the words
                return shapes.ends_open(last) or spans_word(last, line.text)
            return True
        return True  # a hard-wrapped paragraph: adjacent lines of running text


def _headline(heads: list[_Line], layout: _Layout) -> Article:
    """Kicker, title and subtitle from the heading lines that open a story."""
    lines, kicker_apart = _headline_block(heads, layout)
    subtitle = None
    for k, line in enumerate(lines[1:], 1):
        if line.startswith("——"):
            subtitle = line.lstrip("—").strip()
            lines = lines[:k]
            break
    lines = _merge_wrapped(lines)
    kicker = None
    if len(lines) >= 3 and subtitle is None:
        kicker, title, subtitle = " ".join(lines[:-2]), lines[-2], lines[-1]
    elif len(lines) >= 2:
        if subtitle is None and not kicker_apart and _title_then_subtitle(lines[-2], lines[-1]):
            kicker = " ".join(lines[:-2]) or None
            title, subtitle = lines[-2], lines[-1]
        else:
            kicker, title = " ".join(lines[:-1]), lines[-1]
    else:
        title = lines[0] if lines else ""
    return Article(title=_without_column_tag(title), paragraphs=[], kicker=kicker, subtitle=subtitle)


def _headline_block(heads: list[_Line], layout: _Layout) -> tuple[list[str], bool]:
    """The lines of the headline proper, without the section labels printed above it, and
    whether its first line was printed apart (a kicker or column tag, never the title)."""
    blocks: list[list[_Line]] = []
    for head in heads:
        if blocks and (head.glued or head.text.startswith("——")):
            blocks[-1].append(head)
        else:
            blocks.append([head])
    if not blocks:
        return [], False
    last = blocks[-1]
    if not layout.glued_heads and len(blocks) >= 2 and len(blocks[-2]) == 1 \
            and not shapes.is_section_label(blocks[-2][0].text):
        return [ln.text for ln in blocks[-2] + last], len(last) == 1  # printed apart: the line above is the kicker
    return [ln.text for ln in last], False


def _merge_wrapped(lines: list[str]) -> list[str]:
    """Join a title wrapped over two lines (the first ends where no headline can end)."""
    out: list[str] = []
    for line in lines:
        if out and (out[-1].endswith(tuple("的和与及对把将从第，,、")) or shapes.starts_mid_sentence(line)):
            out[-1] = _join(out[-1], line)
        else:
            out.append(line)
    return out


_PRESIDED = ("主持", "出席", "讲话", "致辞", "发言")


def _title_then_subtitle(first: str, second: str) -> bool:
    """Two headline lines without marks: title + subtitle (rather than kicker + title)?

    A kicker ends with —— or a colon; a subtitle adds the figures (27个省份恢复…), a clause
    (某某，形成…) or who presided (某某主持, 某某出席并讲话)."""
    if first.endswith(("——", "：", ":")):
        return False
    presided = second.split()[-1] if second.split() else ""  # 某某主持, 围绕…议政 某某主持
    if second[:1].isdigit() or "%" in second or "％" in second or len(presided) <= 12 and presided.endswith(_PRESIDED):
        return True
    clause = re.compile("[，,。；;]")
    return bool(clause.search(second)) and not clause.search(first) and len(second) > len(first)


def _label_like(text: str, title: str) -> bool:
    """A section label or a short column tag (一线视角, 创新谈) above `title`: a few characters,
    no punctuation, shorter than the title (加强战略谋划 / 坚持平战结合 is a couplet of subheads)."""
    return shapes.is_section_label(text) or shapes.cjk_count(text) <= MAX_COLUMN_TAG \
        and not re.search(r"[^\w\s·]", text) and len(text) < len(title)


def _has_column_tag(title: str) -> bool:
    return _without_column_tag(title) != title


def _without_column_tag(title: str) -> str:
    """支持复工复产十条举措推出（国务院联防联控机制发布会） -> the title without the column tag."""
    stripped = re.sub(r"\s*[（(][^（）()]{2,30}[）)]$", "", title)
    return stripped if shapes.cjk_count(stripped) >= 4 or len(stripped) >= 12 else title


def _join_all(pieces: list[str]) -> str:
    """Join many printed lines in one pass (joining them one by one copies the text each time)."""
    out = [pieces[0]]
    for piece in pieces[1:]:
        joined = _join(out[-1], piece)  # always ends with `piece` itself
        out[-1] = joined[:len(joined) - len(piece)]
        out.append(piece)
    return "".join(out)


def _join(first: str, second: str) -> str:
    """Join two halves of a paragraph: nothing between Chinese text, a space between Latin words."""
    if shapes.cjk_count(first[-20:]) or shapes.cjk_count(second[:20]):
        return first + second
    if first.endswith("-") and first[-2:-1].isalpha() and second[:1].islower():
        return first[:-1] + second  # a word hyphenated at the line end
    return f"{first} {second}"
