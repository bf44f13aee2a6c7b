"""Text -> the phoneme strings Kokoro-82M reads, cut into pieces the model accepts.

Mandarin goes through misaki's ZHG2P recipe for this model (jieba words -> pinyin -> IPA
with tone arrows); Latin words inside Mandarin text (AI, GDP, DeepSeek) and English text
go through misaki's espeak-ng path, whose data ships on PyPI (espeakng-loader).
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from types import SimpleNamespace

from ..models import Lang

MAX_TOKENS = 500  # the model takes 510 at most, with the two padding tokens

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_CJK}]+)|([A-Za-z][A-Za-z'’-]*(?:\s+[A-Za-z][A-Za-z'’-]*)*)|([^A-Za-z{_CJK}]+)")
_CLAUSE_END = re.compile(r"(?<=[，,；;、：:—])")
_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")
# espeak is given words one punctuation-delimited chunk at a time: keep numbers in one chunk
_EN_NUMBERS = ((re.compile(r"(?<=\d),(?=\d{3}(?!\d))"), ""), (re.compile(r"(?<=\d)\.(?=\d)"), " point "),
               (re.compile(r"(?<=\d):(?=\d\d(?!\d))"), " "))


class Phonemizer:
    """Phonemizers per language, created on first use; one call at a time (jieba, espeak)."""

    def __init__(self) -> None:
        self._zh = None
        self._en: dict[bool, object] = {}
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

        from ..text.words import jieba_module

        jieba = jieba_module()
        if self._zh is None:
            from misaki.zh import ZHG2P

            jieba.setLogLevel(logging.WARNING)
            self._zh = ZHG2P
        try:
            with warnings.catch_warnings():  # it warns about numbers past 16 digits, read digit by digit below
                warnings.simplefilter("ignore")
                text = cn2an.transform(text, "an2cn")  # 4.13亿 -> 四点一三亿, 2月14日 -> 二月十四日
        except Exception:  # noqa: BLE001 - cn2an raises plain errors on odd numbers: digits one by one below
            pass
        text = self._zh.map_punctuation(text.translate(_DIGITS))
        out = []
        for cjk, latin, other in _RUNS.findall(text):
            if cjk:
                out.append(" ".join(p for p in (self._word(w) for w in jieba.lcut(cjk)) if p))
            elif latin:  # a word in Latin letters, spoken as English and kept apart from its neighbours
                out.append(("" if not out or out[-1].endswith(" ") else " ") + self._english(latin) + " ")
            else:
                out.append(other.lstrip(" ") if out and out[-1].endswith(" ") else other)
        return "".join(out).replace(chr(815), "")

    def _word(self, word: str) -> str:
        try:
            return self._zh.word2ipa(word)
        except ValueError:  # a rare character pypinyin has no reading for: skip that character only
            readings = []
            for char in word:
                try:
                    readings.append(self._zh.word2ipa(char))
                except ValueError:
                    pass
            return "".join(readings)


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
