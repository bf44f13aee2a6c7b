"""Chinese word segmentation: the one jieba every stage uses (read, leads, speak)."""

from __future__ import annotations

import logging
import marshal
import tempfile
from functools import lru_cache
from types import ModuleType, SimpleNamespace
from typing import Any, BinaryIO


@lru_cache(maxsize=1)
def jieba_module() -> ModuleType:
    """jieba, quiet, with its dictionary cache in the user's private cache folder: by default
    it writes a predictable name in the shared temp folder and loads it back with marshal,
    so anyone who can write there could hand this process code. Every user of jieba here
    (and misaki, which shares jieba's default tokenizer) gets it through this function."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.marshal = _WHOLE_FILE_MARSHAL  # type: ignore[attr-defined]
    _keep_cache_private(jieba.dt)
    return jieba


def _load_whole_file(file: BinaryIO) -> Any:
    return marshal.loads(file.read())


# jieba reads its 9 MB dictionary cache with marshal.load(file), which reads the file piece by
# piece: 0.86 s here, against 0.31 s for the same bytes read at once (every process that reads
# Chinese pays it). The format and the file are jieba's own; only the way they are read changes.
_WHOLE_FILE_MARSHAL = SimpleNamespace(load=_load_whole_file, dump=marshal.dump, loads=marshal.loads,
                                      dumps=marshal.dumps)


def new_tokenizer() -> Any:
    """A tokenizer of its own (to add words to without touching the shared one), its cache private too."""
    tokenizer = jieba_module().Tokenizer()
    _keep_cache_private(tokenizer)
    return tokenizer


def _keep_cache_private(tokenizer: object) -> None:
    from ..files import private_cache_dir

    try:
        tokenizer.tmp_dir = str(private_cache_dir())  # type: ignore[attr-defined]
    except OSError:  # no usable home folder: a fresh folder only this process knows
        tokenizer.tmp_dir = tempfile.mkdtemp(prefix="briefing-jieba-")  # type: ignore[attr-defined]
