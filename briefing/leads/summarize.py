"""Trim an article to the lead a news anchor would read within a time budget."""

from __future__ import annotations

import re

from ..models import Article, Lang
from .sentences import split_sentences

ZH_CHARS_PER_SECOND = 4.5
EN_WORDS_PER_SECOND = 2.5


def speaking_seconds(text: str, lang: Lang) -> float:
    if lang == "zh":
        spoken = re.findall(r"[\u3400-\u9fff]|[A-Za-z]+|\d+(?:\.\d+)?", text)
        return len(spoken) / ZH_CHARS_PER_SECOND
    return len(re.findall(r"[A-Za-z0-9']+", text)) / EN_WORDS_PER_SECOND


def lead_of(article: Article, seconds: float) -> str:
    """The opening sentences that fit in `seconds` (at least one sentence)."""
    chosen: list[str] = []
    used = 0.0
    for paragraph in article.paragraphs:
        for sentence in split_sentences(paragraph, article.lang):
            cost = speaking_seconds(sentence, article.lang)
            if chosen and used + cost > seconds:
                return _join(chosen, article.lang)
            chosen.append(sentence)
            used += cost
    return _join(chosen, article.lang)


def _join(sentences: list[str], lang: Lang) -> str:
    return ("" if lang == "zh" else " ").join(sentences)
