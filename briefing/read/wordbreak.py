"""Does a word run across a line break? ("改革向纵|深推进": 纵深 does, so the lines are one paragraph.)"""

from __future__ import annotations

import logging
import tempfile
from functools import lru_cache

from .shapes import is_cjk

_WINDOW = 4  # characters taken from each side of the break


@lru_cache(maxsize=1)
def jieba_module():
    """jieba, quiet, with its dictionary cache in the user's private cache folder: by default
    it writes a predictable name in the shared temp folder and loads it back with marshal,
    so anyone who can write there could hand this process code. Every user of jieba here
    (and misaki, which shares jieba's default tokenizer) gets it through this function."""
    import jieba

    from ..files import private_cache_dir

    jieba.setLogLevel(logging.WARNING)
    try:
        jieba.dt.tmp_dir = str(private_cache_dir())
    except OSError:  # no usable home folder: a fresh folder only this process knows
        jieba.dt.tmp_dir = tempfile.mkdtemp(prefix="briefing-jieba-")
    return jieba


def _tokenizer():
    """jieba's shared tokenizer (the offline voice's Mandarin G2P loads the same dictionary)."""
    return jieba_module().dt


def spans_word(before: str, after: str) -> bool:
    """True when segmenting the text around the break puts one word across it."""
    left, right = before.rstrip()[-_WINDOW:], after.lstrip()[:_WINDOW]
    if not left or not right or not (is_cjk(left[-1]) and is_cjk(right[0])):
        return False
    position = 0
    for word in _tokenizer().cut(left + right, HMM=False):
        end = position + len(word)
        if position < len(left) < end:
            return True
        position = end
    return False
