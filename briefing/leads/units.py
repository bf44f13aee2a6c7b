"""The pieces a lead is made of: sentences grouped so that a quotation and the words saying
who spoke it are chosen or dropped together, and each piece told what it is.

A unit is news (it can be read alone), or context: a speaker tag cut off from its quote, a
quotation without its speaker, a photo caption or label, a subhead, a list marker, a question
standing as a section head, a fragment. Context still tells the salience model what the
article is about; it is never read as a lead sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Lang
from ..text.script import HAN_RANGES
from ..text.sentences import (
    OPENERS,
    depth_profile,
    en_quote_marks,
    is_complete,
    split_sentences,
)

NEWS = "news"

# Words that introduce or close a quotation: 说, 表示, 介绍; said, added, told.
_ZH_SPEECH = (r"(?:说|说道|表示|指出|认为|介绍|称|强调|坦言|感慨|感叹|告诉(?:本报)?记者|如是说|如是表示|回忆|解释|补充|"
              r"透露|提到|坦承|笑称|直言|谈道|分析|建议|呼吁|回答|答道|问道|写道)")
_ZH_TAG = re.compile(rf"^[^。！？“”「」『』]{{1,40}}?{_ZH_SPEECH}(?:道)?[。！]$")
_ZH_TAG_OPENING = re.compile(rf"^[^。！？“”「」『』，]{{1,30}}?{_ZH_SPEECH}[，：,:]")
_EN_SPEECH = (r"(?:said|says|added|adds|told|explained|explains|continued|insisted|claimed|stated|revealed|admitted|"
              r"warned|wrote|tweeted|posted|commented|replied|asked|recalled|noted|announced|confirmed|declared)")
_EN_TAG = re.compile(rf"^(?:[\w.'’-]+\s+){{0,5}}{_EN_SPEECH}(?:\s+[\w.'’-]+){{0,5}}\s*[.!]$", re.IGNORECASE)
_EN_TAG_OPENING = re.compile(rf"^(?:[\w.'’-]+\s+){{0,6}}{_EN_SPEECH}\b[^.!?'\"‘“]{{0,40}}[:,]\s*$", re.IGNORECASE)

# Captions: Daily Mail "Pictured: ..." labels, positions in a photo, 图为, （资料图）.
_EN_LABEL = re.compile(r"^(?P<label>[A-Z][\w'’&-]*(?:\s+\.?\s*[\w'’&-]+){0,3})\s*:\s+(?=\S)")
_EN_NOT_LABEL = re.compile(rf"\b(?:{_EN_SPEECH[3:-1]}|I|he|she|they|we|it|is|are|was|were|has|have|had|the|a|an|"
                           r"headline|reads?|follows?|says)\b", re.IGNORECASE)
_EN_PICTURE = re.compile(
    r",\s*(?:(?:second|third|fourth|far|top|bottom|centre|center)\s+)?(?:left|right|centre|center|above|below|top|"
    r"bottom|inset|pictured)\s*[,.]|\bpictured\s+(?:here|with|at|in|on|left|right|above|below|during|after|before)\b"
    r"|\b(?:is|are|was|were)\s+pictured\b|\b(?:seen|shown)\s+(?:here|above|below|left|right)\b"
    r"|\bin (?:this|the) (?:photo|picture|image|undated photo|file photo)\b"
    r"|^(?:This|The|A)\s+(?:photo|picture|image|graph|chart|map|graphic)\s+(?:shows|showing)\b"
    r"|\((?:[^()]{0,30}\b(?:from|second|third|fourth)\s+(?:left|right)\b[^()]{0,30})\)", re.IGNORECASE)
PICTURE_REFERENCE = re.compile(
    r"\s*\((?:pictured|picture|photo|left|right|above|below|centre|center|inset|top|bottom|file photo|"
    r"(?:pictured\s+)?(?:second|third|far|top|bottom)\s+(?:left|right)|pictured\s+(?:left|right|above|below|"
    r"centre|center|top|bottom|with [^()]{1,30}|in [^()]{1,30}|at [^()]{1,30}|here))\)", re.IGNORECASE)
_ZH_PICTURE = re.compile(r"^(?:图为|图中|图片为|照片为|上图|下图|左图|右图|题图|图[①②③④⑤⑥⑦⑧⑨1-9一二三四五六])"
                         r"|[（(](?:左|右|中|前排|后排)[一二三四五六七八九1-9]?[左右]?[一二三四五六七八九1-9]?[）)]"
                         r"|[（(](?:资料图片?|图片来源[^（）()]*|[^（）()]{0,20}摄|见图[^（）()]*|如图[^（）()]*)[）)]$"
                         rf"|(?:摄于|拍摄于)[^，。]{{0,20}}[。]?$|(?:新华社|本报)(?:记者)?[{HAN_RANGES}·\s]{{2,8}}摄[。]?$")
ZH_PICTURE_ASIDE = re.compile(r"[（(](?:资料图片?|图片来源[^（）()]*|见图[^（）()]*|如图[^（）()]*|图[①②③④⑤⑥1-9]?)[）)]")
_ZH_LABEL = re.compile(rf"^(?P<label>[{HAN_RANGES}A-Za-z]{{1,6}})[：:](?!“|\")")
_ZH_NOT_LABEL = re.compile(rf"{_ZH_SPEECH}$|(?:显示|表明|认为|提出|要求|规定|明确|发现|透露|宣布|通知|公告|问|答|是|为)$")

# Subheads and list markers: 1.…, 一、…, （二）…, ①…, 第二，…, 三是…; "1.", "(a)", "- ", "• ".
_ZH_MARKERS = (r"\d{1,2}\s*[.、．)）]", r"[（(]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[）)]",
               r"[一二三四五六七八九十]{1,3}\s*[、．.]", r"[①②③④⑤⑥⑦⑧⑨⑩]", r"第[一二三四五六七八九十]{1,3}\s*[，、,]",
               r"[一二三四五六七八九十]{1,2}是", r"其[一二三四五]\s*[，、,]", r"[•·▪◆●■□▶►\-*]", "——", "—")
_ZH_LIST = re.compile(r"^(?:" + "|".join(_ZH_MARKERS) + ")")
_EN_LIST = re.compile(r"^(?:\d{1,2}[.)]\s|\([a-z0-9]{1,2}\)\s|[a-z][.)]\s|[•·▪◆●■□▶►*-]\s|(?:First|Second|Third|Fourth|"
                      r"Fifth|Finally|Firstly|Secondly|Thirdly)\s*[,:])")
_QUESTION = re.compile(r"[？?][”’」』\"')）]*$")
_EN_FRAGMENT = re.compile(r",\s*\.$|\b(?:of|the|a|an|and|or|to|in|at|for|with|from|by|on|that|his|her|their|its|is|was|are|"
                          r"were|include|includes)\s*\.$", re.IGNORECASE)
_HEAD_CHARS = {"zh": 30, "en": 90}


@dataclass
class Unit:
    """A sentence (or a quote with its attribution) and what it is for the lead."""

    text: str
    paragraph: int
    role: str = NEWS  # NEWS, or why it is only context


def units_of(paragraphs: list[str], lang: Lang) -> list[Unit]:
    """The article's units in story order, each with its role."""
    units: list[Unit] = []
    for number, paragraph in enumerate(paragraphs):
        sentences = split_sentences(paragraph, lang)
        start = len(units)
        for sentence in sentences:
            _add(units, sentence, number, lang, start)
        _mark_heads(units[start:], lang)
    _join_tags_to_following_quotes(units, lang)
    for unit in units:
        if unit.role == NEWS:
            unit.role = role_of(unit.text, lang)
    return units


def _add(units: list[Unit], sentence: str, paragraph: int, lang: Lang, paragraph_start: int) -> None:
    """Append `sentence`, joining a speaker tag or an attributed continuation to the quote before it."""
    previous = units[-1] if units else None
    if previous and previous.role == NEWS and ends_with_quote(previous.text) and (
            is_speaker_tag(sentence, lang) or opens_with_attribution(sentence, lang)) and (
            len(units) > paragraph_start or is_speaker_tag(sentence, lang)):
        previous.text = _join(previous.text, sentence, lang)
        return
    units.append(Unit(sentence, paragraph))


def _join_tags_to_following_quotes(units: list[Unit], lang: Lang) -> None:
    """`X说：` ending a paragraph introduces the quotation that opens the next one."""
    for i in range(len(units) - 2, -1, -1):
        unit, following = units[i], units[i + 1]
        if (unit.text.rstrip().endswith(("：", ":")) and following.text[:1] in OPENERS + "\"'"
                and following.paragraph == unit.paragraph + 1 and _introduces_speech(unit.text, lang)):
            unit.text = _join(unit.text, following.text, lang)
            unit.role = NEWS
            del units[i + 1]


def _mark_heads(paragraph_units: list[Unit], lang: Lang) -> None:
    """A paragraph that is one short question, or one line without a sentence end, is a head."""
    if len(paragraph_units) != 1:
        return
    unit = paragraph_units[0]
    if not is_complete(unit.text, lang):
        unit.role = "subhead"
    elif _QUESTION.search(unit.text) and len(unit.text) <= _HEAD_CHARS[lang]:
        unit.role = "question used as a head"


def role_of(text: str, lang: Lang) -> str:
    """NEWS, or why `text` cannot be read as a lead sentence on its own."""
    if list_marker(text, lang):
        return "list marker"
    if is_caption(text, lang):
        return "caption or photo label"
    if is_speaker_tag(text, lang):
        return "speaker tag without its quote"
    if is_bare_quote(text):
        return "quotation without its speaker"
    if has_open_quote(text, lang):
        return "quotation left open"
    if not is_complete(text, lang):
        return "subhead"
    if lang == "en" and _EN_FRAGMENT.search(text):
        return "fragment"
    return NEWS


def is_speaker_tag(text: str, lang: Lang) -> bool:
    """Only who said it: 苏炳添说。 / 会长X介绍。 / 他如是说。 / he said."""
    text = text.strip()
    if any(q in text for q in "“”\"‘’「」"):
        return False
    if lang == "zh":
        return bool(_ZH_TAG.match(text))
    return len(text.split()) <= 10 and bool(_EN_TAG.match(text))


def opens_with_attribution(text: str, lang: Lang) -> bool:
    """`X说，……` / `he added, ...`: the sentence starts by naming who speaks."""
    if lang == "zh":
        return bool(_ZH_TAG_OPENING.match(text))
    return bool(re.match(rf"^(?:[\w.'’-]+\s+){{0,5}}{_EN_SPEECH}\b", text, re.IGNORECASE)) and len(text.split()) <= 12


def _introduces_speech(text: str, lang: Lang) -> bool:
    if lang == "zh":
        return bool(re.search(rf"{_ZH_SPEECH}[：:]\s*$", text))
    return bool(_EN_TAG_OPENING.match(text))


def is_caption(text: str, lang: Lang) -> bool:
    """A photo caption or a Daily Mail style label: `Pictured: ...`, `Scam: ...`, `, left,`, 图为."""
    if lang == "zh":
        if _ZH_PICTURE.search(text):
            return True
        zh_label = _ZH_LABEL.match(text)
        return zh_label is not None and not _ZH_NOT_LABEL.search(zh_label["label"])
    label = _EN_LABEL.match(text)
    if label and not _EN_NOT_LABEL.search(label["label"]):
        return True
    return bool(_EN_PICTURE.search(text))


def list_marker(text: str, lang: Lang) -> bool:
    return bool((_ZH_LIST if lang == "zh" else _EN_LIST).match(text.strip()))


def ends_with_quote(text: str) -> bool:
    core = text.rstrip()
    return bool(core) and core[-1] in "”’」』\"'"


def is_bare_quote(text: str) -> bool:
    """The whole unit is one quotation: nothing says who speaks."""
    text = text.strip().rstrip("。.！!？? ")
    if len(text) < 2 or text[0] not in "“「『\"'‘":
        return False
    depths = depth_profile(en_quote_marks(text))
    if depths is None:
        return False
    return all(d > 0 for d in depths[:-1])


def has_open_quote(text: str, lang: Lang) -> bool:
    """A quotation mark opened and never closed (or closed and never opened)."""
    marks = en_quote_marks(text) if lang == "en" else text
    return depth_profile(marks) is None


def _join(first: str, second: str, lang: Lang) -> str:
    return first + second if lang == "zh" else f"{first} {second}"
