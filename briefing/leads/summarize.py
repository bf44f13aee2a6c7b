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
from ..text.script import HAN_RANGES
from ..text.sentences import clause_ends, join_sentences, split_sentences, word_ends
from ..text.speakable import speakable
from .clean import clean_paragraphs
from .salience import content_words, salience, similarity
from .units import NEWS, units_of

# Measured speaking rates, Mandarin characters (numbers as spoken) or English words per second of
# speech, by (engine, voice): tools/measure_pace.py on the sample page built with that voice.
SPEAKING_RATES: dict[tuple[str, str], float] = {
    ("kokoro", "zm_yunxi"): 4.9,  # speed 0.8, clause pauses: 5.12 within sentences, 4.89 with the pauses between them
    ("kokoro", "zf_xiaoxiao"): 4.15,  # the sample page's stories: 4.31 within sentences, 4.15 with the pauses
    ("kokoro", "zf_xiaobei"): 3.73,  # ... 3.86 within sentences, 3.73 with the pauses
    ("kokoro", "af_heart"): 3.0,
}
ZH_CHARS_PER_SECOND = 4.5  # assumed for a voice whose rate is not measured (the online voices)
EN_WORDS_PER_SECOND = 2.5
SAME_AS_HEADLINE = 0.8  # similarity above which a sentence only repeats the headline
NEAR_DUPLICATE = 0.7  # ... or repeats a sentence already in the lead
QUOTE_FACTOR = 0.5  # a quotation rarely makes a good lead sentence on its own
QUOTED_SHARE = 0.4  # ... nor does a sentence that is mostly quotation
DANGLING_FACTOR = 0.8  # "他说" / "However" without the sentence before it
OPENING_CHOICES = 3  # the lead starts with one of the opening paragraph's first sentences
FIRST_BONUS = 0.35  # a first sentence saying when it happened is worth this much more
LEDE_SHARE = 0.9  # ... when it scores at least this share of the story's most salient sentence
_MIN_CHARS = {"zh": 8, "en": 20}
_QUOTE_OPENERS = "“‘「『\"'"
_QUESTION = re.compile(r"[？?][”’」』\"')）]*$")
_DANGLING = {
    "zh": re.compile(r"^(?:他|她|它|这|那|该|此|其|但|而|并|且|对此|因此|所以|不过|然而|此外|另外|同时|与此同时|随后"
                     r"|[^，。]{0,12}(?:其中|之一|上述))"),
    "en": re.compile(r"^(?:He|She|It|They|This|That|These|Those|His|Her|Its|Their|But|However|Also|And|Meanwhile|"
                     r"Still|Yet)\b"),
}
# A pronoun or "其中" that points back: without the sentence before it the listener is lost.
_REFERS_BACK = {
    "zh": re.compile(r"^(?:他|她|它|这|那|该|此|其(?!他|实|次)|对此|[^，。]{0,12}(?:其中|之一|上述))"),
    "en": re.compile(r"^(?:He|She|It|They|This|That|These|Those|His|Her|Its|Their|Such)\b"),
}
_HEAD_QUESTION_CHARS = {"zh": 30, "en": 90}


def pace(voice: tuple[str, str] | None, lang: Lang) -> float:
    """How much faster than the assumed rate `voice` (engine, name) speaks: 1.0 when not measured."""
    assumed = ZH_CHARS_PER_SECOND if lang == "zh" else EN_WORDS_PER_SECOND
    return SPEAKING_RATES.get(voice, assumed) / assumed if voice else 1.0


def speaking_seconds(text: str, lang: Lang, voice: tuple[str, str] | None = None) -> float:
    """Estimated reading time of `text` as the voice will say it (numbers spelled out), at the
    measured rate of `voice` (engine, name) when known, else of the language's default anchor."""
    spoken = speakable(text, lang)
    default = ZH_CHARS_PER_SECOND if lang == "zh" else EN_WORDS_PER_SECOND
    rate = SPEAKING_RATES.get(voice, default) if voice else default
    if lang == "zh":
        return len(re.findall(rf"[{HAN_RANGES}]|[A-Za-z]+|\d", spoken)) / rate
    return len(re.findall(r"[A-Za-z0-9']+", spoken)) / rate


@dataclass
class Considered:
    """One unit of the article as the lead saw it: its score, whether it was kept, and why."""

    text: str
    order: int  # position in the article
    paragraph: int
    seconds: float
    role: str  # NEWS, or why it is only context
    score: float | None = None
    kept: bool = False
    reason: str = ""

    def to_json(self) -> dict:
        return {"order": self.order, "paragraph": self.paragraph, "text": self.text, "role": self.role,
                "seconds": round(self.seconds, 1), "score": None if self.score is None else round(self.score, 3),
                "kept": self.kept, "reason": self.reason}


@dataclass
class LeadChoice:
    """The lead of one article and how it was chosen (for `briefing leads --explain`)."""

    lead: str
    seconds: float  # the time budget
    considered: list[Considered]


def lead_of(article: Article, seconds: float) -> str:
    """The lead of `article` that an anchor reads in about `seconds` (at least one sentence)."""
    return choose_lead(article, seconds).lead


def choose_lead(article: Article, seconds: float) -> LeadChoice:
    """The lead of `article` with every unit it considered, scored and explained."""
    lang = article.lang
    units = _considered(clean_paragraphs(article.paragraphs, lang), lang)
    if not units:
        return LeadChoice("", seconds, units)
    for unit in units:
        if unit.role != NEWS:
            unit.reason = f"context: {unit.role}"
        elif article.title and similarity(unit.text, article.title, lang) >= SAME_AS_HEADLINE:
            unit.reason = "repeats the headline"
    readable = [u for u in units if not u.reason]
    if readable and sum(u.seconds for u in readable) <= seconds:
        while len(readable) > 1 and not _can_open(readable[0], lang):
            readable.pop(0).reason = "cannot open a lead"
        return _done(units, readable, lang, seconds, "the story is read whole")
    candidates = [u for u in readable if len(u.text) >= _MIN_CHARS[lang] and (lang == "zh" or len(u.text.split()) >= 5)]
    for unit in readable:
        if unit not in candidates:
            unit.reason = "too short to stand alone"
    if not candidates:
        candidates = readable or [_fallback(units)]
    scores = salience([u.text for u in candidates], article.title, lang,
                      context=[u.text for u in units if u not in candidates])
    for unit, score in zip(candidates, scores):
        unit.score = _adjusted(score, unit, lang, candidates[0])
    opening = _opening(candidates, seconds, lang)
    if opening.seconds > seconds:
        opening.kept, opening.reason = True, "opens the lead, cut to the time budget"
        for unit in candidates:
            unit.reason = unit.reason or "no time left after the opening"
        return LeadChoice(shorten(opening.text, seconds, lang), seconds, units)
    chosen = _fill(opening, candidates, units, seconds, lang)
    return _done(units, chosen, lang, seconds, "salient enough for the time left")


def _considered(paragraphs: list[str], lang: Lang) -> list[Considered]:
    out: list[Considered] = []
    for unit in units_of(paragraphs, lang):
        if content_words(unit.text, lang) or not out:
            out.append(Considered(unit.text, len(out), unit.paragraph, speaking_seconds(unit.text, lang), unit.role))
    return out


def _fallback(units: list[Considered]) -> Considered:
    """Nothing reads as news alone: the first unit that is not a speaker tag or caption."""
    unit = next((u for u in units if "caption" not in u.role and "speaker" not in u.role), units[0])
    unit.reason = ""
    return unit


def _opening(candidates: list[Considered], seconds: float, lang: Lang) -> Considered:
    """The unit the lead is built around: the most salient of the opening paragraph's first few
    (so that a scene-setting quote, question or anecdote gives way to the news), unless a unit
    further on carries clearly more of the story. Either way one that can stand first (not
    "他说", not a question, not a quotation) and fits the time, when there is one; the lead then
    opens on the earliest kept unit, and nothing that cannot open a lead is kept before it."""
    first = candidates[0]
    pool = [u for u in candidates[:OPENING_CHOICES] if u.paragraph == first.paragraph]
    standing = [u for u in pool if _can_open(u, lang)] or pool
    fitting = [u for u in standing if u.seconds <= seconds]
    lede = max(fitting or standing, key=lambda u: u.score or 0.0)
    elsewhere = [u for u in candidates if u.seconds <= seconds and _can_open(u, lang)]
    best = max(elsewhere, key=lambda u: u.score or 0.0, default=lede)
    if lede.seconds <= seconds and (lede.score or 0.0) >= LEDE_SHARE * (best.score or 0.0) and (
            _can_open(lede, lang) or not elsewhere):
        return lede
    return best


def _best_fitting(pool: list[Considered], seconds: float, step: float = 0.25) -> list[Considered]:
    """The units that carry the most within `seconds` (a knapsack: each is worth its score times
    its length, so the time goes to salient sentences rather than to whatever fits first)."""
    slots = int(seconds / step)
    if slots <= 0:
        return []
    best: list[tuple[float, tuple[int, ...]]] = [(0.0, ())] * (slots + 1)
    for index, unit in enumerate(pool):
        weight = max(1, round(unit.seconds / step))
        value = (unit.score or 0.0) * unit.seconds * (1 + FIRST_BONUS if _is_dated_lede(unit) else 1)
        for room in range(slots, weight - 1, -1):
            candidate = best[room - weight][0] + value
            if candidate > best[room][0]:
                best[room] = (candidate, (*best[room - weight][1], index))
    return [pool[i] for i in max(best)[1]]


_WHEN = re.compile(r"\d{1,2}月\d{1,2}日|\d{1,2}日[，,上下晚凌]|\d{4}年|近日|日前|昨天|今天|今年|当地时间|"
                   r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|last (?:week|month|year)|"
                   r"January|February|March|April|May|June|July|August|September|October|November|December)\b")


def _is_dated_lede(unit: Considered) -> bool:
    """The story's first sentence telling when it happened: the who/what/when/where a bulletin opens on."""
    return unit.order == 0 and bool(_WHEN.search(unit.text))


def _can_open(unit: Considered, lang: Lang) -> bool:
    """Can the listener start here: not a question, not "他说"/"However", not a quotation first?"""
    short_question = _QUESTION.search(unit.text) and len(unit.text) <= _HEAD_QUESTION_CHARS[lang]
    # "周明说明来意。" leaves who, when and where unsaid; "Schools closed on Monday." does not
    too_short = len(unit.text) < 1.5 * _MIN_CHARS[lang] and not _WHEN.search(unit.text)
    return not (_DANGLING[lang].match(unit.text) or short_question or too_short or unit.text[:1] in _QUOTE_OPENERS)


def _fill(opening: Considered, candidates: list[Considered], units: list[Considered], seconds: float,
          lang: Lang) -> list[Considered]:
    """The opening, then the most salient units that fit, in story order. A unit that leans on
    the one before it ("他说", "However") waits until that one is kept, or is left out."""
    chosen = [opening]
    used = opening.seconds
    waiting: list[Considered] = []
    ranked = sorted(candidates, key=lambda u: -(u.score or 0.0))
    best = _best_fitting([u for u in candidates if u is not opening and (u.order > opening.order or _can_open(u, lang))],
                         seconds - opening.seconds)
    ranked = [u for u in ranked if u in best] + [u for u in ranked if u not in best]
    progress = True
    while progress:
        progress = False
        for unit in ranked:
            if unit in chosen or unit.reason in _FINAL:
                continue
            if unit.order < opening.order and not _can_open(unit, lang):
                unit.reason = "comes before the opening and cannot open a lead"
                continue
            if used + unit.seconds > seconds:
                unit.reason = "over the time budget"
                continue
            if any(similarity(unit.text, c.text, lang) >= NEAR_DUPLICATE for c in chosen):
                unit.reason = "repeats a kept sentence"
                continue
            if _leans_on_previous(unit, lang) and units[unit.order - 1] not in chosen:
                unit.reason = "refers to the sentence before it, which is left out"
                waiting.append(unit)
                continue
            chosen.append(unit)
            used += unit.seconds
            unit.reason = ""
            progress = unit in waiting or any(w.order == unit.order + 1 for w in waiting)
            if progress:
                break
    chosen.sort(key=lambda u: u.order)
    return _without_unanswered_questions(chosen, units)


_FINAL = ("repeats a kept sentence",)


def _leans_on_previous(unit: Considered, lang: Lang) -> bool:
    return unit.order > 0 and bool(_REFERS_BACK[lang].match(unit.text))


def _without_unanswered_questions(chosen: list[Considered], units: list[Considered]) -> list[Considered]:
    """A question is kept only with the sentence after it (the answer)."""
    kept = list(chosen)
    changed = True
    while changed and len(kept) > 1:
        changed = False
        for unit in kept:
            answer = units[unit.order + 1] if unit.order + 1 < len(units) else None
            if _QUESTION.search(unit.text) and answer not in kept:
                kept.remove(unit)
                unit.reason = "a question whose answer is left out"
                changed = True
                break
    return kept


def _done(units: list[Considered], chosen: list[Considered], lang: Lang, seconds: float, why: str) -> LeadChoice:
    for unit in chosen:
        unit.kept, unit.reason = True, (unit.reason if unit.reason.startswith("opens") else why)
    for unit in units:
        if not unit.kept and not unit.reason:
            unit.reason = "less salient than the kept sentences"
    return LeadChoice(join_sentences([u.text for u in chosen], lang), seconds, units)


def headline_from(lead: str, lang: Lang, limit: int = 24) -> str:
    """A short title for an article that has none: the lead's opening words (for chapters and
    lists; the bulletin does not say it twice)."""
    first = next(iter(split_sentences(lead, lang)), lead).strip()
    size = (lambda t: len(t)) if lang == "zh" else (lambda t: len(t.split()))
    budget = limit if lang == "zh" else limit // 2
    fits = lambda prefix: size(prefix) <= budget
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
    fits = lambda prefix: speaking_seconds(prefix, lang) <= seconds
    cuts = [c for c in clause_ends(sentence, lang) if _keeps_meaning(sentence, c, lang)]
    cut = _last_fitting(sentence, cuts, fits)
    if cut is None and cuts and speaking_seconds(sentence[:cuts[0]], lang) <= 2 * seconds:
        cut = cuts[0]
    if cut is None:
        cut = _last_fitting(sentence, word_ends(sentence, lang), fits)
    if cut is None:
        return sentence
    return _close(sentence[:cut], lang)


# A cut must not change what the sentence says: not before "但/却/而是/就" (the turn or the
# consequence is lost), not right after "虽然/如果/不是…" (the condition is left hanging).
_CONTINUES = {"zh": re.compile(r"^\s*(?:但|却|而|不过|然而|否则|才|就|则|只是|可是|反而|除非|以免|以便|也|还|并且|甚至)"),
              "en": re.compile(r"^\s*(?:but|yet|however|unless|except|only|or|not|than|so that|while|whereas)\b",
                               re.IGNORECASE)}
_HANGS = {"zh": re.compile(r"(?:虽然|虽|尽管|如果|假如|假设|即使|即便|只要|只有|一旦|不仅|不但|不是|无论|不管|要是|倘若|若|因为|由于)"),
          "en": re.compile(r"^\s*(?:although|though|if|unless|while|whereas|despite|even|not only|when|because|as|"
                           r"since|before|after|until|whether)\b", re.IGNORECASE)}


def _keeps_meaning(sentence: str, cut: int, lang: Lang) -> bool:
    before = sentence[:cut].rstrip(" ，,；;：:")
    last_clause = re.split(r"[，,；;：:]", before)[-1]
    hangs = _HANGS[lang].search(last_clause) if lang == "zh" else _HANGS[lang].match(last_clause)
    return not (_CONTINUES[lang].match(sentence[cut:]) or hangs)


def _last_fitting(text: str, cuts: list[int], fits: Callable[[str], bool]) -> int | None:
    """The last of the ascending `cuts` whose prefix of `text` still `fits`. A binary search:
    a prefix only grows with the cut, and an unpunctuated page can offer thousands of cuts."""
    fitting = bisect.bisect_right(cuts, False, key=lambda c: not fits(text[:c]))
    return cuts[fitting - 1] if fitting else None


def _close(text: str, lang: Lang) -> str:
    text = text.rstrip(" ，,；;：:、—-")
    return text + ("。" if lang == "zh" else ".")


def _quoted_share(text: str) -> float:
    quoted = sum(len(m) for m in re.findall(r"“[^“”]*”|‘[^‘’]*’|「[^「」]*」", text))
    return quoted / max(1, len(text))


def _adjusted(score: float, unit: Considered, lang: Lang, opening: Considered) -> float:
    if unit.text[:1] in _QUOTE_OPENERS or _quoted_share(unit.text) > QUOTED_SHARE:
        score *= QUOTE_FACTOR
    if _DANGLING[lang].match(unit.text) and unit.order != opening.order + 1:
        score *= DANGLING_FACTOR
    return score
