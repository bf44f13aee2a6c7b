"""Which writing system a character or a text is in. The one definition of a Han character."""

from __future__ import annotations

import re

# CJK Unified Ideographs, Extension A and the compatibility ideographs: every Han character
# a news text prints. Put inside a regex character class: f"[{HAN_RANGES}]".
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_CHAR = f"[{HAN_RANGES}]"
_HAN = re.compile(HAN_CHAR)


def is_han(char: str) -> bool:
    """Is `char` (one character) a Han character?"""
    return bool(_HAN.fullmatch(char))


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None
