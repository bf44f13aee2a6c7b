"""The script stage: items -> everything the bulletin says (opening, transitions, closing).

Each sentence keeps its display text (transcripts, feed) and gets a spoken copy made for
the voice (briefing.text.speakable). The wording is per language and can be overridden in
Settings (opening_words, transition_words, closing_words) with the placeholders {show},
{date} and {count}; several transitions separated by " | " are used in turn.
"""

from __future__ import annotations

import datetime as dt
import re

from .context import Context
from .errors import ConfigError
from .models import Item, Lang, Script, Segment, SegmentKind, Sentence
from .text.sentences import join_sentences, split_sentences
from .text.speakable import speakable

WORDING: dict[Lang, dict[str, str]] = {
    "zh": {
        "opening": "欢迎收听{show}。今天是{date}，为您播报{count}条新闻。",
        "transition": "下面来看下一条。 | 再来关注一条消息。 | 接下来请听。",
        "closing": "以上就是今天的{show}。感谢收听，我们明天再见。",
    },
    "en": {
        "opening": "Welcome to {show}. It is {date}, and here are {count} stories.",
        "transition": "Next. | In other news. | Also today.",
        "closing": "That was {show}. Thanks for listening, see you tomorrow.",
    },
}
PLACEHOLDERS = ("show", "date", "count")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def spoken_date(date: dt.date, lang: Lang) -> str:
    if lang == "zh":
        weekday = "一二三四五六日"[date.weekday()]
        return f"{date.year}年{date.month}月{date.day}日，星期{weekday}"
    return f"{date.strftime('%A')}, {_MONTHS[date.month - 1]} {date.day}, {date.year}"


def wording(lang: Lang, overrides: dict[str, str | None] | None = None) -> dict[str, str]:
    """The show's words for `lang`, with any overrides; unknown placeholders are a ConfigError."""
    words = dict(WORDING[lang])
    for part, text in (overrides or {}).items():
        if text:
            check_wording(part, text)
            words[part] = text
    return words


def check_wording(part: str, text: str) -> None:
    for name in re.findall(r"{([^{}]*)}", text):
        if name not in PLACEHOLDERS:
            raise ConfigError(f"{part} wording has an unknown placeholder {{{name}}}; "
                              f"use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")


def make_segment(kind: SegmentKind, text: str, lang: Lang, item: int | None = None) -> Segment:
    sentences = [Sentence(text=s, spoken=speakable(s, lang)) for s in split_sentences(text, lang)]
    return Segment(kind=kind, sentences=[s for s in sentences if _voiced(s.spoken)], lang=lang, item=item)


def write_script(items: list[Item], ctx: Context) -> Script:
    settings = ctx.settings
    lang: Lang = settings.show.language  # type: ignore[assignment]
    words = wording(lang, {"opening": settings.script.opening_words, "transition": settings.script.transition_words,
                           "closing": settings.script.closing_words})
    values = {"show": settings.show.title, "date": spoken_date(settings.date, lang), "count": len(items)}
    transitions = [t.strip() for t in words["transition"].split(" | ") if t.strip()]
    segments = [make_segment("opening", words["opening"].format(**values), lang)]
    for index, item in enumerate(items):
        if index and transitions:
            text = transitions[(index - 1) % len(transitions)].format(**values)
            segments.append(make_segment("transition", text, lang, index))
        story = _story(item, index)
        if not any(segment.sentences for segment in story):
            # nothing in it can be spoken (symbols only): keep it, so the speak stage reports it
            story = [Segment("lead", [Sentence(text=item.lead or item.title, spoken="")], item.lang, index)]
        segments.extend(story)
    segments.append(make_segment("closing", words["closing"].format(**values), lang))
    return Script(show_title=settings.show.title, date=settings.date, lang=lang, items=items,
                  segments=[s for s in segments if s.sentences])


def _story(item: Item, index: int) -> list[Segment]:
    """Headline, then lead. When the lead opens with the headline's words (an article without a
    headline of its own), its first sentence is the headline and is not said twice."""
    lead = split_sentences(item.lead, item.lang)
    if item.title and not _opens_with(lead, item.title):
        headline = item.title if re.search(r"[。！？!?.]$", item.title) else item.title + (
            "。" if item.lang == "zh" else ".")
        return [make_segment("headline", headline, item.lang, index),
                make_segment("lead", item.lead, item.lang, index)]
    return [make_segment("headline", lead[0] if lead else item.title, item.lang, index),
            make_segment("lead", join_sentences(lead[1:], item.lang), item.lang, index)]


def _opens_with(sentences: list[str], title: str) -> bool:
    def key(text: str) -> str:
        return re.sub(r"\W+", "", text).lower()

    return bool(sentences) and key(sentences[0]).startswith(key(title))


def _voiced(spoken: str) -> bool:
    return bool(re.search(r"\w", spoken))
