"""Which language an article is in."""

from __future__ import annotations

import re

from ..models import Lang
from ..text.script import HAN_RANGES

_CJK = re.compile(rf"[{HAN_RANGES}]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> Lang:
    """zh when CJK characters outnumber a fifth of the Latin letters, else en."""
    sample = text[:4000]
    cjk = len(_CJK.findall(sample))
    latin = len(_LATIN.findall(sample))
    return "zh" if cjk * 5 >= latin and cjk > 0 else "en"
