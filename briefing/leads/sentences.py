"""Sentence splitting for Chinese and English that keeps closing quotes with their sentence."""

from __future__ import annotations

import re

from ..models import Lang

_ZH_SENTENCE = re.compile(r".+?(?:[。！？!?]+|…{1,2}|\.{3,}|$)[”’」』）)\"']*", re.S)
_EN_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_EN_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Jr|St|Gen|Gov|Sen|Rep|Inc|Ltd|Co|Corp|U\.S|U\.K|No|vs|etc|e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")


def split_sentences(text: str, lang: Lang) -> list[str]:
    text = text.strip()
    if not text:
        return []
    if lang == "zh":
        return [s.strip() for s in _ZH_SENTENCE.findall(text) if s.strip()]
    return _split_english(text)


def _split_english(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _EN_BOUNDARY.finditer(text):
        candidate = text[start:match.start()].strip()
        closing = text[match.start():match.end()].strip()
        if _EN_ABBREV.search(candidate):
            continue
        out.append(candidate + closing)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
