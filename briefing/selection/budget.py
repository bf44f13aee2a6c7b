"""How long a bulletin will run, before a word is spoken, and fitting it to its slot.

The estimate follows the layout (briefing.assemble.layout): the intro sound and the opening,
each story's headline and lead with the pauses between their sentences, a transition
sound and words before every story after the first, the closing and the outro sound.
Speech is the items' own estimate (briefing.leads.speaking_seconds, a budget of 4.5 Han
characters or 2.5 English words a second) scaled by how fast each engine really speaks,
plus its pause at every comma; PACE and COMMA_SECONDS were measured on decoded bulletins
(the stand-in exactly; edge and Kokoro from the 5.4-5.9 characters a second they read at).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..assemble import sounds
from ..assemble.layout import Pauses
from ..leads import speaking_seconds
from ..models import Item, Lang
from ..script import spoken_date, wording
from ..settings import Settings
from ..text.sentences import split_sentences

# real seconds per estimated second, by engine and language
PACE = {"standin": {"zh": 0.86, "en": 0.58}, "edge": {"zh": 0.80, "en": 0.83}, "kokoro": {"zh": 0.80, "en": 0.83}}
COMMA_SECONDS = {"standin": 0.16, "edge": 0.06, "kokoro": 0.06}  # the voice's pause at a comma
OVER = 0.05  # a bulletin is filled up to 5 % over its slot ...
STRETCH = 0.08  # ... or up to 8 % when that lands nearer the slot than stopping short
_COMMAS = re.compile(r"[，,；;：:、]")
_SOUND_RATE = 8000  # enough to know how long a sound lasts


@dataclass(frozen=True)
class Estimator:
    engine: str
    pauses: Pauses = field(default_factory=Pauses)

    def pace(self, lang: Lang) -> float:
        return PACE.get(self.engine, PACE["edge"])[lang]  # auto: the online voice (the offline ones are as fast)

    def speech(self, text: str, lang: Lang, estimated: float | None = None) -> float:
        """Seconds the voice takes for `text` (`estimated`: its seconds by the leads' budget, when known)."""
        sentences = split_sentences(text, lang)
        if estimated is None:
            estimated = speaking_seconds(text, lang)
        commas = len(_COMMAS.findall(text))
        return (estimated * self.pace(lang) + commas * COMMA_SECONDS.get(self.engine, COMMA_SECONDS["edge"])
                + max(0, len(sentences) - 1) * self.pauses.sentence)

    def item(self, item: Item) -> float:
        """One story: headline, pause, lead."""
        return self.speech(item.title + " " + item.lead, item.lang, item.seconds) + self.pauses.after_headline

    def transition(self, text: str, lang: Lang) -> float:
        p = self.pauses
        return p.before_transition + p.transition_voice + self.speech(text, lang) + p.after_transition

    def bulletin(self, items: list[Item], settings: Settings) -> float:
        lang: Lang = settings.show.language  # type: ignore[assignment]
        words = wording(lang, {"opening": settings.script.opening_words, "transition": settings.script.transition_words,
                               "closing": settings.script.closing_words})
        values = {"show": settings.show.title, "date": spoken_date(settings.date, lang), "count": len(items)}
        transitions = [t.strip() for t in words["transition"].split(" | ") if t.strip()]
        p = self.pauses
        total = (p.intro_voice + self.speech(words["opening"].format(**values), lang) + p.after_opening
                 + p.before_closing + self.speech(words["closing"].format(**values), lang)
                 + p.before_outro + _outro_seconds())
        for index, item in enumerate(items):
            total += self.item(item)
            if index and transitions:
                total += self.transition(transitions[(index - 1) % len(transitions)].format(**values), lang)
        return total


def _outro_seconds() -> float:
    return sounds.outro(_SOUND_RATE).size / _SOUND_RATE


@dataclass
class Fit:
    kept: list[int]  # indexes of the items read, in their order
    dropped: list[int]  # indexes of the items left out for time
    seconds: float  # the estimate of the bulletin as kept


def fit(items: list[Item], settings: Settings, minutes: float) -> Fit:
    """The most important items (they come first) that fill `minutes`: each is taken when it
    still fits, so a shorter story further down may fill the end. The first is always read."""
    estimator = Estimator(settings.speak.engine if settings.speak.engine != "auto" else "edge")
    target = minutes * 60

    def seconds(indexes: list[int]) -> float:
        return estimator.bulletin([items[i] for i in indexes], settings)

    kept: list[int] = []
    dropped: list[int] = []
    for index in range(len(items)):
        trial = kept + [index]
        if not kept or seconds(trial) <= target * (1 + OVER):
            kept = trial
        else:
            dropped.append(index)
    # short of the slot: one more story, when it lands nearer the slot and well within its tolerance
    for index in list(dropped):
        trial = sorted(kept + [index])
        if seconds(trial) <= target * (1 + STRETCH) and abs(seconds(trial) - target) < abs(seconds(kept) - target):
            kept = trial
            dropped.remove(index)
            break
    return Fit(kept, dropped, seconds(kept))
