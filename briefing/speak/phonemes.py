"""Text -> the phoneme strings Kokoro-82M reads, cut into pieces the model accepts.

Mandarin is read by briefing.speak.mandarin (polyphones in context, tone sandhi, the
pronunciation lexicon); the spoken pinyin becomes IPA with tone arrows through misaki's
pinyin-to-IPA table for this model (ZHG2P.py2ipa, what its word2ipa uses), words apart by
spaces. Acronyms inside Mandarin (AI, GDP) are spelt with Mandarin letter names; other Latin
words inside Mandarin (DeepSeek) and English text go through misaki's espeak-ng path, whose
data ships on PyPI (espeakng-loader).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import warnings
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from ..models import Lang
from ..text.script import HAN_RANGES

MAX_TOKENS = 500  # the model takes 510 at most, with the two padding tokens

_CJK = HAN_RANGES
_RUNS = re.compile(rf"([{_CJK}]+)|([A-Za-z][A-Za-z'’-]*(?:\s+[A-Za-z][A-Za-z'’-]*)*)|([^A-Za-z{_CJK}]+)")
_CLAUSE_END = re.compile(r"(?<=[，,；;、：:—])")
_ACRONYM = re.compile(r"[A-Z]{1,6}s?")  # AI, GDP, CEOs; mixed case (DeepSeek, iPhone) is a word
# ZHG2P.map_punctuation's table, without its strip (a run of punctuation sits between words)
_PUNCTUATION = str.maketrans({"、": ", ", "，": ", ", "。": ". ", "．": ". ", "！": "! ", "：": ": ", "；": "; ",
                              "？": "? ", "«": " “", "»": "” ", "《": " “", "》": "” ", "「": " “", "」": "” ",
                              "【": " “", "】": "” ", "（": " (", "）": ") "})
_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")
# espeak is given words one punctuation-delimited chunk at a time: keep numbers in one chunk
_EN_NUMBERS = ((re.compile(r"(?<=\d),(?=\d{3}(?!\d))"), ""), (re.compile(r"(?<=\d)\.(?=\d)"), " point "),
               (re.compile(r"(?<=\d):(?=\d\d(?!\d))"), " "))


class Phonemizer:
    """Phonemizers per language, created on first use; one call at a time (jieba, espeak)."""

    def __init__(self, lexicon: Mapping[str, object] | None = None) -> None:
        self._zh: Any = None  # misaki.zh.ZHG2P, imported on first use
        self._lexicon = dict(lexicon or {})
        self._en: dict[bool, Any] = {}
        self._lock = threading.Lock()

    def __call__(self, text: str, lang: Lang, british: bool = False) -> str:
        with self._lock:
            if lang == "zh":
                return self._mandarin(text)
            return self._english(text, british)

    def _english(self, text: str, british: bool = False) -> str:
        if british not in self._en:
            from misaki.espeak import EspeakFallback

            self._en[british] = EspeakFallback(british=british)
            # phonemizer logs through its own stderr handler; its "words count mismatch" warning
            # is expected here (punctuation is kept) and is not the listener's concern
            logging.getLogger("phonemizer").setLevel(logging.ERROR)
        for pattern, replacement in _EN_NUMBERS:
            text = pattern.sub(replacement, text)
        phonemes, _ = self._en[british](SimpleNamespace(text=text))
        return phonemes or ""

    def _mandarin(self, text: str) -> str:
        import cn2an

        from .mandarin import reader

        if self._zh is None:
            from misaki.zh import ZHG2P

            self._zh = ZHG2P
        try:
            with warnings.catch_warnings():  # it warns about numbers past 16 digits, read digit by digit below
                warnings.simplefilter("ignore")
                text = cn2an.transform(text, "an2cn")  # 4.13亿 -> 四点一三亿, 2月14日 -> 二月十四日
        except Exception:  # noqa: BLE001, S110 - cn2an raises plain errors on odd numbers: digits one by one below
            pass
        text = text.translate(_DIGITS).strip()
        reading = reader(self._lexicon).read_one(text)  # the whole sentence: polyphones need context
        out: list[str] = []
        for run in _RUNS.finditer(text):
            cjk, latin, other = run.groups()
            if cjk:
                out.append(" ".join(p for p in self._words(reading, run.start(), run.end()) if p))
            elif latin:  # kept apart from its neighbours
                out.append(("" if not out or out[-1].endswith(" ") else " ") + self._latin(latin) + " ")
            else:
                other = other.translate(_PUNCTUATION)
                out.append(other.lstrip(" ") if not out or out[-1].endswith(" ") else other)
        return "".join(out).strip().replace(chr(815), "")

    def _words(self, reading, start: int, end: int) -> list[str]:
        """IPA of each word of reading.text[start:end], from its spoken (sandhi-applied) pinyin."""
        return ["".join(self._syllable(reading.text[pos], reading.spoken[pos])
                        for pos in range(max(a, start), min(b, end)))
                for a, b in reading.words if a < end and b > start]

    def _syllable(self, char: str, pinyin: str | None) -> str:
        if pinyin:
            try:
                return _ipa(pinyin)
            except (ValueError, KeyError, AssertionError):  # a syllable outside misaki's table (r5, hm)
                pass
        try:
            return self._zh.word2ipa(char)
        except ValueError:  # a rare character pypinyin has no reading for: skip it
            return ""

    def _latin(self, words: str) -> str:
        """Acronyms letter by letter with Mandarin letter names (AI -> ei1 ai4); other words in English."""
        from .mandarin import letter_pinyin

        spoken = []
        for word in words.split():
            if _ACRONYM.fullmatch(word):
                spoken.append(" ".join("".join(_ipa(s) for s in letter_pinyin(c).split())
                                       for c in word.rstrip("s") if c.isalpha()))
            else:
                spoken.append(self._english(word))
        return " ".join(spoken)


@functools.lru_cache(maxsize=4096)
def _ipa(pinyin: str) -> str:
    """misaki's IPA with tone arrows for one syllable ('bu2' -> 'pu↗'), as its ZHG2P makes it."""
    from misaki.zh import ZHG2P

    return ZHG2P.py2ipa(pinyin).replace(chr(815), "")  # ZHG2P drops the non-syllabic mark too


def tokens(phonemes: str, vocab: dict[str, int]) -> list[int]:
    if not any(c.isalpha() for c in phonemes):
        return []  # nothing to say (only punctuation, emoji or symbols): no audio rather than noise
    return [vocab[c] for c in phonemes if c in vocab]


def pieces(text: str, lang: Lang, phonemize, vocab: dict[str, int],
            limit: int = MAX_TOKENS) -> list[tuple[str, list[int]]]:
    """(text, token ids) pieces of at most `limit` tokens that together say `text`.

    An over-long sentence is cut at clause punctuation, then between words (jieba for
    Mandarin, spaces for English), never inside a word unless a single "word" is too long.
    Each cut is phonemized on its own, so the work stays about linear in the text's length.
    """
    ids = tokens(phonemize(text), vocab)
    if len(ids) <= limit:
        return [(text, ids)] if ids else []
    parts = _clauses(text)
    if len(parts) < 2:
        parts = _word_groups(text, lang, parts_wanted=2 * len(ids) // limit + 1)
    if len(parts) < 2:
        middle = len(text) // 2
        parts = [text[:middle], text[middle:]]
    space = [vocab[" "]] if " " in vocab else []
    out: list[tuple[str, list[int]]] = []
    for part in parts:
        for piece_text, piece_ids in pieces(part, lang, phonemize, vocab, limit):
            if out and len(out[-1][1]) + len(space) + len(piece_ids) <= limit:
                # neighbours that fit together are spoken in one call
                out[-1] = (out[-1][0] + piece_text, out[-1][1] + space + piece_ids)
            else:
                out.append((piece_text, piece_ids))
    return out


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE_END.split(text) if c]


def _word_groups(text: str, lang: Lang, parts_wanted: int) -> list[str]:
    """`text` cut between words into about `parts_wanted` runs of similar length."""
    if lang == "zh":
        from ..text.words import jieba_module

        words = jieba_module().lcut(text)
    else:
        words = re.findall(r"\S+\s*", text)
    size = max(1, len(text) // max(1, parts_wanted))
    groups, current = [], ""
    for word in words:
        if current and len(current) + len(word) > size:
            groups.append(current)
            current = ""
        current += word
    if current:
        groups.append(current)
    return groups
