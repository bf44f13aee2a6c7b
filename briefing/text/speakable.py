"""Text as a voice should read it. Display text stays as written; only the spoken copy changes.

Chinese: numbers become Chinese numerals with cn2an (years digit by digit, 20年 as a
quantity, 2.5% as 百分之二点五, 15—59岁 as 十五到五十九岁, 10:30 as 十点三十分, units and
currency spelled out); Latin glosses after a Chinese name (深度求索(DeepSeek)) and editorial
asides in brackets are dropped; common news acronyms get their standard Chinese name (GDP ->
国内生产总值); other Latin words are left to the voice; book-title marks, dashes and ellipses become plain text and
pauses. English: numbers, years, ordinals, money and percentages become words with
num2words. Every engine gets the same spoken text. misaki's Chinese G2P (the offline voice)
runs cn2an on whatever digits are left; after this there are none, so nothing is read twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ..models import Lang
from .script import HAN_RANGES

# ---------------------------------------------------------------- Chinese

_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}
                           | {chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)}
                           | {chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)}
                           | {"％": "%", "．": ".", "＋": "+", "－": "-", "＄": "$", "／": "/"})
_CJK = rf"[{HAN_RANGES}]"
_NUM = r"\d+(?:\.\d+)?"
# 深度求索(DeepSeek), 国际货币基金组织（IMF）: the Latin gloss repeats the name.
_LATIN_GLOSS = re.compile(rf"(?<=[{HAN_RANGES}》”」])\s*[（(]\s*[A-Za-z][A-Za-z0-9 .,&'’+/-]*[）)]")
# (以下简称《意见》), （记者 张三）, （资料图）: editorial asides a listener does not need.
_ASIDE = re.compile(r"[（(]\s*(?:以下简称|以下称|下称|简称|原题|原标题|记者|通讯员|图|注|编者注|资料图|完)[^（）()]*[）)]")
_INNER_BRACKETS = re.compile(r"[（(〔［\[【]([^（）()〔〕［］\[\]【】]*)[）)〕］\]】]")
_ZH_UNITS = {
    "km/h": "千米每小时", "km²": "平方千米", "km2": "平方千米", "km": "千米", "kg": "千克", "mg": "毫克",
    "cm²": "平方厘米", "cm": "厘米", "mm": "毫米", "m²": "平方米", "m2": "平方米", "m³": "立方米",
    "m3": "立方米", "ml": "毫升", "mL": "毫升", "kWh": "千瓦时", "kW": "千瓦", "MW": "兆瓦", "GW": "吉瓦",
    "GB": "吉字节", "MB": "兆字节", "TB": "太字节", "GHz": "吉赫兹", "MHz": "兆赫兹", "Hz": "赫兹",
    "m": "米", "t": "吨", "g": "克", "h": "小时", "s": "秒", "℃": "摄氏度", "°C": "摄氏度", "°F": "华氏度",
    "‰": "", "㎡": "平方米",
}
_UNIT = re.compile(r"(\d)\s*(" + "|".join(sorted(map(re.escape, _ZH_UNITS), key=len, reverse=True))
                   + r")(?![A-Za-z0-9])")
_ZH_CURRENCY = {"$": "美元", "US$": "美元", "€": "欧元", "£": "英镑", "¥": "元", "￥": "元", "HK$": "港元"}
_CURRENCY = re.compile(r"(US\$|HK\$|[$€£¥￥])\s*(" + _NUM + r")\s*(万亿|亿|万|千)?")
# Acronyms that Chinese news gives a standard Chinese name: every voice reads the name well,
# while the offline voice has no sound for most Latin letters.
_ZH_ACRONYMS = {
    "GDP": "国内生产总值", "CPI": "居民消费价格指数", "PPI": "工业生产者出厂价格指数", "PMI": "采购经理指数",
    "WTO": "世界贸易组织", "WHO": "世界卫生组织", "IMF": "国际货币基金组织", "UN": "联合国", "EU": "欧盟",
    "NATO": "北约", "APEC": "亚太经合组织", "ASEAN": "东盟", "OPEC": "石油输出国组织", "G20": "二十国集团",
    "G7": "七国集团", "BRICS": "金砖国家", "UNESCO": "联合国教科文组织", "FIFA": "国际足联", "IOC": "国际奥委会",
    "CEO": "首席执行官", "VR": "虚拟现实", "IPO": "首次公开募股", "ICU": "重症监护室", "CBD": "中央商务区",
    "RCEP": "区域全面经济伙伴关系协定", "SCO": "上海合作组织", "NASA": "美国国家航空航天局",
}
_ACRONYM = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(sorted(_ZH_ACRONYMS, key=len, reverse=True))
                      + r")(?![A-Za-z0-9])")
_CLASSIFIERS = "个条件人名位家只次场项种辆台套本张座所届架艘倍天年岁周批轮"


def _an2cn(number: str) -> str:
    import cn2an

    return cn2an.an2cn(number)


def _digits(number: str) -> str:
    if _too_long(number):
        return _LONG_NUMBER["zh"]
    return "".join("零一二三四五六七八九"[int(d)] if d.isdigit() else "点" for d in number)


# Digits in a number read as a quantity; longer runs are read digit by digit, and runs past
# MAX_SPOKEN_DIGITS (no listener follows them) as "a very long number".
MAX_QUANTITY_DIGITS = 15
MAX_SPOKEN_DIGITS = 30
_LONG_NUMBER = {"zh": "一个很长的数字", "en": "a very long number"}


def _too_long(number: str) -> bool:
    return sum(c.isdigit() for c in number) > MAX_SPOKEN_DIGITS


def _cardinal(number: str) -> str:
    """A quantity as read aloud: 2000 -> 两千, 1359.6 -> 一千三百五十九点六."""
    if _too_long(number):
        return _LONG_NUMBER["zh"]
    if len(number.split(".")[0]) > 12 or len(number) > MAX_QUANTITY_DIGITS or (len(number) > 1 and number.startswith("0") and "." not in number[:2]):
        return _digits(number)  # codes and serial numbers
    text = _an2cn(number)
    return "两" + text[1:] if re.match(r"二[千万亿]", text) else text


_ZH_RULES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    # dates and times
    (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
     lambda m: f"{_digits(m[1])}年{_cardinal(str(int(m[2])))}月{_cardinal(str(int(m[3])))}日"),
    (re.compile(r"(?<![\d:])([01]?\d|2[0-4])[:：]([0-5]\d)(?![\d:])"),
     lambda m: f"{_cardinal(str(int(m[1])))}点" + (f"{_cardinal(str(int(m[2])))}分" if int(m[2]) else "")),
    (re.compile(r"(?<![\d:])(\d{1,2}):(\d)(?![\d:])"), lambda m: f"{_cardinal(m[1])}比{_cardinal(m[2])}"),
    # money and temperature
    (_CURRENCY, lambda m: _cardinal(m[2].replace(",", "")) + (m[3] or "") + _ZH_CURRENCY[m[1]]),
    (re.compile(rf"(?:(零下)|-)?(?<!\d)({_NUM})\s*(?:℃|°C|摄氏度)"),
     lambda m: ("零下" if m.group(0)[0] in "-零" else "") + _cardinal(m[2]) + "摄氏度"),
    # ranges: 15—59岁, 4-5颗, 2.5%至3%, 2024—2025年
    (re.compile(r"(?<![\w.])(\d{4})\s*[-—–~～至到]\s*(\d{4})(?=\s*年)"),
     lambda m: f"{_digits(m[1])}年到{_digits(m[2])}"),
    (re.compile(rf"(?<![A-Za-z\d.])({_NUM})(%?)\s*(?:[-—–~～]|至|到)\s*({_NUM})(%)"),
     lambda m: f"百分之{_cardinal(m[1])}到百分之{_cardinal(m[3])}"),
    (re.compile(rf"(?<![A-Za-z\d.])({_NUM})\s*[-—–~～]\s*({_NUM})(?![\d.])"),
     lambda m: f"{_cardinal(m[1])}到{_cardinal(m[2])}"),
    # years: 2025年 and 86年8月 digit by digit, 90年代 and 20年 as quantities
    (re.compile(r"(?<!\d)(\d{4})(?=\s*年)"), lambda m: _digits(m[1])),
    (re.compile(r"(?<![\d.])(\d{2})(?=年\d{1,2}月)"), lambda m: _digits(m[1])),
    # percentages, fractions, numbers glued to Latin letters (G20, A380, COVID-19); a number is
    # matched from its first digit only (from each digit, a long run would be scanned n times)
    (re.compile(rf"(?<!\d)({_NUM})\s*[%％]"), lambda m: "百分之" + _cardinal(m[1])),
    (re.compile(rf"(?<!\d)({_NUM})\s*‰"), lambda m: "千分之" + _cardinal(m[1])),
    (re.compile(r"(?<![\d/])(\d+)/(\d+)(?![\d/])"), lambda m: f"{_cardinal(m[2])}分之{_cardinal(m[1])}"),
    (re.compile(r"(?<=[A-Za-z])-?(\d+)"), lambda m: _cardinal(m[1]) if len(m[1]) <= 2 else _digits(m[1])),
    # units after a number
    (_UNIT, lambda m: m[1] + _ZH_UNITS[m[2]]),
    # 2个, 2条: 两 before a classifier
    (re.compile(rf"(?<![\d.])2(?=[{_CLASSIFIERS}])(?!年\d|月)"), lambda m: "两"),
    # negative numbers, then every other number
    (re.compile(rf"(?<![\w\d])-({_NUM})"), lambda m: "负" + _cardinal(m[1])),
    (re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)"), lambda m: _digits(m[0].lstrip("+"))),
    (re.compile(_NUM), lambda m: _cardinal(m[0])),
]


def _unbracket(match: re.Match) -> str:
    """A short bracketed word is read in place (华润微电子(重庆)有限公司); a longer aside
    is set off by pauses."""
    inner = match[1].strip()
    if not inner:
        return ""
    return inner if len(inner) <= 4 else f"，{inner}，"


def _speakable_zh(text: str) -> str:
    text = text.translate(_FULLWIDTH)
    text = _LATIN_GLOSS.sub("", text)
    text = _ACRONYM.sub(lambda m: _ZH_ACRONYMS[m[1]], text)
    text = _ASIDE.sub("", text)
    text = _INNER_BRACKETS.sub(_unbracket, text)
    text = text.replace("《", "").replace("》", "").replace("〈", "").replace("〉", "")
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    for pattern, spell in _ZH_RULES:
        text = pattern.sub(spell, text)
    text = re.sub(r"\s*(?:——|──|—|--)\s*", "，", text)
    text = re.sub(r"(?:…+|\.{3,}|⋯+)(?=[”’」』\"]*$)", "。", text)
    text = re.sub(r"(?:…+|\.{3,}|⋯+)", "，", text)
    text = re.sub(r"[@#*_|~^<>=]", " ", text)
    text = re.sub(r"，(?=[，。！？；：、])|(?<=[，。！？；：、])，", "", text)
    text = re.sub(r"^[，。、；：\s]+", "", text)
    text = re.sub(rf"(?<=[{HAN_RANGES}，。！？；：、“”])\s+|\s+(?=[{HAN_RANGES}，。！？；：、“”])", "", text)
    return re.sub(r"\s{2,}", " ", text).strip()


# ---------------------------------------------------------------- English

_EN_CURRENCY = {"$": "dollars", "US$": "US dollars", "€": "euros", "£": "pounds", "¥": "yen", "HK$": "Hong Kong dollars"}
_EN_SCALE = {"m": "million", "bn": "billion", "k": "thousand", "million": "million", "billion": "billion",
             "trillion": "trillion"}
_EN_UNITS = {"km": "kilometres", "kg": "kilograms", "cm": "centimetres", "mm": "millimetres", "mph": "miles per hour",
             "km/h": "kilometres per hour", "ft": "feet", "lb": "pounds", "lbs": "pounds", "°C": "degrees Celsius",
             "°F": "degrees Fahrenheit", "℃": "degrees Celsius", "GB": "gigabytes", "MB": "megabytes"}
_EN_UNIT = re.compile(r"(\d)\s*(" + "|".join(sorted(map(re.escape, _EN_UNITS), key=len, reverse=True))
                      + r")(?![A-Za-z])")


def _words(number: str, to: str = "cardinal") -> str:
    from num2words import num2words

    digits = [d for d in number if d.isdigit()]
    if len(digits) > MAX_SPOKEN_DIGITS:
        return _LONG_NUMBER["en"]
    if len(digits) > MAX_QUANTITY_DIGITS:  # num2words overflows, and nobody follows "septillion"
        return " ".join(num2words(int(d), lang="en") if d.isdigit() else "point" for d in number if d != ",")
    value: float | int = float(number) if "." in number else int(number)
    return num2words(value, lang="en", to=to).replace(",", "")


def _en_number(number: str) -> str:
    number = number.replace(",", "")
    whole = number.split(".")[0]
    if len(whole) > 1 and whole.startswith("0") and not _too_long(number):
        return " ".join(_words(d) for d in number if d.isdigit())
    return _words(number)


def _en_year(year: str) -> str:
    return _words(year, "year")


_EN_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_EN_RULES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"(US\$|HK\$|[$€£¥])\s?(" + _EN_NUM + r")(?:\s?(million|billion|trillion|bn|m|k)\b)?"),
     lambda m: " ".join(filter(None, [_en_number(m[2]), _EN_SCALE.get(m[3] or "", ""), _EN_CURRENCY[m[1]]]))),
    (re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
                r"\s+(\d{1,2})\b(?!:)"), lambda m: f"{m[1]} {_words(m[2], 'ordinal')}"),
    (re.compile(r"(?<!\d)(" + _EN_NUM + r")\s?%"), lambda m: _en_number(m[1]) + " percent"),
    (re.compile(r"\b(1\d|20)(\d0)s\b"), lambda m: re.sub(r"y$", "ies", _en_year(m[1] + m[2])) if m[2] != "00"
     else _en_year(m[1] + m[2]) + "s"),
    (re.compile(r"\b(\d+)(st|nd|rd|th)\b"), lambda m: _words(m[1], "ordinal")),
    (re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b"),
     lambda m: _words(m[1]) + (" o'clock" if m[2] == "00" else " oh " + _words(m[2][1]) if m[2][0] == "0"
                               else " " + _words(m[2]))),
    (re.compile(r"\b(\d+(?:\.\d+)?)\s?(?:-|–|—|to)\s?(\d+(?:\.\d+)?)\b(?!-)"),
     lambda m: f"{_en_number(m[1])} to {_en_number(m[2])}"),
    (re.compile(r"\b(1[1-9]\d\d|20\d\d)\b(?![.,]\d)"), lambda m: _en_year(m[1])),
    (_EN_UNIT, lambda m: f"{m[1]} {_EN_UNITS[m[2]]}"),
    (re.compile(r"\bNo\.\s?(\d+)"), lambda m: "number " + _en_number(m[1])),
    (re.compile(r"(?<![\w.])-(\d+(?:\.\d+)?)\b"), lambda m: "minus " + _en_number(m[1])),
    (re.compile(_EN_NUM), lambda m: _en_number(m[0])),
]


# "(pictured)", "(left)": pointers to a photo the listener cannot see.
_EN_PICTURE_POINTER = re.compile(r"\s*\((?:pictured|picture|photo|left|right|above|below|centre|center|inset|file photo|"
                                 r"(?:pictured\s+)?(?:second|third|far|top|bottom)\s+(?:left|right)|pictured\s+[^()]{1,30})\)",
                                 re.IGNORECASE)


def _speakable_en(text: str) -> str:
    text = _EN_PICTURE_POINTER.sub("", text)
    for pattern, spell in _EN_RULES:
        text = pattern.sub(spell, text)
    text = re.sub(r"\s*(?:—|--|–)\s*", ", ", text)
    text = re.sub(r"(?:…|\.{3,})", ", ", text)
    text = text.replace("&", " and ")
    return re.sub(r"\s{2,}", " ", text).strip()


# Emoji and pictographs (with their joiners and variation selectors) are not read out.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0E\uFE0F\u200D\u20E3]+")


def speakable(text: str, lang: Lang) -> str:
    """The copy of `text` a voice reads: numbers, dates, units and symbols spelled out."""
    text = _EMOJI.sub("", unicodedata.normalize("NFC", text))
    return _speakable_zh(text) if lang == "zh" else _speakable_en(text)
