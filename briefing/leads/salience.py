"""How much each sentence carries of what the article is about, from the article alone.

Words are weighted by TF-IDF (jieba's IDF table for Chinese; for English, how few of the
article's sentences use the word). A sentence is salient when it is close to the article
as a whole (centroid similarity, the cheap form of sentence centrality) and to its
headline, and news puts what matters early, so earlier sentences get a small prior.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from ..models import Lang
from ..text.script import HAN_RANGES
from ..text.words import jieba_module

CENTRALITY_WEIGHT = 1.0
TITLE_WEIGHT = 1.0
KEYWORD_WEIGHT = 0.5
POSITION_WEIGHT = 0.3
KEYWORDS = 20  # the article's top TF-IDF words

_EN_STOP = frozenset(["a", "about", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "said", "same", "says", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "year", "years", "new", "one", "two", "told", "would", "also", "last", "first", "mr", "mrs", "ms"])
_ZH_FUNCTION = frozenset(["我们", "你们", "他们", "她们", "它们", "这个", "那个", "这些", "那些", "这样", "那样", "一个", "一些", "以及", "还是", "或者", "因为", "所以", "但是", "然而", "如果", "虽然", "而且", "并且", "已经", "正在", "可以", "可能", "需要", "进行", "通过", "对于", "关于", "其中", "之后", "之前", "同时", "目前", "今年", "去年", "表示", "认为", "指出", "介绍", "我国", "自己", "没有", "不是", "就是", "还有", "记者", "这里", "那里", "时候", "什么", "怎么", "如何", "为了", "由于", "此外", "另外", "不仅", "而是", "也是", "都是", "一种", "一次", "方面", "工作", "问题"])


@lru_cache(maxsize=8192)  # a lead is chosen by comparing the same sentences many times over
def content_words(text: str, lang: Lang) -> tuple[str, ...]:
    if lang == "zh":
        return tuple(w for w in jieba_module().lcut(text)
                     if len(w) >= 2 and w not in _ZH_FUNCTION and w.lower() not in _zh_stop_words()
                     and re.search(rf"[{HAN_RANGES}A-Za-z]", w))
    return tuple(w for w in re.findall(r"[a-z0-9][a-z0-9'’-]*", text.lower())
                 if w not in _EN_STOP and len(w) > 1 and not w.isdigit())


def salience(sentences: list[str], title: str, lang: Lang, context: Sequence[str] = ()) -> list[float]:
    """One score per sentence; higher means more worth reading on air. `context` (subheads, say)
    counts towards what the article is about but gets no score."""
    bags = [Counter(content_words(s, lang)) for s in sentences]
    extra = [Counter(content_words(s, lang)) for s in context]
    idf = _idf_function(bags + extra, lang)
    vectors = [{w: n * idf(w) for w, n in bag.items()} for bag in bags]
    centroid: dict[str, float] = {}
    for vector in vectors + [{w: n * idf(w) for w, n in bag.items()} for bag in extra]:
        for word, weight in vector.items():
            centroid[word] = centroid.get(word, 0.0) + weight
    headline = {w: idf(w) * n for w, n in Counter(content_words(title, lang)).items()}
    keywords = dict(sorted(centroid.items(), key=lambda item: -item[1])[:KEYWORDS])
    coverage = [sum(keywords.get(w, 0.0) for w in v) / math.sqrt(max(1, len(s)))
                for v, s in zip(vectors, sentences)]
    top = max(coverage, default=0.0) or 1.0
    return [CENTRALITY_WEIGHT * cosine(v, _without(centroid, v)) + TITLE_WEIGHT * cosine(v, headline)
            + KEYWORD_WEIGHT * cov / top + POSITION_WEIGHT / (1 + rank)
            for rank, (v, cov) in enumerate(zip(vectors, coverage))]


def _without(centroid: dict[str, float], vector: dict[str, float]) -> dict[str, float]:
    """The rest of the article: a sentence is not central for resembling itself."""
    return {w: x - vector.get(w, 0.0) for w, x in centroid.items() if x - vector.get(w, 0.0) > 1e-9}


def similarity(a: str, b: str, lang: Lang) -> float:
    """Cosine of the two texts' content words (for near-duplicates and the headline)."""
    return cosine(dict(Counter(content_words(a, lang))), dict(Counter(content_words(b, lang))))


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(weight * b.get(word, 0.0) for word, weight in a.items())
    norm = math.sqrt(sum(x * x for x in a.values()) * sum(x * x for x in b.values()))
    return dot / norm if norm else 0.0


def _idf_function(bags: list[Counter], lang: Lang):
    if lang == "zh":
        table, median = _zh_idf()
        return lambda word: table.get(word, median)
    spread = Counter(word for bag in bags for word in bag)
    total = len(bags)
    return lambda word: 1.0 + math.log((1 + total) / (1 + spread.get(word, 0)))




@lru_cache(maxsize=1)
def _zh_idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table (from a large Chinese corpus) and its median, read straight from the
    file: importing jieba.analyse would also load its part-of-speech model, seconds we do not use."""
    from pathlib import Path

    fields = (Path(str(jieba_module().__file__)).parent / "analyse" / "idf.txt").read_text("utf-8").split()
    table = dict(zip(fields[0::2], map(float, fields[1::2])))
    values = sorted(table.values())
    return table, values[len(values) // 2]


def _zh_stop_words() -> frozenset[str]:
    return _EN_STOP  # Latin words inside Chinese text
