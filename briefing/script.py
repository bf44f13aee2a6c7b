"""The script stage: items -> everything the bulletin says (opening, transitions, closing)."""

from __future__ import annotations

import datetime as dt

from .leads.sentences import split_sentences
from .leads.speakable import speakable
from .models import Item, Lang, Script, Segment, Sentence
from .context import Context

WORDING: dict[Lang, dict[str, str]] = {
    "zh": {
        "opening": "欢迎收听{show}。今天是{date}，{count}条新闻。",
        "transition": "下一条。",
        "closing": "以上就是今天的{show}。感谢收听，我们明天再见。",
    },
    "en": {
        "opening": "Welcome to {show}. It is {date}, and here are {count} stories.",
        "transition": "Next.",
        "closing": "That was {show}. Thanks for listening, see you tomorrow.",
    },
}


def spoken_date(date: dt.date, lang: Lang) -> str:
    if lang == "zh":
        weekday = "一二三四五六日"[date.weekday()]
        return f"{date.year}年{date.month}月{date.day}日，星期{weekday}"
    return date.strftime("%A, %B ") + str(date.day) + date.strftime(", %Y")


def _segment(kind, text: str, lang: Lang, item: int | None = None) -> Segment:
    sentences = [Sentence(text=s, spoken=speakable(s, lang)) for s in split_sentences(text, lang)]
    return Segment(kind=kind, sentences=[s for s in sentences if s.spoken], lang=lang, item=item)


def write_script(items: list[Item], ctx: Context) -> Script:
    settings = ctx.settings
    lang: Lang = settings.show.language  # type: ignore[assignment]
    words = WORDING[lang]
    values = {"show": settings.show.title, "date": spoken_date(settings.date, lang), "count": len(items)}
    segments = [_segment("opening", words["opening"].format(**values), lang)]
    for index, item in enumerate(items):
        if index:
            segments.append(_segment("transition", words["transition"], lang, index))
        headline = item.title if item.title.endswith(tuple("。！？!?.")) else item.title + ("。" if item.lang == "zh" else ".")
        segments.append(_segment("headline", headline, item.lang, index))
        segments.append(_segment("lead", item.lead, item.lang, index))
    segments.append(_segment("closing", words["closing"].format(**values), lang))
    return Script(show_title=settings.show.title, date=settings.date, lang=lang, items=items,
                  segments=[s for s in segments if s.sentences])
