"""Which language an article is in."""

from __future__ import annotations

import re

from ..models import Lang

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> Lang:
    """zh when CJK characters outnumber a fifth of the Latin letters, else en."""
    sample = text[:4000]
    cjk = len(_CJK.findall(sample))
    latin = len(_LATIN.findall(sample))
    return "zh" if cjk * 5 >= latin and cjk > 0 else "en"
