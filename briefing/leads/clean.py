"""What an anchor never reads: datelines, bylines, credits, captions and editor's notes.

The readers in briefing/read take most of these off; this is the lead's own guard, for
inputs that carry them in the body (JSON, feeds, pasted text).
"""

from __future__ import annotations

import re

from ..models import Lang
from ..text.news import AGENCY, DATELINE, DATELINE_REPORTERS, MONTH_DAY, REPORTERS
from ..text.script import HAN_RANGES
from .units import PICTURE_REFERENCE, ZH_PICTURE_ASIDE

_ZH_LEADING = [
    # 新华社北京2月15日电（记者 樊曦）, 本报讯（记者 …）, 中新网2月15日电, 据新华社电, and what only
    # a body opens with: 本报讯：…, 人民日报消息, 新华社北京2月15日消息
    re.compile(rf"^(?:{DATELINE}|本报讯|{AGENCY}(?:[^\s，。,；;（）()]{{0,12}}?{MONTH_DAY})?消息)"
               rf"\s*(?:{DATELINE_REPORTERS})?\s*[：:，,]?\s*"),
    re.compile(rf"^{REPORTERS}\s*"),
    re.compile(rf"^[■●◆▲]\s*\S{{0,12}}(?:记者|通讯员)(?:\s*[{HAN_RANGES}·]{{2,4}}(?=\s|$))+\s*"),
    re.compile(rf"^(?:文|图|文图|图文|记者|撰文|作者)\s*[/｜|：:]\s*[{HAN_RANGES}·]{{2,12}}(?:\s+[{HAN_RANGES}·]{{2,12}})*\s+"),
]
_ZH_DROP = [
    re.compile(r"^[■●◆▲]"),  # bylines and credits set off by a mark
    re.compile(r"^[（(【\[]?\s*(?:编者按|编者的话|编者注|编辑|责任编辑|责编|来源|原标题|原题|题图|图片来源|"
               r"本文来源|校对|审核|统筹|策划|制图)\s*[】\]]?\s*[：:】]"),
    re.compile(r"^(?:图为|图片为|上图|下图|左图|右图|题图|图[①②③④⑤⑥1-9一二三四五六]?[：:])"),
    re.compile(r"^[（(][^（）()]{0,80}(?:摄|供图|制图|资料图片|图片来源[^（）()]*)[）)]$"),
    re.compile(rf"^[{HAN_RANGES}]{{0,10}}(?:记者|通讯员|特约撰稿人)\s*[{HAN_RANGES}·]{{2,4}}(?:\s+[{HAN_RANGES}·]{{2,4}}){{0,5}}$"),
    re.compile(rf"(?:新华社|本报|中新社|人民日报)(?:记者|通讯员)?\s*[{HAN_RANGES}·]{{2,4}}\s*摄$|新华社发(?:\s*[（(]?[{HAN_RANGES}·]{{2,4}}作?[）)]?)?$"),
    re.compile(r"^[（(]?(?:完|责任编辑[：:].*|编辑[：:].*)[）)]?$"),
]
_ZH_TRAILING = [
    re.compile(r"\s*[（(](?:原题为?|原标题)[：:]?\s*《[^》]*》[）)]\s*$"),
    re.compile(r"\s*[（(](?:完|记者[^（）()]{0,40}|[^（）()]{0,30}(?:摄|供图|制图|整理|编译|报道))[）)]\s*$"),
]
_ZH_AGENCY_REPORTER = re.compile(r"(?:本报|新华社|本台|本刊|本网)(?=(?:特约)?(?:记者|通讯员))")

_EN_LEADING = [
    # Daily Mail dumps: "By . Jane Doe . PUBLISHED: . 01:15 EST, 30 November 2013 . | . UPDATED: . ..."
    re.compile(r"^By\s*\.\s*[^.|]{1,80}?\s+\.\s+"),
    re.compile(r"^(?:\|\s*\.?\s*)?(?:PUBLISHED|UPDATED|Last updated)\s*:?\s*\.?\s*[^|]{0,60}?\d{4}\s*\.?\s*"
               r"(?:\|\s*\.?\s*)?", re.IGNORECASE),
    re.compile(r"^(?:[A-Z][A-Za-z.'-]*(?:[ ,]+[A-Z][A-Za-z.'-]*){0,4}\s*)?\((?:CNN|Reuters|AP|AFP|Xinhua|Bloomberg|"
               r"UPI|EFE|dpa|BBC)\)\s*(?:--|—|–|-)?\s*"),
    re.compile(r"^[A-Z][A-Z .,'-]{2,40}\s*(?:--|—|–)\s+"),
]
_EN_DROP = [
    re.compile(r"^By\s+[A-Z][^.!?]{0,80}$"),
    re.compile(r"^(?:Editor'?s note|Editors'? note|Correction|Clarification)\s*:", re.IGNORECASE),
    re.compile(r"^(?:Photo|Image|Picture|Video|Caption|Credit)s?\s*:", re.IGNORECASE),
    re.compile(r"^(?:Scroll down|Click here|Read more|READ MORE|Follow us|Sign up)\b", re.IGNORECASE),
    re.compile(r"^(?:PUBLISHED|UPDATED|Last updated)\b", re.IGNORECASE),
]
# Lines of a wrapped page joined with " . ": "12 per cent . of the" and "the nightclub ."
_EN_STRAY_STOP = re.compile(r"\s+\.(?=\s+[a-z(])")
_EN_SPACED_STOP = re.compile(r"\s+\.(?=\s|$)")
_EN_NOISE = re.compile(r"\s*(?:Scroll down for (?:video|more)|Click here (?:for|to) [^.]*)\.?\s*", re.IGNORECASE)


def clean_paragraphs(paragraphs: list[str], lang: Lang) -> list[str]:
    """The body without furniture, ready to be read aloud from its first word."""
    cleaned = []
    for paragraph in paragraphs:
        text = clean_paragraph(paragraph, lang)
        if text:
            cleaned.append(text)
    return cleaned


def clean_paragraph(text: str, lang: Lang) -> str:
    text = re.sub(r"[\u3000\u00a0\s]+", " ", text).strip()
    leading, drop, trailing = (_ZH_LEADING, _ZH_DROP, _ZH_TRAILING) if lang == "zh" else (_EN_LEADING, _EN_DROP, [])
    changed = True
    while changed and text:
        changed = False
        for pattern in leading:
            stripped = pattern.sub("", text, count=1).strip()
            if stripped != text:
                text, changed = stripped, True
    if not text or any(p.search(text) for p in drop):
        return ""
    for pattern in trailing:
        text = pattern.sub("", text).strip()
    if lang == "zh":
        # On air the reporter is not "this paper's": 本报记者 / 新华社记者 -> 记者
        text = _ZH_AGENCY_REPORTER.sub("", text)
        text = ZH_PICTURE_ASIDE.sub("", text).strip()
    else:
        text = _EN_NOISE.sub(" ", text).strip()
        text = PICTURE_REFERENCE.sub("", text)
        text = _EN_SPACED_STOP.sub(".", _EN_STRAY_STOP.sub("", text)).strip()
    return text
