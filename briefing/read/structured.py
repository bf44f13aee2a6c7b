"""JSON and JSONL inputs: a list of objects with a title and a body or paragraphs."""

from __future__ import annotations

import json
import re

from ..errors import InputError
from ..models import Article, Lang
from .lang import detect_lang
from .source import Document

MAX_DEPTH = 64


def sniff_json(doc: Document) -> bool:
    head = doc.text.lstrip()[:1]
    return head in ("[", "{") and not sniff_jsonl(doc)


def sniff_jsonl(doc: Document) -> bool:
    lines = [ln for ln in doc.text.splitlines() if ln.strip()]
    return len(lines) > 1 and all(ln.lstrip().startswith("{") and ln.rstrip().endswith("}") for ln in lines[:5])


def read_json(doc: Document) -> list[Article]:
    data = _parse(doc.text, doc.source)
    if isinstance(data, dict):
        for key in ("articles", "items", "entries", "data"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise InputError(f"{doc.source}: JSON must be a list of articles (objects with title and body)")
    return [_article(obj, doc.source, f"item {i + 1}") for i, obj in enumerate(data)]


def read_jsonl(doc: Document) -> list[Article]:
    articles = []
    for number, line in enumerate(doc.text.splitlines(), 1):
        if line.strip():
            articles.append(_article(_parse(line, f"{doc.source} line {number}"), doc.source, f"line {number}"))
    return articles


def _parse(text: str, where: str):
    if _nesting(text) > MAX_DEPTH:
        raise InputError(f"{where}: JSON nested deeper than {MAX_DEPTH} levels; flatten it")
    try:
        return json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                         "fix the file or pass --format") from None


def _integer(digits: str) -> int | str:
    """A JSON integer; one too long for int() (thousands of digits) stays text."""
    return int(digits) if len(digits) <= 100 else digits


def _nesting(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _article(obj, source: str, where: str) -> Article:
    if not isinstance(obj, dict):
        raise InputError(f"{source} {where}: each article must be an object with title and body")

    def text(*keys: str) -> str:
        for key in keys:
            value = obj.get(key)
            if value is None or value == "":
                continue
            if isinstance(value, (str, int, float)):
                return str(value)
            raise InputError(f"{source} {where}: '{key}' must be text, not {type(value).__name__}; fix the file")
        return ""

    title = text("title", "headline")
    paragraphs = obj.get("paragraphs")
    if isinstance(paragraphs, list):
        if not all(isinstance(p, str) for p in paragraphs):
            raise InputError(f"{source} {where}: 'paragraphs' must be a list of texts; fix the file")
    else:
        paragraphs = re.split(r"\n\s*\n|\n", text("body", "text", "content"))
    paragraphs = [p.strip() for p in paragraphs if p and p.strip()]
    if not paragraphs:
        raise InputError(f"{source} {where}: the article has no body; give it a 'body' or 'paragraphs'")
    lang: Lang = obj["lang"] if obj.get("lang") in ("zh", "en") else detect_lang(title + "".join(paragraphs))
    return Article(
        title=title.strip(),
        paragraphs=paragraphs,
        lang=lang,
        kicker=text("kicker") or None,
        subtitle=text("subtitle") or None,
        byline=text("byline", "author") or None,
        dateline=text("dateline") or None,
        id=text("id") or None,
        url=text("url", "link") or None,
        published=text("published", "date") or None,
        source=source,
    )
