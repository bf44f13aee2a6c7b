"""Does a word run across a line break? ("改革向纵|深推进": 纵深 does, so the lines are one paragraph.)"""

from __future__ import annotations

from ..text.words import jieba_module
from .shapes import is_cjk

_WINDOW = 4  # characters taken from each side of the break


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
