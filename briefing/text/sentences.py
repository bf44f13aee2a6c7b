"""Sentences and clauses of Chinese and English text, never cut inside quotes or brackets.

A sentence ends at 。！？ (or . ! ? in English) outside any quote or bracket, together with
the closing quotes that follow; a quotation that ends a sentence (“……！”) ends it too.
A short attribution after a quotation (“……。”他说。) stays with the quotation.
"""

from __future__ import annotations

import re

from ..models import Lang
from .words import jieba_module

OPENERS = "“‘「『（(《【〔［[{"
CLOSERS = "”’」』）)》】〕］]}"
_PAIR = dict(zip(OPENERS, CLOSERS))
_ZH_ENDS = "。！？!?"
_EN_ENDS = ".!?"
_ZH_CLAUSE = "，；：,;:"
_EN_CLAUSE = ",;:"
_ATTRIBUTION = re.compile(r"^[^，。！？“”]{1,12}?(?:说|表示|指出|认为|介绍|称|强调|坦言|感慨|笑着说|告诉记者)[。！]$")
_EN_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Capt|Inc|Ltd|Co|Corp|No|vs|etc|approx|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|a\.m|p\.m|e\.g|i\.e|U\.S|U\.K|U\.N)|\b[A-Z])\.$")


def split_sentences(text: str, lang: Lang) -> list[str]:
    """The sentences of one paragraph, each with its end punctuation and closing quotes."""
    text = text.strip()
    if not text:
        return []
    spans = _zh_spans(text) if lang == "zh" else _en_spans(text)
    sentences = [text[a:b].strip() for a, b in spans if text[a:b].strip()]
    return _merge_attributions(sentences) if lang == "zh" else sentences


def join_sentences(sentences: list[str], lang: Lang) -> str:
    return ("" if lang == "zh" else " ").join(sentences)


def is_complete(sentence: str, lang: Lang) -> bool:
    """Does it end like a sentence (not a subhead, label or cut-off line)?"""
    core = sentence.rstrip(CLOSERS + "\"' ")
    return bool(core) and core[-1] in (_ZH_ENDS + "…" if lang == "zh" else _EN_ENDS + "…")


def depth_profile(text: str) -> list[int] | None:
    """Nesting depth of quotes and brackets after each character; None when they do not balance."""
    stack: list[str] = []
    depths = []
    for ch in text:
        if ch == '"':
            if stack and stack[-1] == '"':
                stack.pop()
            else:
                stack.append('"')
        elif ch in _PAIR:
            stack.append(_PAIR[ch])
        elif ch in CLOSERS:
            if not stack or stack[-1] != ch:
                return None
            stack.pop()
        depths.append(len(stack))
    return depths if not stack else None


def clause_ends(sentence: str, lang: Lang) -> list[int]:
    """Offsets just after each clause mark (，；：) outside quotes and brackets."""
    depths = depth_profile(sentence)
    marks = _ZH_CLAUSE if lang == "zh" else _EN_CLAUSE
    return [i + 1 for i, ch in enumerate(sentence)
            if ch in marks and (depths is None or depths[i] == 0) and 0 < i < len(sentence) - 1]


def word_ends(sentence: str, lang: Lang) -> list[int]:
    """Offsets where a word ends outside quotes and brackets (jieba for Chinese)."""
    depths = depth_profile(sentence)
    if lang == "zh":
        ends = [end for _, _, end in jieba_module().tokenize(sentence)]
    else:
        ends = [m.end() for m in re.finditer(r"\S+", sentence)]
    return [e for e in ends if 0 < e < len(sentence) and (depths is None or depths[e - 1] == 0)]




def _zh_spans(text: str) -> list[tuple[int, int]]:
    balanced = depth_profile(text) is not None
    stack: list[str] = []
    spans = []
    start = i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if balanced and (ch in _PAIR or ch == '"'):
            if ch == '"' and stack and stack[-1] == '"':
                stack.pop()
            else:
                stack.append(_PAIR.get(ch, '"'))
            i += 1
            continue
        if balanced and ch in CLOSERS:
            stack.pop()
            i += 1
            continue
        ends_here = ch in _ZH_ENDS and not (ch in "!?" and i + 1 < n and text[i + 1].isascii() and text[i + 1].isalnum())
        ellipsis = ch == "…" or text.startswith("...", i)
        if ends_here or ellipsis:
            j = i
            while j < n and (text[j] in _ZH_ENDS + "…" or text[j] == "."):
                j += 1
            depth = len(stack)
            while j < n and depth and (text[j] in CLOSERS or text[j] == '"'):
                depth -= 1
                j += 1
            if balanced:
                stack = stack[:depth]
            # A bare ellipsis lists or trails off inside a sentence; one that closes a quote ends it.
            if (ends_here and depth == 0) or (ellipsis and depth == 0 and j > i and text[j - 1] in CLOSERS + '"'):
                spans.append((start, j))
                start = j
            i = j
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return spans


_EN_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


def en_quote_marks(text: str) -> str:
    """`text` with English single quotes told from apostrophes (same length): an opening quote
    follows a space or the start and precedes a non-space, and becomes ‘; a closing one follows
    a non-space and precedes a space, a mark or the end, and becomes ’; apostrophes become spaces."""
    out = []
    open_quote = False
    for i, ch in enumerate(text):
        if ch not in "'‘’":
            out.append(ch)
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if not open_quote and (before.isspace() or before in "([:—-\"“") and not after.isspace():
            out.append("‘")
            open_quote = True
        elif open_quote and not before.isspace() and (after.isspace() or after in ".,;:!?)—-\"”"):
            out.append("’")
            open_quote = False
        else:
            out.append(" ")
    return "".join(out)


def _en_spans(text: str) -> list[tuple[int, int]]:
    depths = depth_profile(en_quote_marks(text))
    spans = []
    start = 0
    for match in _EN_BOUNDARY.finditer(text):
        end = match.end()
        if _EN_ABBREV.search(text[start:match.start() + 1]):
            continue
        if depths is not None and depths[end - 1] != 0:
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def _merge_attributions(sentences: list[str]) -> list[str]:
    out: list[str] = []
    for sentence in sentences:
        if out and out[-1][-1:] in "”’」』\"" and _ATTRIBUTION.match(sentence):
            out[-1] += sentence
        else:
            out.append(sentence)
    return out
