"""Chinese word segmentation: the one jieba every stage uses (read, leads, speak)."""

from __future__ import annotations

import logging
import tempfile
from functools import lru_cache
from types import ModuleType


@lru_cache(maxsize=1)
def jieba_module() -> ModuleType:
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
