"""How Mandarin text is read: lexical pinyin per character, then tone sandhi.

Lexical pinyin (tone digits, neutral = 5) comes from two sources, combined per polyphonic character:
- g2pM's context model (a small bi-LSTM over the whole line, weights inside the PyPI package),
  run here in batches with its probabilities over the character's possible readings;
- word dictionaries (pypinyin's phrases, CC-CEDICT's and pypinyin-dict's large phrase lists):
  the jieba word holding the character and every dictionary word of 2-4 characters covering it.
A reading the dictionaries agree on outweighs a model that is unsure, not one that is sure of
another reading (scores: log-probability + a bonus per dictionary vote; see `_choose`).
Characters with one reading take it, except inside a dictionary word (neutral tones: 朋友 you5).

Sandhi (`spoken`): 一 and 不 by the next tone, 一 kept in numbers, ordinals and dates, and third
tones before third tones inside a word or a word and a one-character neighbour.
"""

from __future__ import annotations

import itertools
import math
import pickle
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..text.script import HAN_CHAR
from ..text.words import new_tokenizer

HAN = re.compile(HAN_CHAR)
SYLLABLE = re.compile(r"^(?:[a-z]|ü)+[1-5]$")
_NUMERALS = set("零〇一二三四五六七八九十百千万亿两幺")
_DATE_UNITS = set("月日号点时分秒")
# Function-word polyphones whose context model errs most: inside a dictionary word (显得, 衣着, 还原,
# 协调) the word's reading wins; a particle after a reduplicated adverb is neutral (慢慢地, 轻轻地).
_WORD_DECIDES = set("的地得着了过还行重调长为")
_AFTER_REDUPLICATION = {"地": "de5"}
_CITATION = {"一": "yi1", "不": "bu4"}  # some phrase dictionaries store these after sandhi (一样 yi2)
_WORD_VOTE = 2.0  # per dictionary that reads the jieba word holding the character this way
_COVER_VOTE = 1.0  # per dictionary whose words covering the character all read it this way
_BATCH = 256

# Readings a news desk wants whatever the dictionaries say (names, places); briefing.toml adds more.
BUILTIN_LEXICON: dict[str, str] = {
    "哪吒": "ne2 zha1",
    "重庆": "chong2 qing4",
    "长沙": "chang2 sha1",
    "厦门": "xia4 men2",
    "蚌埠": "beng4 bu4",
    "六安": "lu4 an1",
    "丽水": "li2 shui3",
    "番禺": "pan1 yu2",
    "乐清": "yue4 qing1",
    "台州": "tai1 zhou1",
    "大连": "da4 lian2",
    "行长": "hang2 zhang3",
    "银行": "yin2 hang2",
    "单于": "chan2 yu2",
    "可汗": "ke4 han2",
    "吐蕃": "tu3 bo1",
    "龟兹": "qiu1 ci2",
    "尉迟": "yu4 chi2",
    "万俟": "mo4 qi2",
    # news terms the phrase dictionaries read wrong
    "还款": "huan2 kuan3",
    "还贷": "huan2 dai4",
    "还债": "huan2 zhai4",
    "还钱": "huan2 qian2",
    "身着": "shen1 zhuo2",
    "看得": "kan4 de5",  # a complement follows (看得一会哭一会笑, 看得十分紧张): the model said de2
}


# Latin letters as a Mandarin newsreader says them (AI: ei1 ai4), in syllables the Mandarin voice knows
LETTERS: dict[str, str] = {
    "A": "ei1", "B": "bi4", "C": "xi1", "D": "di4", "E": "yi4", "F": "ai2 fu5", "G": "ji4", "H": "ei1 qi1",
    "I": "ai4", "J": "jie4", "K": "kai4", "L": "ai2 lu5", "M": "ai2 mu5", "N": "en1", "O": "ou1", "P": "pi4",
    "Q": "qiu1", "R": "a4 er5", "S": "ai2 si5", "T": "ti4", "U": "you1", "V": "wei1", "W": "da2 bu5 liu5",
    "X": "ai2 ke4 si5", "Y": "wai1", "Z": "zei4",
}


def letter_pinyin(letter: str) -> str:
    return LETTERS[letter.upper()]


@dataclass(frozen=True)
class Reading:
    """One line read aloud: per character its lexical and spoken pinyin (None for non-Han)."""

    text: str
    pinyin: list[str | None]
    spoken: list[str | None]
    words: list[tuple[int, int]]  # (start, end) of each word, as grouped for speaking

    def as_json(self) -> dict:
        return {"text": self.text, "pinyin": self.pinyin, "spoken": self.spoken}


def normal_syllable(syllable: str) -> str:
    """'lu:4' / 'lv4' / 'lü4' -> 'lü4'; tone digits kept, neutral as 5."""
    syllable = syllable.strip().lower().replace("u:", "ü").replace("v", "ü")
    if syllable and syllable[-1] == "0":
        syllable = syllable[:-1] + "5"
    return syllable


def parse_lexicon(entries: Mapping[str, object], where: str = "pronunciations") -> dict[str, list[str] | str]:
    """word -> pinyin syllables, or word -> respelling in characters; ConfigError naming a bad key."""
    lexicon: dict[str, list[str] | str] = {}
    for word, value in entries.items():
        if not isinstance(value, str) or not value.strip() or not HAN.search(str(word)):
            raise ConfigError(f"{where}: {word!r}: give a pinyin reading with tone digits "
                              f'(e.g. 哪吒 = "ne2 zha1") or a respelling in Chinese characters')
        if all(HAN.match(c) for c in value.strip()):
            if len(value.strip()) != len(word):
                raise ConfigError(f"{where}: {word!r}: the respelling {value!r} must have one character "
                                  f"per character of the word ({len(word)})")
            lexicon[word] = value.strip()
            continue
        syllables = [normal_syllable(s) for s in value.split()]
        if len(syllables) != len(word) or not all(SYLLABLE.match(s) for s in syllables):
            raise ConfigError(f"{where}: {word!r}: {value!r} is not {len(word)} pinyin syllable(s) with tone "
                              f'digits 1-5 (e.g. "ne2 zha1")')
        lexicon[word] = syllables
    return lexicon


@lru_cache(maxsize=65536)
def _tone3(marked: str) -> str:
    from pypinyin.contrib.tone_convert import to_tone3

    return normal_syllable(to_tone3(marked, neutral_tone_with_five=True))


class _G2pM:
    """g2pM's weights run in batches, returning probabilities over each character's readings."""

    def __init__(self) -> None:
        import g2pM

        folder = Path(g2pM.__file__).parent

        def load(name: str):
            with open(folder / f"{name}.pkl", "rb") as f:
                return pickle.load(f)

        self.readings = {char: [normal_syllable(p) for p in prons] for char, prons in load("digest_cedict").items()}
        self.char_ids = load("char2idx")
        self.class_ids = {normal_syllable(k): v for k, v in load("class2idx").items()}
        self.weights = {k: np.asarray(v, np.float32) for k, v in load("np_ckpt").items()}
        self.unknown, self.bos, self.eos = (self.char_ids[t] for t in ("<UNK>", "시", "끝"))

    def polyphonic(self, char: str) -> bool:
        return len(self.readings.get(char, ())) > 1

    def probabilities(self, lines: Sequence[str]) -> list[dict[int, dict[str, float]]]:
        """For each line: position of each polyphonic character -> {reading: probability}."""
        out: list[dict[int, dict[str, float]]] = [{} for _ in lines]
        todo = [i for i, line in enumerate(lines) if any(self.polyphonic(c) for c in line)]
        todo.sort(key=lambda i: len(lines[i]))  # similar lengths together: little padding
        for start in range(0, len(todo), _BATCH):
            batch = todo[start:start + _BATCH]
            hidden = self._hidden([lines[i] for i in batch])
            for row, i in enumerate(batch):
                for pos, char in enumerate(lines[i]):
                    if self.polyphonic(char):
                        out[i][pos] = self._classify(hidden[row, pos + 1], self.readings[char])
        return out

    def _hidden(self, lines: list[str]) -> np.ndarray:
        seqs = [[self.bos, *(self.char_ids.get(c, self.unknown) for c in line), self.eos] for line in lines]
        lengths = [len(s) for s in seqs]
        forward = np.zeros((len(seqs), max(lengths)), np.int64)
        backward = np.zeros_like(forward)
        for row, seq in enumerate(seqs):
            forward[row, :len(seq)] = seq
            backward[row, :len(seq)] = seq[::-1]
        w, emb = self.weights, self.weights["embedding.weight"]
        fw = _lstm(emb[forward], *(w[f"lstm.{n}_l0"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")))
        bw = _lstm(emb[backward], *(w[f"lstm.{n}_l0_reverse"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")))
        bw_aligned = np.zeros_like(bw)
        for row, length in enumerate(lengths):
            bw_aligned[row, :length] = bw[row, :length][::-1]
        return np.concatenate([fw, bw_aligned], axis=2)

    def _classify(self, hidden: np.ndarray, readings: list[str]) -> dict[str, float]:
        w = self.weights
        layer = np.maximum(hidden @ w["logit_layer.0.weight"].T + w["logit_layer.0.bias"], 0)
        logits = layer @ w["logit_layer.2.weight"].T + w["logit_layer.2.bias"]
        known = [r for r in readings if r in self.class_ids]
        scores = np.array([logits[self.class_ids[r]] for r in known])
        probs = np.exp(scores - scores.max())
        probs /= probs.sum()
        return dict(zip(known, map(float, probs)))


def _lstm(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray) -> np.ndarray:
    """One LSTM direction (PyTorch gate order i, f, g, o) over a [batch, time, dim] array."""
    size = w_hh.shape[1]
    gates_in = x @ w_ih.T + (b_ih + b_hh)
    h = np.zeros((x.shape[0], size), np.float32)
    c = np.zeros_like(h)
    out = np.empty((x.shape[0], x.shape[1], size), np.float32)
    for t in range(x.shape[1]):
        g = gates_in[:, t] + h @ w_hh.T
        i, f, o = (1 / (1 + np.exp(-g[:, k * size:(k + 1) * size])) for k in (0, 1, 3))
        c = f * c + i * np.tanh(g[:, 2 * size:3 * size])
        h = o * np.tanh(c)
        out[:, t] = h
    return out


class Mandarin:
    """Reads lines of Mandarin; models load on first use, once per process; thread-safe."""

    def __init__(self, lexicon: Mapping[str, object] | None = None) -> None:
        self.lexicon = parse_lexicon(BUILTIN_LEXICON, "built-in pronunciations")
        self.lexicon.update(parse_lexicon(lexicon or {}))
        self._lock = threading.Lock()
        self._loaded = False

    def _load(self) -> None:
        with self._lock:
            if self._loaded:
                return
            import pypinyin.phrases_dict
            import pypinyin.pinyin_dict
            from pypinyin_dict.phrase_pinyin_data import cc_cedict, large_pinyin

            self._jieba = new_tokenizer()
            for word in self.lexicon:
                self._jieba.add_word(word, freq=100000)
            self._words = (pypinyin.phrases_dict.phrases_dict, cc_cedict.phrases_dict, large_pinyin.phrases_dict)
            self._chars = pypinyin.pinyin_dict.pinyin_dict
            self._model = _G2pM()
            self._loaded = True

    def read(self, lines: Iterable[str]) -> list[Reading]:
        """Each line's reading; lines are read in batches by the context model."""
        self._load()
        lines = list(lines)
        modelled = self._model.probabilities(lines)
        return [self._read_line(line, probs) for line, probs in zip(lines, modelled)]

    def read_one(self, line: str) -> Reading:
        return self.read([line])[0]

    def _read_line(self, line: str, probs: dict[int, dict[str, float]]) -> Reading:
        words = self._segment(line)
        pinyin: list[str | None] = [None] * len(line)
        for start, end in words:
            word = line[start:end]
            forced = self._lexicon_reading(word)
            for offset in range(end - start):
                pos = start + offset
                if not HAN.match(line[pos]):
                    continue
                if line[pos] in _CITATION:
                    pinyin[pos] = _CITATION[line[pos]]
                elif forced:
                    pinyin[pos] = forced[offset]
                elif pos in probs:
                    pinyin[pos] = self._choose(line, pos, word, offset, probs[pos])
                else:
                    pinyin[pos] = self._single(line[pos], word, offset)
        return Reading(line, pinyin, sandhi(line, pinyin, words), words)

    def _segment(self, line: str) -> list[tuple[int, int]]:
        spans, pos = [], 0
        for word in self._jieba.lcut(line):
            spans.append((pos, pos + len(word)))
            pos += len(word)
        return spans

    def _lexicon_reading(self, word: str) -> list[str] | None:
        entry = self.lexicon.get(word)
        if entry is None:
            return None
        if isinstance(entry, str):  # a respelling: read the respelling's characters
            return [self._single(c, entry, i) or "" for i, c in enumerate(entry)]
        return entry

    def _dictionary_readings(self, word: str, offset: int) -> list[set[str]]:
        """Per dictionary, the readings it gives the character at `offset` of `word` (empty: not listed)."""
        return [{_tone3(p) for p in d[word][offset]} if word in d else set() for d in self._words]

    def _choose(self, line: str, pos: int, word: str, offset: int, probs: dict[str, float]) -> str:
        char = line[pos]
        if char in _AFTER_REDUPLICATION and word == char and pos >= 2 and line[pos - 1] == line[pos - 2]:
            return _AFTER_REDUPLICATION[char]
        if char in _WORD_DECIDES and len(word) > 1:
            listed = [r for r in self._dictionary_readings(word, offset) if r]
            if listed and all(r == listed[0] for r in listed) and len(listed[0]) == 1:
                return next(iter(listed[0]))
        scores = {reading: math.log(max(p, 1e-9)) for reading, p in probs.items()}
        if len(word) > 1:
            for readings in self._dictionary_readings(word, offset):
                for reading in readings & scores.keys():
                    scores[reading] += _WORD_VOTE
        for readings in self._covering_readings(line, pos):
            if len(readings) == 1 and (reading := next(iter(readings))) in scores:
                scores[reading] += _COVER_VOTE
        return max(scores, key=scores.__getitem__)

    def _covering_readings(self, line: str, pos: int) -> list[set[str]]:
        found: list[set[str]] = [set() for _ in self._words]
        for length in range(2, 5):
            for start in range(max(0, pos - length + 1), min(pos, len(line) - length) + 1):
                for seen, readings in zip(found, self._dictionary_readings(line[start:start + length], pos - start)):
                    seen |= readings
        return found

    def _single(self, char: str, word: str, offset: int) -> str | None:
        if len(word) > 1 and word in self._words[0]:  # pypinyin's phrase reading, as the voice learnt it
            return _tone3(self._words[0][word][offset][0])
        readings = self._model.readings.get(char)
        if readings:
            return readings[0]
        if ord(char) in self._chars:
            return _tone3(self._chars[ord(char)].split(",")[0])
        return None


def tone(syllable: str | None) -> int:
    return int(syllable[-1]) if syllable and syllable[-1].isdigit() else 0


def _retone(syllable: str, new: int) -> str:
    return syllable[:-1] + str(new)


def sandhi(line: str, pinyin: Sequence[str | None], words: Sequence[tuple[int, int]]) -> list[str | None]:
    """The readings as spoken: 一 and 不 by the next syllable's tone, then third-tone chains."""
    spoken = list(pinyin)
    word_of = {pos: (start, end) for start, end in words for pos in range(start, end)}
    for pos, char in enumerate(line):
        if char == "不" and spoken[pos] == "bu4":
            spoken[pos] = _bu(line, pinyin, pos)
        elif char == "一" and spoken[pos] == "yi1":
            spoken[pos] = _yi(line, pinyin, pos, word_of.get(pos, (pos, pos + 1)))
    return _third_tones(spoken, words, line)


def _next(pinyin: Sequence[str | None], pos: int) -> str | None:
    return pinyin[pos + 1] if pos + 1 < len(pinyin) else None


def _bu(line: str, pinyin: Sequence[str | None], pos: int) -> str:
    if 0 < pos < len(line) - 1 and line[pos - 1] == line[pos + 1]:
        return "bu5"  # 来不来, 好不好
    return "bu2" if tone(_next(pinyin, pos)) == 4 else "bu4"


def _yi(line: str, pinyin: Sequence[str | None], pos: int, word: tuple[int, int]) -> str:
    before = line[pos - 1] if pos else ""
    after = line[pos + 1] if pos + 1 < len(line) else ""
    if before == "第" or before in _NUMERALS or after in _NUMERALS or after in _DATE_UNITS:
        return "yi1"  # 第一, 十一, 一九九一, 一月, 一号
    if pos + 1 >= word[1] and word[1] - word[0] > 1:
        return "yi1"  # word-final: 统一, 唯一, 之一
    if before and before == after and HAN.match(before):
        return "yi5"  # 看一看
    following = tone(_next(pinyin, pos))
    if following == 0:
        return "yi1"
    return "yi2" if following in (4, 5) else "yi4"


def _third_tones(spoken: list[str | None], words: Sequence[tuple[int, int]], line: str) -> list[str | None]:
    """3-3 -> 2-3 (3-3-3 -> 2-2-3) inside each prosodic group."""
    for group in _prosodic_groups(words, line):
        for a, b in itertools.pairwise(group):
            if tone(spoken[a]) == 3 and tone(spoken[b]) == 3:
                spoken[a] = _retone(spoken[a] or "", 2)
    return spoken


def _prosodic_groups(words: Sequence[tuple[int, int]], line: str) -> list[list[int]]:
    """Words joined into the units spoken in one breath, of at most 4 syllables: a one-character word
    leans on the word after it (很好, 也想), or on the one before it when nothing Han follows."""
    groups: list[list[int]] = []
    lean_on_next = False
    for number, (start, end) in enumerate(words):
        size = end - start
        last_of_clause = number + 1 == len(words) or not HAN.match(line[words[number + 1][0]])
        lean_on_previous = size == 1 and last_of_clause
        if groups and (lean_on_next or lean_on_previous) and len(groups[-1]) + size <= 4:
            groups[-1].extend(range(start, end))
        else:
            groups.append(list(range(start, end)))
        lean_on_next = size == 1 and not last_of_clause
    return groups


def marked(reading: Reading) -> str:
    """A readable line: each Han character with its pinyin, sandhi shown as lexical>spoken."""
    parts = []
    for char, lexical, spoken in zip(reading.text, reading.pinyin, reading.spoken):
        if lexical is None:
            parts.append(char)
        elif lexical == spoken:
            parts.append(f"{char}({lexical})")
        else:
            parts.append(f"{char}({lexical}>{spoken})")
    return "".join(parts)


_shared: dict[tuple, Mandarin] = {}
_shared_lock = threading.Lock()


def reader(lexicon: Mapping[str, object] | None = None) -> Mandarin:
    """One reader per lexicon per process (the models are loaded once)."""
    key = tuple(sorted((k, str(v)) for k, v in (lexicon or {}).items()))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Mandarin(lexicon)
        return _shared[key]


def pronounce(lines: Iterable[str], lexicon: Mapping[str, object] | None = None) -> list[Reading]:
    """How each line is read: the built-in lexicon, then `lexicon` (briefing.toml), then the models."""
    return reader(lexicon).read(lines)


def respell(text: str, lexicon: Mapping[str, object]) -> str:
    """`text` with each word that has a respelling in `lexicon` written as that respelling (哪吒 -> 呢扎),
    for a voice that reads characters only; pinyin entries are left to the offline voice."""
    respellings = {w: v for w, v in parse_lexicon(lexicon).items() if isinstance(v, str)}
    if not respellings:
        return text
    pattern = re.compile("|".join(re.escape(w) for w in sorted(respellings, key=len, reverse=True)))
    return pattern.sub(lambda m: respellings[m.group(0)], text)
