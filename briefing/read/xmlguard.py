"""Keep XML inputs from reading files or blowing up: remove the DTD before any parser sees it.

feedparser 6 strips a DOCTYPE only when its entity declarations start on lines of their
own; a DTD written on one line reaches expat, which then expands internal entities (a
"billion laughs" feed took 4.7 s and hit expat's amplification limit on this machine)
and a file's contents stay out only because expat is told not to load external entities.
So every DOCTYPE in the prolog is cut out here, and references to entities it may have
declared are dropped (XML's own references and the named characters of HTML stay).
"""

from __future__ import annotations

import logging
import re
from html.entities import html5

log = logging.getLogger(__name__)

_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_ENTITY_NAME = re.compile(r"<!ENTITY\s+(%\s*)?([\w.:-]+)")
_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_REFERENCE = re.compile(r"&([A-Za-z_][\w.:-]*);")


def strip_dtd(text: str, source: str = "") -> str:
    """The document without its DOCTYPE declaration and without references to entities it declares."""
    position = _end_of_prolog_items(text, 0)
    match = _DOCTYPE.match(text, position)
    if match is None:
        return text
    end = _end_of_doctype(text, match.start())
    dtd = text[match.start():end]
    declared = [name for percent, name in _ENTITY_NAME.findall(dtd) if not percent]
    rest = _REFERENCE.sub(lambda ref: ref.group(0) if _known(ref.group(1)) else "", text[end:])
    if declared:
        log.warning("%s: ignored the DTD and its %d entity declaration(s); nothing was expanded",
                    source or "input", len(declared))
    else:
        log.info("%s: ignored the DTD", source or "input")
    return text[:match.start()] + rest


def _known(name: str) -> bool:
    """A reference the DTD cannot have defined: XML's own, or a named HTML character."""
    return name in ("amp", "lt", "gt", "quot", "apos") or f"{name};" in html5


def _end_of_prolog_items(text: str, position: int) -> int:
    while True:
        match = _PROLOG_ITEM.match(text, position)
        if match is None or match.end() == position:
            return position + (len(text[position:]) - len(text[position:].lstrip()))
        position = match.end()


def _end_of_doctype(text: str, start: int) -> int:
    """Index just past the DOCTYPE declaration, skipping quoted strings and the [internal subset]."""
    quote = None
    depth = 0
    i = start + len("<!DOCTYPE")
    while i < len(text):
        char = text[i]
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif text.startswith("<!--", i):
            close = text.find("-->", i + 4)
            i = len(text) if close < 0 else close + 3
            continue
        elif char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char == ">" and depth == 0:
            return i + 1
        i += 1
    return len(text)
