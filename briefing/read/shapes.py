"""What a line of a newspaper page dump is, judged by its shape alone.

Every rule here is about the form of a line (dates, agency datelines, credit words,
punctuation, length), never about the words of particular titles or pages.
"""

from __future__ import annotations

import re

from ..text.news import AGENCY, DATELINE, DATELINE_REPORTERS, FULL_DATE
from ..text.script import HAN_RANGES

SPACES = " \t\u3000\u00a0"
# Traditional characters of the words the rules look for, so Big5 pages read like GB ones.
# One character for one: positions in the mapped text are positions in the original.
_TO_SIMPLIFIED = str.maketrans("記報網臺電訊員評論攝圖編輯統籌責發華週劃審設計監約實習",
                               "记报网台电讯员评论摄图编辑统筹责发华周划审设计监约实习")
_CLOSERS = "”’」』》）)]\"'"
_SENTENCE_END = "。！？!?…；;：:."

_LEAD_DATELINE = re.compile(rf"^(?P<dl>(?:{DATELINE})(?:\s*{DATELINE_REPORTERS})?)\s*(?P<rest>.*)$", re.DOTALL)
_LEAD_REPORTERS = re.compile(rf"^\s*(?P<who>{DATELINE_REPORTERS})")
# A closing dateline, reporters inside its bracket or after a space:
# （新华社北京2月3日电 记者 王磊）, （据新华社电 记者张三）, (本报北京5月8日电)
_NAMES = r"[^\s（）()，,。：:；;]{1,8}(?:[、\s]+[^\s（）()，,。：:；;]{1,8}){0,8}"
_TAIL_REPORTERS = rf"(?:\s*{DATELINE_REPORTERS}|\s+(?:记者|通讯员|实习生)\s*{_NAMES})"
_TAIL_DATELINE = re.compile(rf"^(?P<open>[（(])?(?P<dl>(?:{DATELINE}){_TAIL_REPORTERS}?)(?(open)[）)])$")

_DATE_LINE = re.compile(rf"^(?:\S{{1,10}}\s+)?{FULL_DATE}\s*(?:星期|周|礼拜)[一二三四五六日天]"
                        rf"|^(?:\S{{1,10}}\s+)?{FULL_DATE}(?:\s+\S{{1,10}})?$")  # 要闻 2024年6月3日
_PAGE_NUMBER = re.compile(r"^第[一二三四五六七八九十]{1,3}版(?:(?:\s+|\s*[:：·|｜]\s*)\S{1,10})?$"
                          r"|^(?:第\s*)?[A-Z]?\d{1,3}(?:\s*版)?(?:(?:\s+|\s*[:：·|｜]\s*)\S{1,10})?$"
                          r"|^\S{1,10}\s+(?:第\s*)?[A-Z]?\d{1,3}\s*版?$")
_STAFF_CREDIT = re.compile(r"^(?:本期|本版|本栏)?(?:统筹|编辑|责编|责任编辑|策划|制图|校对|主编|审校|美编"
                           r"|版式设计|版式|图片编辑|视觉设计|设计|监制|出品)(?:\s*[/／、]\s*\S{1,6})*\s*[：:]")
_BRACKETED = re.compile(r"^[（(\[【][^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*[）)\]】]$")
_PHOTO_WORK = re.compile(r"^(?P<who>.{0,24}?)(?P<gap>\s*)(?:摄影?(?:报道)?|供图|制图|绘图|漫画)(?P<src>[（(][^（）()]{1,10}[）)])?$")
_AGENCY_SENT = re.compile(rf"^(?:{AGENCY}|本报)发(?:\s+[^\s。，,；;]{{1,8}}){{0,3}}$")
_CREDIT_WHO = re.compile(r"记者|通讯员|摄影|社|报|网|视觉|图片|/|／")
_BULLET = "■□◆●▲"
_CAPTION_START = re.compile(rf"^(?:{FULL_DATE}[^，,。]{{0,8}}[，,]|(?:[上下左右中]?图|图片|题图)\s*[:：|｜为]|图为)")
_INLINE_PHOTO_CREDIT = re.compile(r"[（(][^（）()]{0,30}(?:摄|供图|社发|报发)[^（）()]{0,10}[）)]$"
                                  r"|(?:记者|通讯员)\s*\S{1,4}(?:\s+\S{1,4}){0,3}\s*摄$"
                                  rf"|\s(?:新华社|中新社|本报|[{HAN_RANGES}]{{1,6}}[社报])发(?:\s+\S{{1,6}}作?)?$")
_BYLINE_ROLE = re.compile(
    rf"^(?P<agency>{AGENCY})?(?:驻[^\s，。,]{{1,10}})?(?:全媒体|融媒体)?(?:首席|特约|高级|特派)?"
    r"(?:记者|通讯员|评论员|特约撰稿人|撰稿人|观察员)(?P<gap>\s*)(?:[^\s，。,；;：:]{1,12}\s*){0,10}$")
_BYLINE_LABEL = re.compile(r"^(?:文|图|文图|文/图|文／图|撰文|作者)\s*[/／：:|｜]\s*\S.{0,30}$"
                           r"|^(?:By|BY|by)\s+[A-Z][\w.'-]*(?:\s+[\w.'-]+){0,6}$")
_SPACED_NAME = re.compile(rf"^[{HAN_RANGES}][ \u3000][{HAN_RANGES}]$")  # a pen name set apart: 钟 声
_CJK = re.compile(rf"[{HAN_RANGES}]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# A word a section label ends with (新华时评, 国内新闻, 人民论坛): furniture, never a kicker.
_LABEL_ENDING = re.compile(r"(?:头条|时评|短评|快评|评论|论坛|新闻|要闻|快讯|简讯|速览|观察|视点|聚焦|专题|特稿"
                           r"|综述|连线|故事|纵横|看台|广角|副刊|专刊|周刊)$")
_PARAGRAPH_NONSTARTER = re.compile(r"^(?:[，,。.、；;：:？?！!）)》」』”’…%％们者]|的(?!确))")

MAX_HEADING_CJK = 40
SHORT_CAPTION = 80  # a dated single sentence this short is a photo caption wherever it stands
MAX_HEADING_LATIN_WORDS = 18
MAX_CLAUSED_HEADING_CJK = 24  # a headline with a comma is short: 坚持必胜信念，继续毫不放松抓防控
_OPEN_ENDINGS = tuple("的和与及对把将从被让给向")
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"), ("『", "』"))


_TRADITIONAL = re.compile("[" + "".join(chr(c) for c in _TO_SIMPLIFIED) + "]")


def _simplified(text: str) -> str:
    return text.translate(_TO_SIMPLIFIED) if _TRADITIONAL.search(text) else text  # translate is slow


def split_dateline(text: str) -> tuple[str, str] | None:
    """(dateline, rest) when a paragraph opens with one: 新华社北京2月15日电(记者 樊曦)记者15日… ."""
    match = _LEAD_DATELINE.match(_simplified(text))
    if match is None:
        return None
    return text[:match.end("dl")].strip(), text[match.start("rest"):].strip()


def split_reporters(text: str) -> tuple[str, str] | None:
    """(reporters, rest) when a paragraph opens with the bracket of a dateline: （记者 陈晨）… ."""
    match = _LEAD_REPORTERS.match(_simplified(text))
    if match is None:
        return None
    return text[:match.end("who")].strip(), text[match.end("who"):].strip()


def finished(text: str) -> bool:
    """Does the text end a sentence (so a blank line after it is a real paragraph break)?"""
    if text.endswith(("——", "……")):
        return True
    core = text.rstrip(_CLOSERS + SPACES)
    return not core or core[-1] in _SENTENCE_END


def is_date_or_page_line(text: str) -> bool:
    """Page furniture: the date line (2020年5月22日 星期五) or a page number (04 要闻, 第2版)."""
    if len(text) > 40:
        return False
    text = _simplified(text)
    if _DATE_LINE.match(text) and len(text) <= 40 and not re.search("[，,。]", text):
        return True
    return len(text) <= 16 and bool(_PAGE_NUMBER.match(text))


def is_tail_dateline(text: str) -> bool:
    """A dateline on a line of its own (新华社北京2月15日电, （据新华社电 记者张三）)."""
    return tail_dateline_text(text) is not None


def tail_dateline_text(text: str) -> str | None:
    """The dateline of a line that is only a dateline, without the brackets it closes an
    article in: （新华社北京2月15日电 记者张三） -> 新华社北京2月15日电 记者张三."""
    if len(text) > 70:
        return None
    match = _TAIL_DATELINE.match(_simplified(text))
    if match is None:
        return None
    return text[match.start("dl"):match.end("dl")].strip()


_JUMP = r"[（(](?:上接|下转|接|转|续)第?[一二三四五六七八九十\dA-Z]{1,4}版[）)]"
_JUMP_LINE = re.compile(rf"^{_JUMP}$")
_GLUED_JUMP = re.compile(rf"\s*(?P<jump>{_JUMP})$")


def is_jump_line(text: str) -> bool:
    """（上接第一版）, （下转第十二版）: where an article comes from or goes on."""
    return bool(_JUMP_LINE.match(text.strip(SPACES)))


def split_glued_jump(text: str) -> tuple[str, str] | None:
    """(text, jump) when a jump line is glued to the end of a cut sentence: …的通知（下转第三版）."""
    if not text.endswith(("）", ")")):
        return None
    match = _GLUED_JUMP.search(text)
    if match is None or match.start() == 0:
        return None
    return text[:match.start()], match["jump"]


def is_dated_caption(text: str) -> bool:
    """A caption only by its date (2020年5月21日，…。): body text too, unless its place says otherwise."""
    core = _simplified(text).lstrip(_BULLET + SPACES)
    return bool(re.match(FULL_DATE, core)) and not _INLINE_PHOTO_CREDIT.search(core)


_NUMBERED_SUBHEAD = re.compile(r"^[（(][一二三四五六七八九十\d]{1,3}[）)]")
_PICTURE_AND_TEXT = re.compile(rf"^(?:[{HAN_RANGES}]\s?){{2,4}}图\s+(?:[{HAN_RANGES}]\s?){{2,4}}文$")


def is_staff_credit(text: str) -> bool:
    """An editor's or designer's credit (本版责编：某某 版式设计：某某): page furniture."""
    return len(text) <= 60 and bool(_STAFF_CREDIT.match(_simplified(text)))


def is_credit(text: str) -> bool:
    """A staff credit (本期统筹：许 诺) or a whole bracketed line ((本报记者黄超、常钦), (下转第二版))."""
    if len(text) > 160:
        return False
    text = _simplified(text)
    if _PICTURE_AND_TEXT.match(text):  # 张 三图 李四文: a cartoon's credit
        return True
    if _NUMBERED_SUBHEAD.match(text):  # （二）: a numbered subhead of the article
        return False
    return bool(_STAFF_CREDIT.match(text)) and len(text) <= 60 or (
        len(text) <= 160 and bool(_BRACKETED.match(text)))


def is_photo_credit(text: str) -> bool:
    """A picture credit: 本报记者 李 舸摄, 新华社发 曹一作, (新华社记者 王鹏 摄), 视觉中国供图."""
    if len(text) > 40:
        return False
    text = _simplified(text)
    core = text.strip(_BULLET + SPACES)
    if re.match(r"^[（(].*[）)]$", core):
        core = core[1:-1]
    if len(core) > 30 or re.search("[。，,；;！!？?]", core):
        return False
    if _AGENCY_SENT.match(core):
        return True
    work = _PHOTO_WORK.match(core)
    if work is None:
        return False
    return bool(work["gap"] or work["src"] or _CREDIT_WHO.search(work["who"])) or not core.endswith(("摄", "摄影"))


def is_caption(text: str, blanks_before: int, unindented_in_indented_page: bool) -> bool:
    """A photo caption: a title with an inline ■credit, or one dated sentence describing a picture."""
    if len(text) > 310:
        return False
    text = _simplified(text)
    core = text.lstrip(_BULLET + SPACES)
    if any(mark in core for mark in _BULLET) and len(core) <= 200:
        head, _, tail = core.partition(next(m for m in _BULLET if m in core))
        return is_photo_credit(tail.strip()) or not re.search("[。！？]", head)
    if _INLINE_PHOTO_CREDIT.search(core) and len(core) <= 300:
        return True
    if not _CAPTION_START.match(core) or len(core) > 200:
        return False
    one_sentence = len(re.findall("[。！？!?]", core.rstrip("。！？!? "))) == 0
    return one_sentence and (len(core) <= SHORT_CAPTION or blanks_before >= 2 or unindented_in_indented_page)


def is_caption_start(text: str) -> bool:
    """Opens like a photo caption: a full date and a comma, or 图为 / 图：."""
    text = _simplified(text)
    return bool(_CAPTION_START.match(text.lstrip(_BULLET + SPACES)))


def byline_text(text: str) -> str | None:
    """The byline of a byline line, without its bullet: ■新华社记者 严赋憬 宋晨 -> 新华社记者 严赋憬 宋晨."""
    if len(text) > 70:
        return None
    printed = text.strip(SPACES).lstrip(_BULLET + SPACES)
    bullet = text.strip(SPACES)[:1] in _BULLET
    core = _simplified(printed)
    if not core or len(core) > 60 or re.search("[。；;！!？?，,]", core) or is_photo_credit(core):
        return None
    role = _BYLINE_ROLE.match(core)
    if bullet or _BYLINE_LABEL.match(core) or role and (role["agency"] or role["gap"]) or _SPACED_NAME.match(core):
        return printed
    return None


_NAME = rf"[{HAN_RANGES}](?: ?[{HAN_RANGES}]){{1,2}}"
_BARE_NAMES = re.compile(rf"^{_NAME}(?:[ 、]{_NAME}){{0,3}}$")


def is_bare_names(text: str) -> bool:
    """One to four names of two or three characters (张文华 李 明), nothing else."""
    return bool(_BARE_NAMES.match(text)) and " " in text or bool(_SPACED_NAME.match(text))


def is_heading_like(text: str) -> bool:
    """Short and not a sentence: a title, kicker, subtitle, subhead or section label."""
    if text.startswith("——"):
        return len(text) <= 2 * MAX_HEADING_CJK
    if len(text) > 3 * MAX_HEADING_CJK or cjk_count(text) > MAX_HEADING_CJK:
        return False
    latin_words = len(_LATIN_WORD.findall(text))
    if cjk_count(text) < latin_words and latin_words > MAX_HEADING_LATIN_WORDS:
        return False
    if re.search(r"[。；;]|[.!?]\s", text) or text.rstrip(_CLOSERS).endswith(("。", "，", ",", "：", ":", "、", ".", "…")):
        return False
    if text[:1] in "“\"「" and text[-1:] in "”\"」" and not re.search(r"[”\"」]", text[1:-1]):
        return False  # a quoted sentence standing alone is body text
    commas = len(re.findall("[，,]", text))
    if commas >= 2 or commas + text.count("、") and cjk_count(text) > MAX_CLAUSED_HEADING_CJK:
        return False  # clauses strung together: running text, not a headline
    if re.search(r"[！!？?][”’」]?.", text) and (commas or cjk_count(text) > MAX_CLAUSED_HEADING_CJK):
        return False  # a sentence ends inside it and more text follows
    return not ends_open(text)


def ends_open(text: str) -> bool:
    """Ends where no sentence can: on a particle or preposition (在中国的, 研究院与), or with
    a quotation mark or bracket still open (已为87家“因)."""
    if text.endswith(_OPEN_ENDINGS) and not text.endswith(("目的", "似的", "有的", "是的")):
        return True
    return any(text.count(opening) > text.count(closing) for opening, closing in _PAIRS)


def subhead_shaped(text: str) -> bool:
    """One short phrase with no sentence ending inside it: a subhead, even with commas or
    quotes (“要把某事做好，把某事办实”)."""
    return len(text) <= 3 * MAX_HEADING_CJK and cjk_count(text) <= MAX_HEADING_CJK \
        and not re.search("[。！？!?；;]", text.rstrip(_CLOSERS)[:-1]) \
        and not text.rstrip(_CLOSERS).endswith(("，", ",", "、", "：", ":"))


_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、是]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．]|第[一二三四五六七八九十]{1,3}[，,、]?)")


def is_numbered(text: str) -> bool:
    """A numbered subhead: 一、… （二）… 3.… 第四，…"""
    return bool(_NUMBERED.match(text))


def is_section_label(text: str) -> bool:
    """A column or section label (新华时评, 国内新闻, 讲述·总书记的关心事)."""
    return len(text) <= 14 and ("·" in text or bool(_LABEL_ENDING.search(text)))


def starts_mid_sentence(text: str) -> bool:
    """Text that cannot open a paragraph: it starts with punctuation or a particle."""
    return bool(_PARAGRAPH_NONSTARTER.match(text))


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))
