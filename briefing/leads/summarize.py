"""Trim an article to the lead a news anchor would read within a time budget.

The lead opens in the article's opening paragraph (who, where, when; a scene-setting quote
or question there gives way to the sentence that carries the news), then adds the sentences
that carry most of the story (see salience.py), read in story order, until the time is
used. Sentences are never cut, except one: when the opening sentence alone is too long it
ends at a clause break, or failing that at a word break, and is closed with a full stop.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..models import Article, Lang
from .clean import clean_paragraphs
from .salience import content_words, salience, similarity
from .sentences import clause_ends, is_complete, join_sentences, split_sentences, word_ends
from .speakable import speakable

# Measured speaking rates, Mandarin characters (numbers as spoken) or English words per second of
# speech, by (engine, voice): tools/measure_pace.py on the sample page built with that voice.
SPEAKING_RATES: dict[tuple[str, str], float] = {
    ("kokoro", "zm_yunxi"): 5.0,  # speed 0.9: 5.28 within sentences, 5.0 with the pauses between them
    ("kokoro", "af_heart"): 3.0,
}
ZH_CHARS_PER_SECOND = SPEAKING_RATES[("kokoro", "zm_yunxi")]  # the default Mandarin anchor's
EN_WORDS_PER_SECOND = 2.5
SAME_AS_HEADLINE = 0.8  # similarity above which a sentence only repeats the headline
NEAR_DUPLICATE = 0.7  # ... or repeats a sentence already in the lead
QUOTE_FACTOR = 0.7  # a quotation rarely makes a good lead sentence on its own
DANGLING_FACTOR = 0.8  # "他说" / "However" without the sentence before it
OPENING_CHOICES = 3  # the lead starts with one of the opening paragraph's first sentences
_MIN_CHARS = {"zh": 8, "en": 20}
_QUOTE_OPENERS = "“‘「『\"'"
_QUESTION = re.compile(r"[？?][”’」』\"')）]*$")
_DANGLING = {
    "zh": re.compile(r"^(?:他|她|它|这|那|该|此|其|但|而|并|且|对此|因此|所以|不过|然而|此外|另外|同时|与此同时|随后"
                     r"|[^，。]{0,12}(?:其中|之一|上述))"),
    "en": re.compile(r"^(?:He|She|It|They|This|That|These|Those|His|Her|Its|Their|But|However|Also|And|Meanwhile|"
                     r"Still|Yet)\b"),
}


def speaking_seconds(text: str, lang: Lang, voice: tuple[str, str] | None = None) -> float:
    """Estimated reading time of `text` as the voice will say it (numbers spelled out), at the
    measured rate of `voice` (engine, name) when known, else of the language's default anchor."""
    spoken = speakable(text, lang)
    default = ZH_CHARS_PER_SECOND if lang == "zh" else EN_WORDS_PER_SECOND
    rate = SPEAKING_RATES.get(voice, default) if voice else default
    if lang == "zh":
        return len(re.findall(r"[\u3400-\u9fff]|[A-Za-z]+|\d", spoken)) / rate
    return len(re.findall(r"[A-Za-z0-9']+", spoken)) / rate


@dataclass
class _Sentence:
    text: str
    order: int  # position in the article
    paragraph: int
    seconds: float


def lead_of(article: Article, seconds: float) -> str:
    """The lead of `article` that an anchor reads in about `seconds` (at least one sentence)."""
    lang = article.lang
    paragraphs = clean_paragraphs(article.paragraphs, lang)
    sentences = _sentences(paragraphs, lang)
    if not sentences:
        return ""
    readable = [s for s in sentences if is_complete(s.text, lang)
                and not (article.title and similarity(s.text, article.title, lang) >= SAME_AS_HEADLINE)]
    if readable and sum(s.seconds for s in readable) <= seconds:
        return join_sentences([s.text for s in readable], lang)  # a short story is read whole
    candidates = [s for s in readable if len(s.text) >= _MIN_CHARS[lang]] or readable or sentences[:1]
    scores = salience([s.text for s in candidates], article.title, lang,
                      context=[s.text for s in sentences if s not in candidates])
    scores = [_adjusted(score, s, lang, candidates[0]) for score, s in zip(scores, candidates)]
    opening = _opening(candidates, scores)
    if opening.seconds > seconds:
        return shorten(opening.text, seconds, lang)
    chosen = [opening]
    used = opening.seconds
    for _, sentence in sorted(zip(scores, candidates), key=lambda pair: -pair[0]):
        if sentence is opening or used + sentence.seconds > seconds:
            continue
        if any(similarity(sentence.text, c.text, lang) >= NEAR_DUPLICATE for c in chosen):
            continue
        chosen.append(sentence)
        used += sentence.seconds
    chosen.sort(key=lambda s: s.order)
    while len(chosen) > 1 and _QUESTION.search(chosen[-1].text):
        chosen.pop()  # a lead that ends on a question leaves the listener without the answer
    return join_sentences([s.text for s in chosen], lang)


def _opening(candidates: list[_Sentence], scores: list[float]) -> _Sentence:
    """The sentence the lead starts with: the most salient of the opening paragraph's first
    few, so that a scene-setting quote, question or anecdote gives way to the news."""
    first = candidates[0]
    pool = [i for i, s in enumerate(candidates[:OPENING_CHOICES]) if s.paragraph == first.paragraph]
    return candidates[max(pool, key=lambda i: scores[i])]


def headline_from(lead: str, lang: Lang, limit: int = 24) -> str:
    """A short title for an article that has none: the lead's opening words (for chapters and
    lists; the bulletin does not say it twice)."""
    first = next(iter(split_sentences(lead, lang)), lead).strip()
    size = (lambda t: len(t)) if lang == "zh" else (lambda t: len(t.split()))
    budget = limit if lang == "zh" else limit // 2
    fits = lambda prefix: size(prefix) <= budget  # noqa: E731
    clause = _last_fitting(first, clause_ends(first, lang), fits)
    if clause is not None:
        return first[:clause].rstrip(" ，,；;：:")
    if fits(first):
        return first.rstrip("。.！!")
    word = _last_fitting(first, word_ends(first, lang), fits)
    return first[:word] if word is not None else first[:limit]


def shorten(sentence: str, seconds: float, lang: Lang) -> str:
    """One over-long sentence cut to fit `seconds`: at the last clause break that fits, else the
    first one, else at a word break; never inside quotes or brackets; closed with a full stop."""
    fits = lambda prefix: speaking_seconds(prefix, lang) <= seconds  # noqa: E731
    cuts = clause_ends(sentence, lang)
    cut = _last_fitting(sentence, cuts, fits)
    if cut is None and cuts and speaking_seconds(sentence[:cuts[0]], lang) <= 2 * seconds:
        cut = cuts[0]
    if cut is None:
        cut = _last_fitting(sentence, word_ends(sentence, lang), fits)
    if cut is None:
        return sentence
    return _close(sentence[:cut], lang)


def _last_fitting(text: str, cuts: list[int], fits: Callable[[str], bool]) -> int | None:
    """The last of the ascending `cuts` whose prefix of `text` still `fits`. A binary search:
    a prefix only grows with the cut, and an unpunctuated page can offer thousands of cuts."""
    fitting = bisect.bisect_right(cuts, False, key=lambda c: not fits(text[:c]))
    return cuts[fitting - 1] if fitting else None


def _close(text: str, lang: Lang) -> str:
    text = text.rstrip(" ，,；;：:、—-")
    return text + ("。" if lang == "zh" else ".")


def _sentences(paragraphs: list[str], lang: Lang) -> list[_Sentence]:
    out: list[_Sentence] = []
    for number, paragraph in enumerate(paragraphs):
        for text in split_sentences(paragraph, lang):
            if content_words(text, lang) or not out:
                out.append(_Sentence(text, len(out), number, speaking_seconds(text, lang)))
    return out


def _adjusted(score: float, sentence: _Sentence, lang: Lang, opening: _Sentence) -> float:
    if sentence.text[:1] in _QUOTE_OPENERS:
        score *= QUOTE_FACTOR
    if _DANGLING[lang].match(sentence.text) and sentence.order != opening.order + 1:
        score *= DANGLING_FACTOR
    return score
