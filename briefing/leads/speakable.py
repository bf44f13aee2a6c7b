"""Text as a voice should read it. Display text stays as written; only the spoken copy changes."""

from __future__ import annotations

import re

from ..models import Lang

_LATIN_GLOSS = re.compile(r"[（(]\s*[A-Za-z][A-Za-z0-9 .&'-]*[）)]")


def speakable(text: str, lang: Lang) -> str:
    if lang == "zh":
        text = _LATIN_GLOSS.sub("", text)  # 深度求索(DeepSeek): the gloss is noise when read aloud
        text = text.replace("《", "").replace("》", "")
        text = re.sub(r"—{2,}|──", "，", text)
        text = re.sub(r"…+|\.{3,}", "。", text)
    return text.strip()
